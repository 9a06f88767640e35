"""`masked_softmax`: attention weights over the valid positions of a memory."""

from keras import ops

# Finite, so that a row with no valid position gives a uniform softmax (then
# zeroed) instead of NaN from exp(-inf - (-inf)).
MASKED_SCORE = -1e9


def masked_softmax(scores, mask=None):
    """Softmax over the last axis that gives masked positions weight 0.

        a_j = exp(e_j) / sum_{k valid} exp(e_k)   for valid j,   a_j = 0 else

    Computed in float32 (scores are cast up). A row with no valid position
    gets all weights 0 (and a zero gradient), never NaN.

    Args:
        scores: float [..., time], the attention scores e.
        mask: bool or 0/1 [..., time] (`True` = valid), or None (all valid).

    Returns:
        float32 [..., time] weights.

    Example:

    >>> import numpy as np
    >>> scores = np.zeros((2, 3), "float32")
    >>> mask = np.array([[1, 1, 0], [0, 0, 0]], bool)
    >>> np.asarray(masked_softmax(scores, mask)).tolist()
    [[0.5, 0.5, 0.0], [0.0, 0.0, 0.0]]
    """
    scores = ops.cast(scores, "float32")
    if mask is None:
        return ops.softmax(scores, axis=-1)
    mask = ops.cast(mask, "bool")
    weights = ops.softmax(ops.where(mask, scores, MASKED_SCORE), axis=-1)
    return weights * ops.cast(mask, "float32")
