"""DevEarlyStopping: best weights kept, decay and stop on schedule, resume exact."""

import json
import os

import keras
import numpy as np
import pytest

from zoo.training.dev_early_stopping import DevEarlyStopping


def scripted(scores):
    """A score function that returns the given scores in turn."""
    calls = iter(scores)

    def score_fn(model):
        score = next(calls)
        return score, {"score": score}

    return score_fn


def regression(**optimizer_options):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05, **optimizer_options), loss="mse")
    return model, x, y


def test_keeps_best_weights_decays_and_stops():
    keras.utils.set_random_seed(0)
    model, x, y = regression()
    snapshots = []

    class Snapshot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(model.get_weights())

    # Error rates: best at epoch 2, then 4 epochs without improvement.
    stopping = DevEarlyStopping(
        scripted([0.5, 0.3, 0.4, 0.3, 0.35, 0.6, 0.1]), patience=4, decay_patience=2,
        higher_is_better=False, verbose=False,
    )
    model.fit(x, y, epochs=7, verbose=0, callbacks=[Snapshot(), stopping])
    assert len(stopping.history) == 6  # stopped after the 4th bad epoch
    assert stopping.best == 0.3 and stopping.best_epoch == 2  # a tie is no improvement
    for kept, snapshot in zip(stopping.best_weights, snapshots[1]):
        np.testing.assert_array_equal(kept, snapshot)
    # One decay after the 2nd bad epoch; the 4th stops instead of decaying.
    np.testing.assert_allclose(float(model.optimizer.learning_rate.numpy()), 0.025)


@pytest.mark.parametrize("averaging", [{}, {"use_ema": True, "ema_momentum": 0.7}])
def test_resume_continues_exactly_where_training_stopped(tmp_path, averaging):
    """Two epochs, a new process-like restart, two more == four epochs in one
    go; with a moving average of the weights too (scored and kept, while
    training goes on from the trained weights)."""
    scores = [0.9, 0.8, 0.85, 0.7]
    keras.utils.set_random_seed(0)
    reference, x, y = regression(**averaging)
    initial = reference.get_weights()
    reference.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)

    keras.utils.set_random_seed(0)
    first, _, _ = regression(**averaging)
    first.set_weights(initial)
    stopping = DevEarlyStopping(scripted(scores[:2]), patience=5, higher_is_better=False,
                                state_dir=str(tmp_path), verbose=False)
    first.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, callbacks=[stopping])
    assert sorted(os.listdir(tmp_path)) == ["best.weights.h5", "last.weights.h5", "state.json"]

    second, _, _ = regression(**averaging)  # fresh weights and a fresh optimizer
    resumed = DevEarlyStopping(scripted(scores[2:]), patience=5, higher_is_better=False,
                               state_dir=str(tmp_path), verbose=False)
    assert resumed.resume(second) == 2
    assert resumed.best == 0.8 and resumed.best_epoch == 2
    second.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, shuffle=False, verbose=0,
               callbacks=[resumed])
    # Adam's moments and step count came back too, so the runs agree.
    for got, want in zip(second.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    state = json.loads((tmp_path / "state.json").read_text())
    assert state["epochs_done"] == 4 and state["best_epoch"] == 4
    assert [entry["score"] for entry in state["history"]] == scores


def test_no_state_means_epoch_zero(tmp_path):
    model, _, _ = regression()
    stopping = DevEarlyStopping(scripted([]), patience=1, state_dir=str(tmp_path / "none"))
    assert stopping.resume(model) == 0


def test_patience_must_be_positive():
    with pytest.raises(ValueError, match="patience"):
        DevEarlyStopping(scripted([]), patience=0)


class BlowUpAtEpoch(keras.callbacks.Callback):
    """Makes the weights infinite at the start of a given (0-based) epoch."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            for weight in self.model.trainable_weights:
                weight.assign(np.full(weight.shape, np.inf, "float32"))


def test_a_nan_epoch_stops_training_and_is_not_saved(tmp_path):
    from zoo.training.non_finite_loss_stop import NonFiniteLossStop

    keras.utils.set_random_seed(0)
    model, x, y = regression()
    state = str(tmp_path / "state")
    stopping = DevEarlyStopping(scripted([0.5, 0.6, 0.7, 0.8]), patience=5, state_dir=state,
                                verbose=False)
    nan_stop = NonFiniteLossStop()
    model.fit(x, y, epochs=4, batch_size=16, verbose=0,
              callbacks=[stopping, nan_stop, BlowUpAtEpoch(2)])
    assert nan_stop.stopped_at == (3, 1)
    with open(os.path.join(state, "state.json")) as file:
        saved = json.load(file)
    # Epochs 1 and 2 were saved; epoch 3's infinite weights were not.
    assert saved["epochs_done"] == 2 and len(stopping.history) == 2
    resumed, _, _ = regression()
    again = DevEarlyStopping(scripted([]), patience=5, state_dir=state, verbose=False)
    assert again.resume(resumed) == 2
    assert all(np.isfinite(w).all() for w in resumed.get_weights())


def test_with_a_moving_average_the_average_is_scored_and_kept(tmp_path):
    """`use_ema=True`: dev sees the average a_t = m a_(t-1) + (1 - m) w_t of
    the trained weights w_t (a_1 = w_1), the best average is kept and
    saved, and training goes on from the trained weights."""
    momentum = 0.6
    keras.utils.set_random_seed(0)
    _, x, y = regression()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=momentum),
                  loss="mse")
    trained, seen_by_dev, after_scoring = [], [], []

    class Snapshot(keras.callbacks.Callback):
        def __init__(self, into):
            super().__init__()
            self.into = into

        def on_epoch_end(self, epoch, logs=None):
            self.into.append(model.get_weights())

    scores = iter([0.5, 0.3, 0.4, 0.35])

    def score_fn(model):
        seen_by_dev.append(model.get_weights())
        score = next(scores)
        return score, {"score": score}

    stopping = DevEarlyStopping(score_fn, patience=5, higher_is_better=False,
                                state_dir=str(tmp_path), verbose=False)
    # One batch per epoch: one optimizer step, one averaging step each.
    model.fit(x, y, epochs=4, batch_size=len(x), shuffle=False, verbose=0,
              callbacks=[Snapshot(trained), stopping, Snapshot(after_scoring)])

    average = None
    for epoch, weights in enumerate(trained):
        average = weights if average is None else [
            momentum * a + (1 - momentum) * w for a, w in zip(average, weights)
        ]
        for got, want in zip(seen_by_dev[epoch], average):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        for got, want in zip(after_scoring[epoch], weights):  # trained weights restored
            np.testing.assert_array_equal(got, want)
        if epoch > 0:  # ... and the average is not the trained weights
            assert not np.allclose(seen_by_dev[epoch][0], trained[epoch][0])
    assert stopping.best_epoch == 2
    for kept, scored in zip(stopping.best_weights, seen_by_dev[1]):
        np.testing.assert_array_equal(kept, scored)
    saved = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    saved.load_weights(str(tmp_path / "best.weights.h5"))
    for got, want in zip(saved.get_weights(), seen_by_dev[1]):
        np.testing.assert_array_equal(got, want)
