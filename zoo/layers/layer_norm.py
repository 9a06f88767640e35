"""`layer_norm`: layer normalization over the last axis, in `keras.ops`.

Shared by the layer-norm cells (LSTM, GRU, SimpleRNN). Ba, Kiros & Hinton
2016, "Layer Normalization":

    LN(a; g, b) = g * (a - mean(a)) / sqrt(var(a) + epsilon) + b

mean and var over the last axis. For float16/bfloat16 inputs the statistics
are computed in float32 and the result is cast back, as
`keras.layers.LayerNormalization` does.
"""

from keras import ops

#: The default `epsilon` of every zoo layer-norm cell (Keras' LayerNormalization default).
DEFAULT_EPSILON = 1e-3


def layer_norm(inputs, gamma=None, beta=None, epsilon=DEFAULT_EPSILON):
    """Normalize `inputs` over its last axis, then scale by gamma, add beta.

    Args:
        inputs: tensor [..., n].
        gamma: tensor [n] or None (no gain).
        beta: tensor [n] or None (no bias).
        epsilon: float added to the variance, default 1e-3.

    Returns:
        A tensor with the shape and dtype of `inputs`.
    """
    dtype = inputs.dtype
    compute = "float32" if str(dtype) in ("float16", "bfloat16") else dtype
    x = ops.cast(inputs, compute)
    mean = ops.mean(x, axis=-1, keepdims=True)
    centered = x - mean
    variance = ops.mean(ops.square(centered), axis=-1, keepdims=True)
    normed = centered * ops.rsqrt(variance + epsilon)
    if gamma is not None:
        normed = normed * ops.cast(gamma, compute)
    if beta is not None:
        normed = normed + ops.cast(beta, compute)
    return ops.cast(normed, dtype)
