"""`zoo`: list, inspect, demo and run the shipped recurrent models.

Each subcommand lives in its own module with two functions,
`add_parser(subparsers)` and `run(args)`; add a module to `COMMANDS` to add a
subcommand. Keras is imported only when a command needs it, so `zoo --help`,
`zoo list` and `zoo info` are instant; a command that reads only model cards
says so with `parser.set_defaults(needs_keras=False)`.
"""

import argparse
import os
import sys

from zoo.cli import demo_command
from zoo.cli import diagnose_command
from zoo.cli import eval_command
from zoo.cli import info_command
from zoo.cli import list_command
from zoo.cli import predict_command
from zoo.cli.quiet_start_up import import_keras_quietly
from zoo.cli import train_command
from zoo.cli import tune_command
from zoo.version import __version__

COMMANDS = (
    list_command,
    info_command,
    demo_command,
    predict_command,
    train_command,
    diagnose_command,
    eval_command,
    tune_command,
)


class UsageError(Exception):
    """Bad arguments: printed as one line, exit status 2."""


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit with status 2."""

    def error(self, message):
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


def build_parser():
    parser = OneLineErrorParser(
        prog="zoo",
        description="A Keras 3 model zoo for recurrent sequence models.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=OneLineErrorParser
    )
    subparsers.required = True
    parser.set_defaults(needs_keras=True)
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv=None):
    """Run the `zoo` command; returns its exit status."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = build_parser().parse_args(argv)
    if args.needs_keras:
        import_keras_quietly()
    from zoo.hub import CheckpointError

    try:
        return args.run(args) or 0
    except (UsageError, CheckpointError) as error:
        sys.stderr.write(f"zoo {args.command}: error: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
