"""`train_candidates`: one training per seed, the best score kept, the
precision set and the distribution scope entered once per run; the clipped
Adam of `CandidateOptions`; `exact_fraction` on hand-counted cases."""

import contextlib
import dataclasses

import keras
import numpy as np
import pytest

from zoo.training import candidate_training
from zoo.training.candidate_training import CandidateOptions
from zoo.training.candidate_training import exact_fraction
from zoo.training.candidate_training import train_candidates
from zoo.training.recipe_config import OptionError
from zoo.training.runner_options import RunnerOptions


@dataclasses.dataclass
class Config(RunnerOptions):
    candidates: int = 4


def fake_training(accuracies):
    """`train_one` whose model for seed s is `("model", s)`; records its calls."""
    calls = []

    def train_one(seed, callbacks):
        calls.append((seed, callbacks))
        return ("model", seed)

    def score(model):
        return {"accuracy": accuracies[model[1]], "loss": 1.0 - accuracies[model[1]]}

    return train_one, score, calls


def test_trains_once_per_seed_and_keeps_the_best_score():
    train_one, score, calls = fake_training([0.5, 0.9, 0.7, 0.9])
    lines = []
    seed, model, scores = train_candidates(Config(), train_one, score, log=lines.append)
    assert [seed for seed, _ in calls] == [0, 1, 2, 3]
    # The first of the two best (0.9) is kept.
    assert (seed, model) == (1, ("model", 1))
    assert scores == {s: score(("model", s)) for s in range(4)}
    assert len(lines) == 4
    assert lines[2].startswith("candidate seed=2: accuracy 0.7, loss 0.3 (")


def test_rank_orders_the_candidates():
    train_one, score, _ = fake_training([0.5, 0.9, 0.7])
    seed, _, _ = train_candidates(
        Config(candidates=3), train_one, score, rank=lambda m: -m["accuracy"], log=print
    )
    assert seed == 0


def test_each_candidate_gets_the_runner_callbacks_with_its_own_logdir(tmp_path):
    train_one, score, calls = fake_training([0.1, 0.2])
    train_candidates(
        Config(candidates=2, logdir=str(tmp_path)), train_one, score, log=lambda line: None
    )
    for seed, callbacks in calls:
        (board,) = [c for c in callbacks if isinstance(c, keras.callbacks.TensorBoard)]
        assert board.log_dir == str(tmp_path / f"seed_{seed}")
    train_one, score, calls = fake_training([0.1])
    train_candidates(Config(candidates=1), train_one, score, log=lambda line: None)
    assert not any(isinstance(c, keras.callbacks.TensorBoard) for c in calls[0][1])


def test_the_distribution_scope_is_entered_once_around_all_candidates(monkeypatch, capsys):
    entered = []

    @contextlib.contextmanager
    def recording_scope(distribute):
        entered.append(distribute)
        print("--distribute: over 1 devices")
        yield None
        entered.append("exited")

    monkeypatch.setattr(candidate_training, "distribution_scope", recording_scope)
    train_one, score, calls = fake_training([0.1, 0.2, 0.3])

    def train_inside_the_scope(seed, callbacks):
        assert entered == [True], "trained outside the scope"
        return train_one(seed, callbacks)

    train_candidates(Config(candidates=3, distribute=True), train_inside_the_scope, score)
    assert entered == [True, "exited"] and len(calls) == 3
    assert capsys.readouterr().out.count("over 1 devices") == 1


def test_the_real_device_line_is_printed_once_per_run(capsys):
    """With `--distribute` over this machine's devices, 3 real candidates."""
    x = np.ones((4, 2), "float32")

    def train_one(seed, callbacks):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, x[:, :1], epochs=1, verbose=0, callbacks=callbacks)
        return model

    def score(model):
        return {"loss": -float(model.evaluate(x, x[:, :1], verbose=0))}

    seed, model, scores = train_candidates(Config(candidates=3, distribute=True), train_one, score)
    assert sorted(scores) == [0, 1, 2]
    assert scores[seed] == max(scores.values(), key=lambda metrics: metrics["loss"])
    assert capsys.readouterr().out.count("--distribute:") == 1


def test_the_precision_is_applied_and_bad_values_refused(monkeypatch):
    applied = []
    monkeypatch.setattr(candidate_training, "apply_precision", applied.append)
    train_one, score, _ = fake_training([0.1])
    train_candidates(Config(candidates=1, precision="mixed_bfloat16"), train_one, score,
                     log=lambda line: None)
    assert applied == ["mixed_bfloat16"]
    monkeypatch.undo()
    with pytest.raises(OptionError, match="--precision must be one of"):
        train_candidates(Config(precision="float8"), train_one, score)


def test_no_candidates_is_refused():
    train_one, score, calls = fake_training([])
    with pytest.raises(ValueError, match="`candidates` must be at least 1, got 0"):
        train_candidates(Config(candidates=0), train_one, score)
    assert calls == []


def test_candidate_options_clip_gradient_norms_unless_zero():
    optimizer = CandidateOptions().clipped_adam()
    assert optimizer.clipnorm == 1.0
    assert float(optimizer.learning_rate) == pytest.approx(0.03)
    tuned = CandidateOptions(learning_rate=0.01, clipnorm=2.5).clipped_adam()
    assert tuned.clipnorm == 2.5 and float(tuned.learning_rate) == pytest.approx(0.01)
    assert CandidateOptions(clipnorm=0.0).clipped_adam().clipnorm is None
    with pytest.raises(OptionError, match="--clipnorm must be >= 0 .0: off., got -0.5"):
        CandidateOptions(clipnorm=-0.5).clipped_adam()


class CountingModel:
    """Answers `clean` outside training, and the next of `noisy` in it."""

    def __init__(self, clean, noisy):
        self.clean, self.noisy, self.noisy_calls = clean, noisy, 0

    def __call__(self, inputs, training=False):
        if not training:
            return self.clean
        self.noisy_calls += 1
        return self.noisy[self.noisy_calls - 1]


def test_exact_fraction_counts_sequences_right_at_every_step():
    targets = np.array([[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0]])
    clean = np.array([
        [0.9, 0.1, 0.8],  # right
        [0.2, 0.6, 0.9],  # wrong at step 2
        [0.7, 0.51, 0.99],  # right
        [0.4, 0.3, 0.1],  # wrong at step 2
    ])
    noisy = [
        np.array([[0.9, 0.1, 0.8], [0.1, 0.1, 0.9], [0.7, 0.4, 0.9], [0.1, 0.9, 0.1]]),  # 3 right
        np.array([[0.1, 0.1, 0.8], [0.1, 0.1, 0.9], [0.7, 0.9, 0.9], [0.1, 0.9, 0.6]]),  # 2 right
    ]
    model = CountingModel(clean, noisy)
    assert exact_fraction(model, None, targets) == 0.5
    assert model.noisy_calls == 0
    assert exact_fraction(model, None, targets, training=True, draws=2) == 5 / 8
    assert model.noisy_calls == 2
