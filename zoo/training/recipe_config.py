"""Command-line flags generated from a recipe's config dataclass."""

import argparse
import dataclasses


class OptionError(ValueError):
    """A recipe option whose value cannot be used: one line, exit status 2."""


def build_parser(config_cls, description=None):
    """An ArgumentParser with one `--field-name` flag per dataclass field.

    The flag's type is the field's type (bools become `--x/--no-x`), its
    default the field's default, its help the field's `metadata["help"]`,
    and its name `metadata["flag"]` where a field sets one (`--from` for
    the field `from_checkpoint`: `from` is a Python keyword).
    """
    parser = argparse.ArgumentParser(description=description or config_cls.__doc__)
    for field in dataclasses.fields(config_cls):
        flag = field.metadata.get("flag") or "--" + field.name.replace("_", "-")
        default = field.default
        if default is dataclasses.MISSING and field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        help_text = field.metadata.get("help", "")
        help_text = f"{help_text} (default: {default})".strip()
        if isinstance(default, bool):
            parser.add_argument(
                flag,
                dest=field.name,
                default=default,
                action=argparse.BooleanOptionalAction,
                help=help_text,
            )
        else:
            parser.add_argument(
                flag, dest=field.name, default=default, type=type(default), help=help_text
            )
    return parser


def parse_config(config_cls, argv=None, description=None):
    """Parse `argv` (default `sys.argv[1:]`) into a `config_cls` instance."""
    args = build_parser(config_cls, description).parse_args(argv)
    return config_cls(**vars(args))


def format_config(config):
    """The config as aligned `name = value` lines, for the start of a run."""
    fields = dataclasses.asdict(config)
    width = max(len(name) for name in fields)
    return "\n".join(f"  {name:<{width}} = {value!r}" for name, value in fields.items())
