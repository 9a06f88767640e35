"""Options every recipe shares: precision, TensorBoard logs, NaN stops.

A recipe's config dataclass inherits `RunnerOptions`, so each recipe gets
the same flags (`--precision`, `--logdir`), and calls `apply_precision`
before building its model and `runner_callbacks` for `fit`.
"""

import dataclasses

import keras

from zoo.training.non_finite_loss_stop import NonFiniteLossStop
from zoo.training.recipe_config import OptionError

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


@dataclasses.dataclass
class RunnerOptions:
    """The runner's flags, inherited by recipe configs (all have defaults).

    Example:

    >>> @dataclasses.dataclass
    ... class MyConfig(RunnerOptions):
    ...     units: int = 64
    >>> MyConfig().precision, MyConfig(precision="mixed_bfloat16").units
    ('float32', 64)
    """

    precision: str = dataclasses.field(
        default="float32",
        metadata={"help": "float32, mixed_bfloat16 (CPUs, TPUs, recent GPUs) or mixed_float16 (GPUs)"},
    )
    logdir: str = dataclasses.field(
        default="", metadata={"help": "write TensorBoard logs (loss, dev scores) here"}
    )


def apply_precision(precision):
    """Set Keras' global dtype policy; call it before building the model.

    Raises:
        OptionError: `precision` is not one of `PRECISIONS`.
    """
    if precision not in PRECISIONS:
        raise OptionError(f"--precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    keras.config.set_dtype_policy(precision)


def runner_callbacks(options, stopping=None):
    """The callbacks of a recipe's `fit`, in the order they must run.

    The dev scorer first (so later callbacks see its numbers), then the
    NaN/Inf stop, then TensorBoard when `options.logdir` is set.

    Args:
        options: a `RunnerOptions` (a recipe config).
        stopping: a `DevEarlyStopping` or None.
    """
    callbacks = [stopping] if stopping is not None else []
    callbacks.append(NonFiniteLossStop())
    if options.logdir:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=options.logdir))
    return callbacks
