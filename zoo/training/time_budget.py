"""`TimeBudget`: end `fit` after the epoch that ends past a wall-clock budget."""

import time

import keras

from zoo.argument_checks import check_positive_number


class TimeBudget(keras.callbacks.Callback):
    """Stops `fit` at the end of the first epoch that ends `minutes` or more
    after training began, saying so.

    An epoch is never cut in the middle: the last epoch finishes, is scored
    and saved like any other (put this callback after a `DevEarlyStopping`
    so its state records a run that can go on: the recipes' `--max-minutes`
    does, and `--resume` then trains further).

    Args:
        minutes: float > 0. The budget, counted from the start of `fit`.
        clock: a function returning seconds, default `time.monotonic`.

    Attributes:
        stopped_at: the 1-based epoch after which the budget stopped
            training, or None.

    Example:

    >>> import numpy as np
    >>> ticks = iter(range(0, 1000, 30))  # a clock that moves 30 s a call
    >>> budget = TimeBudget(minutes=1, clock=lambda: next(ticks))
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> history = model.fit(np.ones((8, 1)), np.ones((8, 1)), epochs=10, verbose=0,
    ...                     callbacks=[budget])
    time budget: 1 min reached after epoch 2 (60 s); stopping
    >>> budget.stopped_at, len(history.history["loss"])
    (2, 2)
    """

    def __init__(self, minutes, clock=time.monotonic):
        super().__init__()
        self.minutes = check_positive_number("minutes", minutes)
        self.clock = clock
        self.stopped_at = None
        self._start = None

    def on_train_begin(self, logs=None):
        self._start = self.clock()
        self.stopped_at = None

    def on_epoch_end(self, epoch, logs=None):
        elapsed = self.clock() - self._start
        if elapsed >= 60 * self.minutes and not self.model.stop_training:
            self.stopped_at = epoch + 1
            self.model.stop_training = True
            print(
                f"time budget: {self.minutes:g} min reached after epoch {epoch + 1} "
                f"({elapsed:.0f} s); stopping",
                flush=True,
            )
