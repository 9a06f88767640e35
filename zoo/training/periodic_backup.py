"""`PeriodicBackupAndRestore`: Keras' BackupAndRestore for runs of many short epochs."""

import math
import time

import keras

from zoo.argument_checks import check_non_negative_number


class PeriodicBackupAndRestore(keras.callbacks.BackupAndRestore):
    """`keras.callbacks.BackupAndRestore` that saves every `every_seconds`
    and when training ends, and keeps its backup.

    Keras' callback saves after every epoch and deletes the backup when
    training ends. The textbook recipes train tiny networks for a thousand
    epochs of one batch, where saving every epoch would double the time,
    and their `--resume` reuses a finished candidate: so this one saves
    after the first epoch that ends `every_seconds` after the last save
    (0: every epoch), always saves when training ends (a resumed finished
    run then trains no more epochs), and keeps the backup. The previous
    backup is kept beside the new one while it is written
    (`double_checkpoint`), so a kill during a save loses nothing. An epoch
    whose loss is NaN or Inf is never saved, nor anything after it: the
    backup stays that of the last good epoch.

    As with Keras' callback, `fit` then starts at the epoch after the last
    saved one, with the saved weights and optimizer state.

    Args:
        backup_dir: str. Where the backup is kept.
        every_seconds: float. Least time between two saves, default 30.

    Example:

    >>> import tempfile
    >>> import numpy as np
    >>> folder = tempfile.mkdtemp()
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((4, 1)), np.ones((4, 1))
    >>> history = model.fit(x, y, epochs=3, verbose=0,
    ...                     callbacks=[PeriodicBackupAndRestore(folder)])
    >>> history = model.fit(x, y, epochs=5, verbose=0,
    ...                     callbacks=[PeriodicBackupAndRestore(folder)])
    >>> history.epoch  # the second run went on after epoch 3
    [3, 4]
    """

    def __init__(self, backup_dir, every_seconds=30.0):
        super().__init__(backup_dir, double_checkpoint=True, delete_checkpoint=False)
        self.every_seconds = check_non_negative_number("every_seconds", every_seconds)
        self._last_save = time.monotonic()
        self._diverged = False

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self._last_save = time.monotonic()
        self._diverged = False

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if self._diverged or (loss is not None and not math.isfinite(float(loss))):
            self._diverged = True
            return
        self._current_epoch = epoch + 1
        if time.monotonic() - self._last_save >= self.every_seconds:
            self._save_and_time()

    def on_train_end(self, logs=None):
        # Not after a NaN/Inf epoch, nor when a resumed run had no epoch left.
        if self._current_epoch and not self._diverged:
            self._save_and_time()

    def _save_and_time(self):
        self._save_model()
        self._last_save = time.monotonic()
