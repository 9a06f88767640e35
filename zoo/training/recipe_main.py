"""How every recipe's `main` ends: the exit statuses and one-line errors."""

import functools
import sys

from zoo.data.data_format_error import DataFormatError
from zoo.hub.checkpoint_error import CheckpointError
from zoo.training.fit_with_dev_stopping import NoFiniteEpochError
from zoo.training.recipe_config import OptionError

# Errors that mean the user's input is wrong (an option, a data file, a
# checkpoint): they are raised before anything is written.
BAD_INPUT_ERRORS = (OptionError, DataFormatError, CheckpointError, FileNotFoundError)


def recipe_main(main):
    """Decorate a recipe's `main(argv)` with the exit statuses all recipes share.

    Bad input (`BAD_INPUT_ERRORS`) prints one `error: ...` line to stderr
    and returns 2; a run whose every epoch had a NaN or Inf loss
    (`NoFiniteEpochError`) prints it and returns 1. Anything else is a bug
    and keeps its traceback.

    Example:

    >>> @recipe_main
    ... def main(argv=None):
    ...     raise OptionError("--units must be positive, got -1")
    >>> main([])
    2
    """

    @functools.wraps(main)
    def main_with_exit_status(argv=None):
        try:
            return main(argv)
        except BAD_INPUT_ERRORS as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except NoFiniteEpochError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1

    return main_with_exit_status
