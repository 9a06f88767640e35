"""`fit_with_dev_stopping`: the runner's training loop, shared by the recipes."""

import sys

from zoo.training.dev_early_stopping import DevEarlyStopping
from zoo.training.recipe_config import OptionError
from zoo.training.runner_options import runner_callbacks


class NoFiniteEpochError(RuntimeError):
    """Every epoch ended with a NaN or Inf loss: there are no weights to keep.

    `fit_with_dev_stopping` raises it; the recipes print it and exit with
    status 1, writing nothing.

    Example:

    >>> try:
    ...     raise NoFiniteEpochError("no epoch finished with a finite loss")
    ... except RuntimeError as error:
    ...     print(f"error: {error}")
    error: no epoch finished with a finite loss
    """


def fit_with_dev_stopping(model, config, score_fn, higher_is_better, out,
                          throughput=None, **fit_arguments):
    """Train `model` with early stopping on dev, resumable; keep the best epoch.

    The recipe's model is compiled; `config` is its `DevStoppingRunnerOptions`
    with `epochs`, `patience` and `decay_patience` fields; `max_minutes`
    ends the run after the epoch that passes it, as an early stop would
    (the state stays resumable). After every
    epoch `score_fn(model) -> (score, report)` scores dev; the training
    state goes to `config.state_dir_for(out)` (atomically, every epoch).
    `--resume` continues a run from that state; without it an existing
    state is an error rather than silently reused or overwritten. The
    callbacks are `runner_callbacks` (NaN/Inf stop, TensorBoard). On
    return the model holds the best epoch's weights.

    Args:
        model: a compiled Keras model.
        config: the recipe config (a `ResumableRunnerOptions`).
        score_fn: callable `model -> (score, report dict)`.
        higher_is_better: bool. For accuracies True, for error rates False.
        out: str or None. The checkpoint path (the state goes beside it).
        throughput: `(units_per_epoch, unit)` for a `tokens/s`-style rate
            in the progress bar and logs (`ThroughputLogger`), or None.
        **fit_arguments: the data and how to read it: `model.fit`'s `x`,
            with `y`, `batch_size`, `shuffle`, ... as it needs
            (`BucketedBatches.fit_arguments()` gives them for its batches).

    Returns:
        The `DevEarlyStopping` callback: `best`, `best_epoch`, `history`,
        `seconds` (the epochs' time summed over all runs).

    Raises:
        OptionError: a training state exists and `--resume` was not given.
        NoFiniteEpochError: no epoch ended with a finite loss.
    """
    state_dir = config.state_dir_for(out)
    stopping = DevEarlyStopping(
        score_fn,
        patience=config.patience,
        decay_patience=config.decay_patience,
        higher_is_better=higher_is_better,
        state_dir=state_dir,
    )
    if stopping.has_state() and not config.resume:
        raise OptionError(
            f"{state_dir} holds the training state of an earlier run: pass --resume "
            "to continue it (more --epochs trains further), or delete that folder "
            "to start over"
        )
    initial_epoch = stopping.resume(model)
    if initial_epoch:
        print(f"resuming from {state_dir} after epoch {initial_epoch} "
              f"(best dev {stopping.best:.4f} at epoch {stopping.best_epoch})", flush=True)
    elif config.resume:
        print(f"--resume: no training state in {state_dir}, starting a new run", flush=True)
    if initial_epoch < config.epochs and not stopping.stopped:
        model.fit(
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            callbacks=runner_callbacks(config, stopping, throughput),
            verbose=1 if sys.stdout.isatty() else 2,
            **fit_arguments,
        )
    if stopping.best_weights is None:
        raise NoFiniteEpochError(
            "no epoch finished with a finite loss; nothing written (lower the "
            "learning rate or clip gradients harder)"
        )
    model.set_weights(stopping.best_weights)
    return stopping
