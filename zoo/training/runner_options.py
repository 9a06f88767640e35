"""Options every recipe shares: precision, TensorBoard logs, NaN stops, devices.

A recipe's config dataclass inherits `RunnerOptions` (or
`ResumableRunnerOptions` when it early-stops on dev), so each recipe gets
the same flags (`--precision`, `--logdir`, `--distribute`, `--resume`),
and calls `apply_precision` before building its model and
`runner_callbacks` for `fit` (or `fit_with_dev_stopping`, which does).
"""

import dataclasses
import os

import keras

from zoo.training.non_finite_loss_stop import NonFiniteLossStop
from zoo.training.recipe_config import OptionError
from zoo.training.throughput_logger import ThroughputLogger
from zoo.training.time_budget import TimeBudget

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
    distribute: bool = dataclasses.field(
        default=False,
        metadata={"help": "split each batch over all visible devices (GPUs, else CPUs): "
                          "MirroredStrategy on TensorFlow, DataParallel on JAX"},
    )


@dataclasses.dataclass
class ResumableRunnerOptions(RunnerOptions):
    """`RunnerOptions` plus the resumable training state of dev early stopping.

    Example:

    >>> ResumableRunnerOptions(resume=True).state_dir_for("runs/tagger/")
    'runs/tagger.training'
    """

    resume: bool = dataclasses.field(
        default=False,
        metadata={"help": "continue the run whose training state is in --state-dir "
                          "(after a kill, Ctrl-C, or to train more epochs)"},
    )
    state_dir: str = dataclasses.field(
        default="",
        metadata={"help": "where the resumable training state is kept (default: OUT.training)"},
    )

    def state_dir_for(self, out):
        """`--state-dir`, else `OUT.training` beside the checkpoint (None without OUT)."""
        if self.state_dir:
            return self.state_dir
        return os.path.normpath(out) + ".training" if out else None

    def checked_state_dir(self, out):
        """`state_dir_for(out)`, after checking that `--resume` was given if
        a training state is already there.

        Raises:
            OptionError: the folder holds a state and `--resume` was not given.
        """
        state_dir = self.state_dir_for(out)
        if state_dir and os.path.isdir(state_dir) and os.listdir(state_dir) and not self.resume:
            raise OptionError(
                f"{state_dir} holds the training state of an earlier run: pass --resume "
                "to continue it, or delete that folder to start over"
            )
        return state_dir


@dataclasses.dataclass
class DevStoppingRunnerOptions(ResumableRunnerOptions):
    """`ResumableRunnerOptions` plus `--max-minutes`, for the recipes that
    early-stop on dev (`fit_with_dev_stopping`): a wall-clock budget after
    which the run ends like an early stop (best epoch, evaluation, card),
    its training state kept so that `--resume` trains on.

    Example:

    >>> DevStoppingRunnerOptions(max_minutes=90).max_minutes
    90
    """

    max_minutes: float = dataclasses.field(
        default=0.0,
        metadata={"help": "stop after the epoch that ends past this many minutes of training, "
                          "then evaluate and save as usual (0: no limit; --resume trains on)"},
    )

    ema_momentum: float = dataclasses.field(
        default=0.0,
        metadata={"help": "keep an exponential moving average of the weights with this "
                          "momentum (e.g. 0.999, about 1,000 steps; warmed up over the first "
                          "steps, so it follows the weights from the start: WarmAverageAdam): "
                          "dev scores the average and the checkpoint holds it (0: off)"},
    )

    def __post_init__(self):
        # Checked when the options are parsed, before any data is read.
        if self.max_minutes < 0:
            raise OptionError(
                f"--max-minutes must be 0 (no limit) or positive, got {self.max_minutes:g}"
            )
        if not 0 <= self.ema_momentum < 1:
            raise OptionError(
                f"--ema-momentum must be in [0, 1) (0: no averaging), got {self.ema_momentum:g}"
            )

    def weight_averaging(self):
        """The Keras optimizer arguments for `--ema-momentum`.

        Pass them to the recipe's optimizer (`WarmAverageAdam`, whose
        average warms up); `DevEarlyStopping` then scores (and keeps) the
        averaged weights.

        >>> DevStoppingRunnerOptions(ema_momentum=0.999).weight_averaging()
        {'use_ema': True, 'ema_momentum': 0.999}
        >>> DevStoppingRunnerOptions().weight_averaging()
        {}
        """
        if not self.ema_momentum:
            return {}
        return {"use_ema": True, "ema_momentum": self.ema_momentum}


def apply_precision(precision):
    """Set Keras' global dtype policy; call it before building the model.

    Raises:
        OptionError: `precision` is not one of `PRECISIONS`.
    """
    if precision not in PRECISIONS:
        raise OptionError(f"--precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    keras.config.set_dtype_policy(precision)


def runner_callbacks(options, stopping=None, throughput=None):
    """The callbacks of a recipe's `fit`, in the order they must run.

    The throughput first and the dev scorer next (so later callbacks see
    their numbers), then the time budget when `options.max_minutes` is set
    (after the dev scorer, whose saved state then still lets `--resume` go
    on), then the NaN/Inf stop, then TensorBoard when `options.logdir` is
    set.

    Args:
        options: a `RunnerOptions` (a recipe config).
        stopping: a `DevEarlyStopping` or None.
        throughput: `(units_per_epoch, unit)`, e.g. `(204577, "tokens")`,
            to show `tokens/s` in the progress bar and logs; or None.
    """
    callbacks = []
    if throughput is not None:
        callbacks.append(ThroughputLogger(*throughput))
    if stopping is not None:
        callbacks.append(stopping)
    max_minutes = getattr(options, "max_minutes", 0)
    if max_minutes:
        callbacks.append(TimeBudget(max_minutes))
    callbacks.append(NonFiniteLossStop())
    if options.logdir:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=options.logdir))
    return callbacks
