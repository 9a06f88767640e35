"""`layer_norm`: layer normalization over the last axis, in `keras.ops`.

Shared by the layer-norm cells (LSTM, GRU, SimpleRNN). Ba, Kiros & Hinton
2016, "Layer Normalization":

    LN(a; g, b) = g * (a - mean(a)) / sqrt(var(a) + epsilon) + b

mean and var over the last axis. For float16/bfloat16 inputs the statistics
are computed in float32 and the result is cast back, as
`keras.layers.LayerNormalization` does.

Speed (these run at every time step of a recurrent layer):

- `layer_norm` computes mean(a) and mean(a^2) as two independent
  reductions of the same tensor (not one after the other), and
  var = max(mean(a^2) - mean(a)^2, 0), shifted for accuracy (see below).
- `layer_norm_matmul(x, W)` is LN(x @ W) without the mean reduction: the
  mean over the columns of x @ W is x @ m with m the row means of W, so
  x @ W - mean(x @ W) = x @ (W - m), exactly; `center_columns(W)` is
  W - m, computed once per call of a layer (outside its time loop, see
  `HoistedKernelsMixin`), and only mean((x @ (W - m))^2) is left per step.
- With a gain, the gradient is written out (`_gradient_function`): the
  backward pass needs only the normalized values and 1/std, so a time loop
  stores what it would store without the layer norm, not also the raw
  pre-activations and the broadcast gain at every step.
"""

import contextlib

from keras import ops

#: The default `epsilon` of every zoo layer-norm cell (Keras' LayerNormalization default).
DEFAULT_EPSILON = 1e-3


def _compute_dtype(dtype):
    return "float32" if str(dtype) in ("float16", "bfloat16") else dtype


def _mean(x):
    """Mean over the last axis, in the dtype of x.

    A sum divided by the size: on JAX, Keras 3.15's `ops.mean` reduces
    float64 in float32.
    """
    size = x.shape[-1]
    if size is None:
        size = ops.cast(ops.shape(x)[-1], x.dtype)
    return ops.sum(x, axis=-1, keepdims=True) / size


def _sum_leading_axes(x):
    """Sum of x [..., n] over every axis but the last: a [n] tensor."""
    return ops.sum(ops.reshape(x, (-1, ops.shape(x)[-1])), axis=0)


def _gradient_function(normalized, inv_std, gamma, centered):
    """The backward pass of y = gamma * normalized, normalized = (x - m) * s.

    With u = gamma * dy and means over the last axis:

        dx = s * (u - mean(u) - normalized * mean(u * normalized))
        dgamma = sum of dy * normalized over all leading axes

    For an input taken as centered (m = 0, see `normalize_centered`), the
    mean(u) term is absent. Only `normalized` and s are kept for it: the
    automatic gradient also keeps the raw input and gamma broadcast to the
    input's shape, which inside a recurrent layer's time loop are two more
    [batch, units] tensors stored per step.
    """

    def gradient(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        scaled_upstream = upstream * gamma
        projection = normalized * _mean(scaled_upstream * normalized)
        if not centered:
            projection = projection + _mean(scaled_upstream)
        inputs_gradient = inv_std * (scaled_upstream - projection)
        return inputs_gradient, _sum_leading_axes(upstream * normalized)

    return gradient


def _normalized_and_inv_std(x, epsilon, centered):
    """((x - mean(x)) * s, s) with s = 1 / sqrt(var(x) + epsilon); for an
    input taken as centered, (x * s, s) with s = 1 / sqrt(mean(x^2) + epsilon)."""
    if centered:
        inv_std = ops.rsqrt(_mean(ops.square(x)) + epsilon)
        return x * inv_std, inv_std
    # Two independent reductions (one fused pass), not mean then mean of
    # squares of the centered values (two passes, one after the other):
    # var = E[d^2] - E[d]^2 with d = x - k. Any constant k gives var(x);
    # k = x[..., :1] (a sample, within a few std of the mean) keeps E[d^2]
    # and E[d]^2 from cancelling when the mean is large against the std,
    # as shifted-data variance does.
    shifted = x - ops.stop_gradient(x[..., :1])
    shifted_mean = _mean(shifted)
    mean_of_squares = _mean(ops.square(shifted))
    variance = ops.maximum(mean_of_squares - ops.square(shifted_mean), 0.0)
    inv_std = ops.rsqrt(variance + epsilon)
    return (shifted - shifted_mean) * inv_std, inv_std


def _scaled_normalized(x, gamma, epsilon, centered):
    """gamma * `_normalized_and_inv_std(x, ...)[0]`, with its gradient
    written out (`_gradient_function`)."""

    @ops.custom_gradient
    def scaled(x, gamma):
        normalized, inv_std = _normalized_and_inv_std(x, epsilon, centered)
        return normalized * gamma, _gradient_function(
            normalized, inv_std, gamma, centered
        )

    return scaled(x, gamma)


def _normalize(inputs, gamma, beta, epsilon, centered):
    """The body of `layer_norm` and `normalize_centered`: statistics in
    float32 for float16/bfloat16 inputs, the result in the input's dtype."""
    dtype = inputs.dtype
    compute = _compute_dtype(dtype)
    x = ops.cast(inputs, compute)
    if gamma is None:
        normed, _ = _normalized_and_inv_std(x, epsilon, centered)
    else:
        normed = _scaled_normalized(x, ops.cast(gamma, compute), epsilon, centered)
    if beta is not None:
        normed = normed + ops.cast(beta, compute)
    return ops.cast(normed, dtype)


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
    return _normalize(inputs, gamma, beta, epsilon, centered=False)


def center_columns(kernel):
    """`kernel` [k, n] minus the mean of each row: x @ it has zero row means.

    Computed in float32 for float16/bfloat16 kernels, returned in the
    kernel's dtype.
    """
    dtype = kernel.dtype
    compute = _compute_dtype(dtype)
    kernel = ops.cast(kernel, compute)
    return ops.cast(kernel - _mean(kernel), dtype)


def normalize_centered(centered, gamma=None, beta=None, epsilon=DEFAULT_EPSILON):
    """`layer_norm` of a tensor whose mean over the last axis is zero.

    `centered` is x @ center_columns(W) (see `layer_norm_matmul`); its mean
    is zero up to rounding, so only mean(centered^2) is computed.
    """
    return _normalize(centered, gamma, beta, epsilon, centered=True)


def layer_norm_matmul(
    inputs, centered_kernel, gamma=None, beta=None, epsilon=DEFAULT_EPSILON
):
    """LN(inputs @ W; gamma, beta), given `centered_kernel` = center_columns(W).

    Equal to `layer_norm(ops.matmul(inputs, W), gamma, beta, epsilon)`
    (x @ W - mean(x @ W) = x @ center_columns(W)), with one reduction
    instead of two.
    """
    return normalize_centered(
        ops.matmul(inputs, centered_kernel), gamma, beta, epsilon
    )


class HoistedKernelsMixin:
    """Centered kernels of a layer-norm cell, computed once per layer call.

    A cell lists its kernels in `centered_kernel_names`, implements
    `centered_kernel(name)` (`center_columns` of `effective_kernel()`
    etc.) and computes its LN(x @ W) with `self.layer_norm_matmul(x, name,
    gamma)`. By default that centers the one kernel it needs at each call;
    inside `with cell.hoisted_kernels():` (which the fused layers enter
    around their time loop) every kernel is centered once, before the
    loop, so the loop and its backward pass do not redo the centering (nor
    the weight normalization) at every step.
    """

    centered_kernel_names = ("kernel", "recurrent_kernel")
    # The recurrent matmul is `layer_norm_matmul`'s, not
    # `RecurrentCell.recurrent_matmul`: no U and U^T to hoist for it. (Its
    # backward pass with a hoisted U^T, as there, measured 6% faster on JAX
    # and 1.8x slower on TensorFlow at 32x50x64->128: benchmarks/README.md.)
    hoists_recurrent_kernel = False

    def centered_kernel(self, name):
        raise NotImplementedError

    def layer_norm_matmul(self, inputs, name, gamma, beta=None):
        """LN(inputs @ W; gamma, beta) with this cell's epsilon, W the
        kernel `name` (hoisted by `hoisted_kernels()`, else centered here).
        Both paths run the same operations, so a fused layer and its cell
        give the same numbers."""
        hoisted = self.__dict__.get("_hoisted_centered_kernels")
        kernel = hoisted[name] if hoisted is not None else self.centered_kernel(name)
        return layer_norm_matmul(inputs, kernel, gamma, beta, self.epsilon)

    @contextlib.contextmanager
    def hoisted_kernels(self):
        previous = self.__dict__.get("_hoisted_centered_kernels")
        kernels = {name: self.centered_kernel(name) for name in self.centered_kernel_names}
        # object.__setattr__: a plain cache, not tracked by Keras.
        object.__setattr__(self, "_hoisted_centered_kernels", kernels)
        try:
            yield self
        finally:
            object.__setattr__(self, "_hoisted_centered_kernels", previous)
