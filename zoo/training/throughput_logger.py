"""`ThroughputLogger`: tokens (or words) per second in the progress bar and logs."""

import time

import keras

from zoo.argument_checks import check_positive_number


class ThroughputLogger(keras.callbacks.Callback):
    """Adds `<unit>/s` to the logs `fit` shows, so the progress bar has it.

    An epoch of `per_epoch` units (tokens, words, pairs) takes `steps`
    batches (`fit`'s own count); after batch b the rate is the units of
    the b batches done so far over the time since the epoch began, so the
    progress bar (which shows the logs as they are) reads the epoch's
    average so far, and the epoch's logs (printed with `verbose=2`, kept
    in `History`, written by `TensorBoard`) its whole average. Put it
    before the callbacks that read logs.

    Args:
        per_epoch: number of units in one epoch of the training data.
        unit: str. Name of the unit, default `"tokens"`: the log is
            `"tokens/s"`.
        clock: callable returning seconds, default `time.perf_counter`.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> history = model.fit(np.ones((64, 1)), np.ones((64, 1)), batch_size=16,
    ...                     verbose=0, callbacks=[ThroughputLogger(64, "rows")])
    >>> history.history["rows/s"][0] > 0
    True
    """

    def __init__(self, per_epoch, unit="tokens", clock=time.perf_counter):
        super().__init__()
        self.per_epoch = check_positive_number("per_epoch", per_epoch)
        self.name = f"{unit}/s"
        self.clock = clock
        self._started = None

    def on_epoch_begin(self, epoch, logs=None):
        self._started = self.clock()

    def _rate(self, batches_done):
        steps = (self.params or {}).get("steps") or batches_done
        elapsed = max(self.clock() - self._started, 1e-9)
        return self.per_epoch * min(batches_done / steps, 1.0) / elapsed

    def on_train_batch_end(self, batch, logs=None):
        if logs is not None and self._started is not None:
            logs[self.name] = round(self._rate(batch + 1))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and self._started is not None:
            steps = (self.params or {}).get("steps") or 1
            logs[self.name] = round(self._rate(steps))
