"""`train_candidates`: train one network per seed, keep the best-scoring one;
the options (`CandidateOptions`) and the score (`exact_fraction`) of the
recipes that do."""

import dataclasses
import os
import time

import keras
import numpy as np

from zoo.training.distribution import distribution_scope
from zoo.training.periodic_backup import PeriodicBackupAndRestore
from zoo.training.recipe_config import OptionError
from zoo.training.recipe_config import option
from zoo.training.runner_options import ResumableRunnerOptions
from zoo.training.runner_options import apply_precision
from zoo.training.runner_options import runner_callbacks


@dataclasses.dataclass
class CandidateOptions(ResumableRunnerOptions):
    """`ResumableRunnerOptions` plus the options of a recipe that trains
    `--candidates` small networks with clipped Adam and keeps the most
    noise-robust one (`train_candidates`, `exact_fraction`).

    Example:

    >>> options = CandidateOptions(clipnorm=0.0)
    >>> options.candidates, options.clipped_adam().clipnorm
    (4, None)
    """

    learning_rate: float = option(0.03, "Adam learning rate")
    clipnorm: float = option(
        1.0,
        "clip each gradient to this norm (0: off); the lectures' cure for exploding "
        "gradients, 1.0 is above the norms of steady training so it only cuts spikes",
    )
    candidates: int = option(4, "networks trained (seeds 0..n-1); the most noise-robust is kept")
    robustness_draws: int = option(50, "noise draws over the training data to score a candidate")

    def clipped_adam(self):
        """Adam with `--learning-rate`, clipping each gradient to `--clipnorm`.

        Raises:
            OptionError: `--clipnorm` is negative.
        """
        if self.clipnorm < 0:
            raise OptionError(f"--clipnorm must be >= 0 (0: off), got {self.clipnorm}")
        return keras.optimizers.Adam(self.learning_rate, clipnorm=self.clipnorm or None)


def exact_fraction(model, inputs, targets, training=False, draws=1):
    """The fraction of (sequence, draw) pairs whose every output is right.

    An output is right when it is on the same side of 0.5 as its 0/1
    target. With `training=True` the model runs as in training (its state
    noise on), `draws` times over all sequences: how well the answers
    survive the noise.

    Args:
        model: callable `(inputs, training=...) -> [batch, steps]`
            probabilities.
        inputs: the model's inputs, `batch` sequences.
        targets: [batch, steps] array of 0/1 targets.
        training: bool, default False.
        draws: int, default 1.

    Example:

    >>> import numpy as np
    >>> model = lambda inputs, training=False: np.array([[0.9, 0.2], [0.6, 0.7]])
    >>> exact_fraction(model, None, np.array([[1, 0], [1, 0]]))
    0.5
    """
    targets = np.asarray(targets) > 0.5
    correct = 0
    for _ in range(draws):
        predicted = keras.ops.convert_to_numpy(model(inputs, training=training)) > 0.5
        correct += np.all(predicted == targets, axis=1).sum()
    return float(correct / (draws * len(targets)))


def candidate_callbacks(config, seed, state_dir=None):
    """The runner's callbacks for the candidate of `seed`.

    TensorBoard logs go to LOGDIR/seed_N; with `state_dir`, a
    `PeriodicBackupAndRestore` keeps the candidate's training state in
    STATE_DIR/seed_N (and restores it when there is one).
    """
    if config.logdir:
        config = dataclasses.replace(config, logdir=os.path.join(config.logdir, f"seed_{seed}"))
    callbacks = runner_callbacks(config)
    if state_dir:
        callbacks.append(PeriodicBackupAndRestore(os.path.join(state_dir, f"seed_{seed}")))
    return callbacks


def train_candidates(config, train_one, score, rank=None, log=print):
    """Train `config.candidates` networks (seeds 0..n-1) and keep the best one.

    A tiny recurrent network may or may not find the solution that
    generalizes from its random start, so the textbook recipes train a few
    and keep the one that scores best on the training data. This sets the
    precision (`config.precision`) and enters the distribution scope
    (`config.distribute`) once for the whole run, so its device line is
    printed once, then for each seed calls `train_one(seed, callbacks)`
    (`callbacks`: the runner's, with TensorBoard logs in LOGDIR/seed_N),
    scores the model and logs one line.

    With a `ResumableRunnerOptions` config, each candidate's training state
    is kept in `OUT.training/seed_N` (`PeriodicBackupAndRestore`: every 30 s
    and when its training ends). `--resume` then goes on where a killed run
    stopped: finished candidates train no more epochs (their `fit` starts
    after the last one) and are scored again, the candidate in progress
    goes on from its last save. Without `--resume` an existing state is an
    error. `train_one` must pass `callbacks` to its `fit`.

    Args:
        config: a `RunnerOptions` with a `candidates` field (a recipe config).
        train_one: `(seed, callbacks) -> model`, a trained model; it should
            seed its own randomness with `seed`.
        score: `model -> dict` of named metrics (floats), in the order the
            line logged for the candidate shows them.
        rank: `metrics dict -> comparable`, larger is better; the first
            candidate of the largest rank is kept. Default: the tuple of the
            metrics' values, in order.
        log: callable taking one str, default `print`.

    Returns:
        `(seed, model, scores)`: the kept candidate's seed and model, and
        `scores`, a dict from every seed to its metrics.

    Raises:
        OptionError: a bad `--precision`, `--distribute` on a backend
            without a data-parallel engine, or a training state without
            `--resume`.
        ValueError: `config.candidates` is below 1.

    Example:

    >>> import dataclasses
    >>> from zoo.training.runner_options import RunnerOptions
    >>> @dataclasses.dataclass
    ... class Config(RunnerOptions):
    ...     candidates: int = 3
    >>> accuracies = [0.5, 0.9, 0.7]
    >>> seed, model, scores = train_candidates(
    ...     Config(),
    ...     train_one=lambda seed, callbacks: ("model", seed),
    ...     score=lambda model: {"accuracy": accuracies[model[1]]},
    ... )
    candidate seed=0: accuracy 0.5 (0s)
    candidate seed=1: accuracy 0.9 (0s)
    candidate seed=2: accuracy 0.7 (0s)
    >>> seed, model, scores[2]
    (1, ('model', 1), {'accuracy': 0.7})
    """
    if config.candidates < 1:
        raise ValueError(f"`candidates` must be at least 1, got {config.candidates}")
    rank = rank or (lambda metrics: tuple(metrics.values()))
    apply_precision(config.precision)
    state_dir = config.checked_state_dir(config.out) if hasattr(config, "resume") else None
    if state_dir and config.resume:
        log(f"resuming from {state_dir}" if os.path.isdir(state_dir)
            else f"--resume: no training state in {state_dir}, starting a new run")
    scores = {}
    best = None
    with distribution_scope(config.distribute):
        for seed in range(config.candidates):
            start = time.time()
            model = train_one(seed, candidate_callbacks(config, seed, state_dir))
            metrics = score(model)
            scores[seed] = metrics
            shown = ", ".join(f"{name} {value:.5g}" for name, value in metrics.items())
            log(f"candidate seed={seed}: {shown} ({time.time() - start:.0f}s)")
            if best is None or rank(metrics) > rank(scores[best[0]]):
                best = (seed, model)
    seed, model = best
    return seed, model, scores
