"""`NonFiniteLossStop`: stop training at the first NaN or Inf loss, saying so."""

import math

import keras


class NonFiniteLossStop(keras.callbacks.Callback):
    """Stops `fit` at the first batch whose loss is NaN or infinite.

    Exploding gradients end this way in recurrent nets. The message says
    where it happened and what to try; a `DevEarlyStopping` with a
    `state_dir` does not save the broken epoch, so the last good state stays
    on disk and a rerun resumes from it.

    Attributes:
        stopped_at: `(epoch, batch)` (1-based) where the loss went bad, or
            None.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(1e30), loss="mse")
    >>> stop = NonFiniteLossStop(hint="lower the learning rate")
    >>> _ = model.fit(np.ones((64, 1)), np.ones((64, 1)) * 1e3, batch_size=8,
    ...               epochs=5, verbose=0, callbacks=[stop])  # doctest: +ELLIPSIS
    training stopped: the loss is ... at epoch 1, batch ...; lower the learning rate
    >>> stop.stopped_at[0]
    1
    """

    def __init__(self, hint="lower the learning rate or clip gradients harder (--clipnorm)"):
        super().__init__()
        self.hint = hint
        self.stopped_at = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or self.stopped_at is not None:
            return
        loss = float(loss)
        if not math.isfinite(loss):
            self.stopped_at = (self._epoch + 1, batch + 1)
            self.model.stop_training = True
            print(
                f"training stopped: the loss is {loss} at epoch {self._epoch + 1}, "
                f"batch {batch + 1}; {self.hint}",
                flush=True,
            )
