"""Choosing the next token from logits: greedy, or sampled with temperature and top-k."""

import math

import numpy as np
from keras import ops


def check_sampling(temperature, top_k, vocabulary_size):
    """Validate `temperature` (a number >= 0) and `top_k` (None or 1..V)."""
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, (int, float, np.integer, np.floating))
        or not math.isfinite(temperature)
        or temperature < 0
    ):
        raise ValueError(
            f"`temperature` must be a finite number >= 0 (0: greedy), got {temperature!r}"
        )
    if top_k is not None and (
        isinstance(top_k, bool)
        or not isinstance(top_k, (int, np.integer))
        or not 1 <= top_k <= vocabulary_size
    ):
        raise ValueError(
            f"`top_k` must be None or an integer in [1, {vocabulary_size}], got {top_k!r}"
        )


def sampling_uniforms(steps, seed=None):
    """One uniform number in [0, 1) per step, float32 [1, steps].

    Drawn in numpy before the decoding loop (as dropout masks are), so the
    compiled loop is stateless and a seed gives the same tokens on every
    backend.
    """
    return np.random.default_rng(seed).random((1, steps)).astype("float32")


def next_tokens(logits, uniforms, inverse_temperature, allowed, top_k):
    """The next token of each row: sampled from softmax(logits / T), or greedy.

    Sampling is by inverse CDF over the allowed tokens: with
    p = softmax(logits / T) restricted to the allowed ids and to the
    `top_k` largest logits (ties at the k-th value kept), the token is the
    first id whose cumulative probability exceeds u * sum(p), u the row's
    uniform number in [0, 1). That id always has p > 0, and
    P(id) = p(id) / sum(p): the categorical distribution, up to float32
    rounding of the cumulative sum. An `inverse_temperature` 1 / T of 0
    means T = 0: greedy, the argmax of the allowed logits. top_k=1 is
    greedy too (ties aside), and as T -> 0 the distribution tends to the
    greedy choice.

    Args:
        logits: float [batch, V].
        uniforms: float [batch], in [0, 1).
        inverse_temperature: float [batch], 1 / T (0 for greedy).
        allowed: bool [V]. Ids that may be chosen (padding is not).
        top_k: int [batch]. Keep only the k largest logits (V: all). A
            tensor, so one compiled loop serves every k.

    Returns:
        int32 [batch].
    """
    logits = ops.cast(logits, "float32")
    vocabulary_size = ops.shape(logits)[-1]
    allowed = ops.broadcast_to(ops.convert_to_tensor(allowed)[None, :], ops.shape(logits))
    masked = ops.where(allowed, logits, -np.inf)
    # The k-th largest logit: position V - k of the ascending sort.
    position = ops.clip(vocabulary_size - ops.cast(top_k, "int32"), 0, vocabulary_size - 1)
    kth_largest = ops.take_along_axis(ops.sort(masked, axis=-1), position[:, None], axis=-1)
    allowed = ops.logical_and(allowed, ops.greater_equal(masked, kth_largest))
    masked = ops.where(allowed, logits, -np.inf)
    greedy = ops.cast(ops.argmax(masked, axis=-1), "int32")
    shifted = ops.where(allowed, masked - ops.max(masked, axis=-1, keepdims=True), 0.0)
    scale = ops.cast(inverse_temperature, "float32")[:, None]
    probabilities = ops.where(allowed, ops.exp(shifted * scale), 0.0)
    cumulative = ops.cumsum(probabilities, axis=-1)
    threshold = ops.cast(uniforms, "float32")[:, None] * cumulative[:, -1:]
    sampled = ops.sum(ops.cast(ops.less_equal(cumulative, threshold), "int32"), axis=-1)
    sampled = ops.cast(ops.minimum(sampled, vocabulary_size - 1), "int32")
    return ops.where(ops.equal(scale[:, 0], 0.0), greedy, sampled)
