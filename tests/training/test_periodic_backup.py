"""`PeriodicBackupAndRestore`: a killed run goes on from its last save, saves
are spaced by `every_seconds` and made when training ends, a NaN/Inf epoch
is never saved."""

import json

import keras
import numpy as np
import pytest

from zoo.training.non_finite_loss_stop import NonFiniteLossStop
from zoo.training.periodic_backup import PeriodicBackupAndRestore

X = np.linspace(-1, 1, 8, dtype="float32")[:, None]
Y = 3 * X + 1


class KillAt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt when `epoch` begins (a Ctrl-C)."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


class WeightsAtEpochEnd(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch + 1] = [w.copy() for w in self.model.get_weights()]


def new_model():
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    return model


def saved_epoch(folder):
    return json.loads((folder / "training_metadata.json").read_text())["epoch"]


def test_a_killed_run_goes_on_from_its_last_saved_epoch(tmp_path):
    folder = tmp_path / "backup"
    recorder = WeightsAtEpochEnd()
    with pytest.raises(KeyboardInterrupt):
        new_model().fit(X, Y, epochs=10, verbose=0,
                        callbacks=[recorder, PeriodicBackupAndRestore(folder, every_seconds=0), KillAt(4)])
    assert saved_epoch(folder) == 4

    model = new_model()
    restored = WeightsAtEpochEnd()

    class FirstEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if not hasattr(self, "epoch"):
                self.epoch, self.weights = epoch, [w.copy() for w in self.model.get_weights()]

    first = FirstEpoch()
    history = model.fit(X, Y, epochs=6, verbose=0,
                        callbacks=[PeriodicBackupAndRestore(folder, every_seconds=0), first, restored])
    assert history.epoch == [4, 5]
    for got, want in zip(first.weights, recorder.weights[4]):
        np.testing.assert_array_equal(got, want)
    # The optimizer state came back too: Adam's step count is 4 epochs of one batch.
    assert int(model.optimizer.iterations) == 6
    assert saved_epoch(folder) == 6


def test_saves_are_spaced_by_every_seconds_and_made_when_training_ends(tmp_path):
    spaced = tmp_path / "spaced"
    with pytest.raises(KeyboardInterrupt):
        new_model().fit(X, Y, epochs=10, verbose=0,
                        callbacks=[PeriodicBackupAndRestore(spaced, every_seconds=3600), KillAt(5)])
    assert not (spaced / "training_metadata.json").exists()  # killed before any save
    new_model().fit(X, Y, epochs=3, verbose=0,
                    callbacks=[PeriodicBackupAndRestore(spaced, every_seconds=3600)])
    assert saved_epoch(spaced) == 3  # the save at the end of training


def test_a_nan_epoch_is_never_saved(tmp_path):
    folder = tmp_path / "backup"
    recorder = WeightsAtEpochEnd()

    class PoisonAt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 3:
                self.model.set_weights([np.full_like(w, np.nan) for w in self.model.get_weights()])

    new_model().fit(X, Y, epochs=8, verbose=0, callbacks=[
        recorder, PoisonAt(), NonFiniteLossStop(),
        PeriodicBackupAndRestore(folder, every_seconds=0),
    ])
    assert saved_epoch(folder) == 3
    model = new_model()
    model.load_weights(folder / "latest.weights.h5")
    for got, want in zip(model.get_weights(), recorder.weights[3]):
        np.testing.assert_array_equal(got, want)


def test_a_negative_interval_is_refused(tmp_path):
    with pytest.raises(ValueError, match="`every_seconds` must be a non-negative number, got -1"):
        PeriodicBackupAndRestore(tmp_path, every_seconds=-1)
