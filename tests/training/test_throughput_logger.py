"""ThroughputLogger: units done over time elapsed, shown by fit's progress output."""

import keras
import numpy as np
import pytest

from zoo.training import ThroughputLogger
from zoo.training import runner_callbacks
from zoo.training import RunnerOptions


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_rate_is_units_done_over_seconds_elapsed():
    clock = Clock()
    logger = ThroughputLogger(120, "tokens", clock=clock)
    logger.set_params({"steps": 4, "epochs": 1})
    clock.now = 100.0
    logger.on_epoch_begin(0)
    logs = {"loss": 1.0}
    clock.now = 103.0  # one batch of four (30 tokens) in 3 s
    logger.on_train_batch_end(0, logs)
    assert logs == {"loss": 1.0, "tokens/s": 10}
    clock.now = 106.0  # three batches (90 tokens) in 6 s
    logger.on_train_batch_end(2, logs)
    assert logs["tokens/s"] == 15
    clock.now = 110.0  # the whole epoch in 10 s
    logger.on_epoch_end(0, logs)
    assert logs["tokens/s"] == 12


def test_fit_prints_and_records_it(capsys):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    callbacks = runner_callbacks(RunnerOptions(), throughput=(64, "rows"))
    assert isinstance(callbacks[0], ThroughputLogger)
    history = model.fit(np.ones((64, 1)), np.ones((64, 1)), batch_size=16, epochs=2,
                        verbose=2, callbacks=callbacks)
    assert len(history.history["rows/s"]) == 2 and min(history.history["rows/s"]) > 0
    assert "rows/s:" in capsys.readouterr().out


@pytest.mark.parametrize("bad", [0, -5, float("nan")])
def test_per_epoch_must_be_positive(bad):
    with pytest.raises(ValueError, match="`per_epoch` must be a positive number, got "):
        ThroughputLogger(bad)
