"""A callback that scores the dev set after every epoch and logs the score."""

import keras


class DevScoreLogger(keras.callbacks.Callback):
    """Adds `logs[name] = score_fn(model)` at the end of every epoch.

    Put it first in the callback list: callbacks later in the list (a
    keras-tuner tuner's, `ModelCheckpoint`, `EarlyStopping`) then see the
    dev score in the epoch's logs and can monitor it like `val_loss`.

    Args:
        score_fn: callable `model -> float`, e.g. dev accuracy.
        name: str. The log key, default `"dev_score"`.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> logger = DevScoreLogger(lambda m: 0.5, name="dev_accuracy")
    >>> history = model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=2,
    ...                     callbacks=[logger], verbose=0)
    >>> history.history["dev_accuracy"]
    [0.5, 0.5]
    """

    def __init__(self, score_fn, name="dev_score"):
        super().__init__()
        self.score_fn = score_fn
        self.name = name

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs[self.name] = float(self.score_fn(self.model))
