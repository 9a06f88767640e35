"""`DevEarlyStopping`: score dev every epoch, keep the best, decay, stop, resume."""

import json
import math
import os
import time

import keras

from zoo.training.warm_average_adam import WarmAverageAdam

STATE_FILE = "state.json"
LAST_WEIGHTS = "last.weights.h5"
BEST_WEIGHTS = "best.weights.h5"


class DevEarlyStopping(keras.callbacks.Callback):
    """Early stopping and learning-rate decay on a dev score, resumable.

    After every epoch `score_fn(model)` returns `(score, report)`; the
    report (a dict of floats) is printed. The best epoch's weights are kept
    (`best_weights`); after `decay_patience` epochs without improvement the
    learning rate is multiplied by `decay_factor`, after `patience` such
    epochs training stops. When the optimizer keeps a moving average of
    the weights (`use_ema=True`, the recipes' `--ema-momentum`), that
    average is what is scored and kept, while training goes on from the
    trained weights.

    With `state_dir`, the training state is written there after every
    epoch, each file atomically (written beside, then renamed): the last
    weights with the optimizer's slots, the best weights, and the scores
    and counters (`seconds` sums the epochs' time, dev scoring included,
    over all runs). An epoch whose loss is NaN or Inf stops training and
    is neither scored nor saved. A killed run loses at most the epoch in progress:
    `resume()` reloads that state into the same (compiled) model and
    returns the epoch to pass to `fit(initial_epoch=...)`.

    Args:
        score_fn: callable `model -> (score, report)`.
        patience: int. Epochs without improvement before stopping.
        decay_patience: int. Epochs without improvement between learning
            rate decays; 0 never decays.
        decay_factor: float. The decay's factor, default 0.5.
        higher_is_better: bool. True for accuracies, False for error rates.
        state_dir: str or None. Where to keep the resumable state.

    Example:

    >>> import numpy as np
    >>> model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    >>> x = np.ones((4, 1)); y = 2 * x
    >>> def dev_error(model):
    ...     error = float(np.abs(model.predict(x, verbose=0) - y).mean())
    ...     return error, {"error": error}
    >>> stopping = DevEarlyStopping(dev_error, patience=2, decay_patience=1,
    ...                             higher_is_better=False, verbose=False)
    >>> _ = model.fit(x, y, epochs=30, verbose=0, callbacks=[stopping])
    >>> stopping.best < 0.05, len(stopping.history) <= 30
    (True, True)
    """

    def __init__(self, score_fn, patience, decay_patience=0, decay_factor=0.5,
                 higher_is_better=True, state_dir=None, verbose=True):
        super().__init__()
        if patience < 1:
            raise ValueError(f"`patience` must be >= 1, got {patience}")
        self.score_fn = score_fn
        self.patience = patience
        self.decay_patience = decay_patience
        self.decay_factor = decay_factor
        self.higher_is_better = higher_is_better
        self.state_dir = state_dir
        self.verbose = verbose
        self.best = None
        self.best_epoch = 0
        self.best_weights = None
        self.bad_epochs = 0
        self.history = []
        self.stopped = False
        self.seconds = 0.0
        self._epoch_start = None

    def improved(self, score):
        if self.best is None:
            return True
        return score > self.best if self.higher_is_better else score < self.best

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            # A NaN/Inf epoch is neither scored nor saved: the state on disk
            # stays that of the last good epoch, and a rerun resumes there.
            self.model.stop_training = True
            if self.verbose:
                kept = f"; {self.state_dir} keeps epoch {epoch}" if self.state_dir and epoch else ""
                print(f"epoch {epoch + 1}: loss {loss}, not saved{kept}", flush=True)
            return
        score, report, averaged_weights = self._score()
        if self._epoch_start is not None:
            self.seconds += time.time() - self._epoch_start
        if self.verbose:
            details = "  ".join(f"{name} {value:.4f}" for name, value in report.items())
            loss = (logs or {}).get("loss", float("nan"))
            print(f"epoch {epoch + 1}: loss {loss:.4f}  dev {details}", flush=True)
        self.history.append({"epoch": epoch + 1, "score": score, **report})
        if self.improved(score):
            self.best, self.best_epoch, self.bad_epochs = score, epoch + 1, 0
            self.best_weights = (
                self.model.get_weights() if averaged_weights is None else averaged_weights
            )
        else:
            self.bad_epochs += 1
            if self.bad_epochs >= self.patience:
                self.model.stop_training = True
            elif self.decay_patience and self.bad_epochs % self.decay_patience == 0:
                rate = self.model.optimizer.learning_rate
                rate.assign(rate * self.decay_factor)
                if self.verbose:
                    print(f"  learning rate decayed to {float(rate.numpy()):.2e}", flush=True)
        if self.state_dir:
            self.save_state(epoch + 1)

    def on_train_begin(self, logs=None):
        if self.verbose and self._averaging():
            optimizer = self.model.optimizer
            warm = ", warmed up" if isinstance(optimizer, WarmAverageAdam) else ""
            print(f"dev scores the moving average of the weights (momentum "
                  f"{float(optimizer.ema_momentum):g}{warm}), and the best one is kept",
                  flush=True)

    def _averaging(self):
        return bool(getattr(self.model.optimizer, "use_ema", False))

    def _score(self):
        """Score dev with the weights training would keep.

        Those are the model's, or, when the optimizer keeps a moving
        average of them (`use_ema`), that average, swapped in for the
        scoring while the trained weights go on training.

        Returns:
            `(score, report, averaged_weights)`; `averaged_weights` is None
            when the scored weights are the model's.
        """
        if not self._averaging():
            score, report = self.score_fn(self.model)
            return score, report, None
        trained = self.model.get_weights()
        optimizer = self.model.optimizer
        try:
            for variable, average in zip(self.model.trainable_variables,
                                         optimizer._model_variables_moving_average):
                # Through numpy: no buffer is shared with the average (JAX
                # deletes donated buffers).
                variable.assign(keras.ops.convert_to_numpy(average))
            score, report = self.score_fn(self.model)
            return score, report, self.model.get_weights()
        finally:
            self.model.set_weights(trained)

    # ---- resumable state ---------------------------------------------------

    def save_state(self, epochs_done):
        os.makedirs(self.state_dir, exist_ok=True)
        if self.best_epoch == epochs_done:
            # The model holds the best weights, unless they are an average.
            averaged = self.best_weights if self._averaging() else None
            self._atomic_weights(BEST_WEIGHTS, with_optimizer=False, weights=averaged)
        self._atomic_weights(LAST_WEIGHTS, with_optimizer=True)
        state = {
            "epochs_done": epochs_done,
            "best": self.best,
            "best_epoch": self.best_epoch,
            "bad_epochs": self.bad_epochs,
            "stopped": bool(self.model.stop_training),
            "learning_rate": float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)),
            "history": self.history,
            "seconds": self.seconds,
        }
        partial = os.path.join(self.state_dir, STATE_FILE + ".partial")
        with open(partial, "w", encoding="utf-8") as file:
            json.dump(state, file, indent=1)
        os.replace(partial, os.path.join(self.state_dir, STATE_FILE))

    def _atomic_weights(self, name, with_optimizer, weights=None):
        partial = os.path.join(self.state_dir, "partial-" + name)
        optimizer = self.model.optimizer
        current = None
        if weights is not None:
            current = self.model.get_weights()
            self.model.set_weights(weights)
        if not with_optimizer:
            self.model.optimizer = None
        try:
            self.model.save_weights(partial)
        finally:
            self.model.optimizer = optimizer
            if current is not None:
                self.model.set_weights(current)
        os.replace(partial, os.path.join(self.state_dir, name))

    def has_state(self):
        return bool(self.state_dir) and os.path.exists(os.path.join(self.state_dir, STATE_FILE))

    def resume(self, model):
        """Load the saved state into `model` (compiled, same architecture).

        Returns:
            The number of epochs already done (0 if there is no state), for
            `fit(initial_epoch=...)`; `stopped` is True if that run had
            already stopped early.
        """
        if not self.has_state():
            return 0
        with open(os.path.join(self.state_dir, STATE_FILE), encoding="utf-8") as file:
            state = json.load(file)
        if not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
        model.load_weights(os.path.join(self.state_dir, LAST_WEIGHTS))
        model.optimizer.learning_rate.assign(state["learning_rate"])
        self.best = state["best"]
        self.best_epoch = state["best_epoch"]
        self.bad_epochs = state["bad_epochs"]
        self.history = state["history"]
        self.seconds = state["seconds"]
        self.stopped = state["stopped"]
        best = os.path.join(self.state_dir, BEST_WEIGHTS)
        if os.path.exists(best):
            current = model.get_weights()
            optimizer, model.optimizer = model.optimizer, None
            try:
                model.load_weights(best)
            finally:
                model.optimizer = optimizer
            self.best_weights = model.get_weights()
            model.set_weights(current)
        return state["epochs_done"]
