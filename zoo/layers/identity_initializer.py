"""`IdentityRecurrentInitializer`: scale * I for recurrent kernels (IRNN)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo")
class IdentityRecurrentInitializer(keras.initializers.Initializer):
    """Initializes a recurrent kernel to `scale` times the identity.

    Le, Jaitly & Hinton 2015, "A Simple Way to Initialize Recurrent Networks
    of Rectified Linear Units" (IRNN): a SimpleRNN with ReLU activation,
    recurrent kernel U = I and zero bias,

        h_t = relu(W x_t + U h_{t-1} + b),   U_0 = scale * I,

    starts by copying its state forward unchanged, so gradients neither
    vanish nor explode through time at initialization. A scale below 1 (the
    paper uses 0.01 .. 1) damps the copy for longer sequences.

    Gated cells keep their gate matrices side by side in one fused recurrent
    kernel of shape `(units, k * units)` (k = 3 for a GRU, 4 for an LSTM).
    For such a non-square shape every `units x units` block is set to
    `scale * I`: each gate and the candidate see unit j of h_{t-1} (times
    `scale`) in their unit j, as a square identity kernel would. The number
    of columns must therefore be a multiple of the number of rows; any other
    shape raises a `ValueError`.

    Args:
        scale: float. The value on the diagonal of each block, default 1.0.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import IdentityRecurrentInitializer

    irnn = keras.layers.SimpleRNN(
        8,
        activation="relu",
        recurrent_initializer=IdentityRecurrentInitializer(scale=0.5),
    )
    outputs = irnn(np.zeros((2, 5, 4), "float32"))  # (2, 8)
    ```
    """

    def __init__(self, scale=1.0):
        self.scale = float(scale)

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "IdentityRecurrentInitializer only initializes 2D kernels of "
                f"shape (units, k * units); got shape={shape}."
            )
        rows, cols = shape
        if rows <= 0 or cols % rows != 0:
            raise ValueError(
                "IdentityRecurrentInitializer needs the number of columns to "
                "be a multiple of the number of rows (one units x units block "
                f"per gate); got shape={shape}."
            )
        dtype = dtype or keras.config.floatx()
        block = ops.eye(rows, dtype=dtype) * ops.cast(self.scale, dtype)
        return ops.tile(block, (1, cols // rows))

    def get_config(self):
        return {"scale": self.scale}
