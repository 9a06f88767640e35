"""Adam whose moving average of the weights warms up over the first steps."""

import keras
from keras import ops


def warm_momentum(momentum, step):
    """The averaging momentum at step `step` (0, 1, ...): min(momentum, step / (9 + step)).

    Example:

    >>> [round(float(warm_momentum(0.999, step)), 4) for step in (0, 1, 91, 8991, 20000)]
    [0.0, 0.1, 0.91, 0.999, 0.999]
    """
    step = ops.cast(step, "float32")
    return ops.minimum(ops.cast(momentum, "float32"), step / (9.0 + step))


@keras.saving.register_keras_serializable(package="zoo")
class WarmAverageAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose weight average (`use_ema`) warms up.

    Keras' moving average starts from the first step's weights and then
    keeps `ema_momentum` of itself at every step, so after t steps those
    early weights still weigh `ema_momentum ** t`: at 0.999, two thirds
    after 400 steps and a tenth after 2,300. A run from scratch scores
    that stale average, near its random start, for its first epochs.

    Here the average at step t (0, 1, ...) is

        m_t = min(ema_momentum, t / (9 + t))
        average = m_t * average + (1 - m_t) * weights

    (the `num_updates` rule of TensorFlow's `ExponentialMovingAverage`,
    counted from the first step, whose weights are the first average): it
    follows the weights closely at first, remembering about the last ninth
    of the steps so far, and keeps `ema_momentum` from step 9 m / (1 - m)
    on (8,991 at 0.999). Without `use_ema` it is Adam.

    Example: fit a weight from 0 towards 1 for 20 steps and read the average
    (which `fit` copies into the model at its end).

    >>> import numpy as np
    >>> def averaged_weight(optimizer):
    ...     model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(
    ...         1, use_bias=False, kernel_initializer="zeros")])
    ...     model.compile(optimizer, "mse")
    ...     model.fit(np.ones((8, 1)), np.ones((8, 1)), batch_size=8, epochs=20, verbose=0)
    ...     return round(float(model.layers[0].kernel[0, 0]), 2)
    >>> averaged_weight(keras.optimizers.Adam(0.1, use_ema=True, ema_momentum=0.999))
    0.12
    >>> averaged_weight(WarmAverageAdam(0.1, use_ema=True, ema_momentum=0.999))
    1.25
    """

    def _update_model_variables_moving_average(self, trainable_variables):
        if not self.use_ema:
            return
        momentum = warm_momentum(self.ema_momentum, self.iterations)
        for variable, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            kept = ops.cast(momentum, average.dtype)
            average.assign(kept * average + (1 - kept) * ops.cast(variable, average.dtype))
