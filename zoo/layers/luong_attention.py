"""`LuongAttention`: multiplicative ("general" or "dot") attention."""

import keras
from keras import ops

from zoo.layers.attention_mechanism import AttentionMechanism

SCORES = ("general", "dot")


@keras.saving.register_keras_serializable(package="zoo")
class LuongAttention(AttentionMechanism):
    """Multiplicative attention (Luong, Pham & Manning 2015).

    Luong, Pham & Manning, "Effective Approaches to Attention-based Neural
    Machine Translation", EMNLP 2015 (global attention). A query s (the
    decoder state) scores every memory vector h_j by a bilinear form:

        general:  k_j = h_j W             e_j = g * (s . k_j)
        dot:      k_j = h_j               e_j = g * (s . h_j)
        a = softmax(e) over the valid j   (a_j = 0 at masked j)
        c = sum_j a_j h_j

    W is `kernel` [memory_dim, query_dim] (so s . k_j = s^T W^T h_j, the
    paper's s^T W_a h_j with W_a = W^T); "dot" has no weights and needs
    query_dim == memory_dim. g is 1, or with `scale=True` a learned scalar
    `scale` that starts at 1 (as in `tfa.seq2seq.LuongAttention`): it lets
    the model sharpen or flatten the weights. The keys do not depend on the
    query: `precompute_keys(memory)` computes them once per sequence, and a
    decoder step costs only the dot products with them. The softmax, the
    masking and the context are those of the base class,
    `AttentionMechanism`.

    Args:
        score: `"general"` or `"dot"`, default `"general"`.
        scale: bool. Learn the scalar g, default False.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        kernel_regularizer: regularizer of W, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        query: float [batch, query_dim], s.
        memory: float [batch, time, memory_dim], the h_j.
        memory_mask: bool or 0/1 [batch, time] (`True` = valid), or None.
            Masked positions get weight exactly 0 and do not change the
            context; a row with no valid position gets all weights 0 and a
            zero context (never NaN).
        keys: optional [batch, time, query_dim] from `precompute_keys`.

    Returns:
        `(context [batch, memory_dim], weights [batch, time])`; the weights
        are float32.

    Example:

    ```python
    import numpy as np
    from zoo.layers import LuongAttention

    attention = LuongAttention(score="general", scale=True)
    memory = np.random.default_rng(0).normal(size=(2, 5, 6)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    query = np.ones((2, 4), "float32")
    context, weights = attention(query, memory, memory_mask=mask)  # (2, 6), (2, 5)
    ```
    """

    def __init__(
        self,
        score="general",
        scale=False,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(
            kernel_initializer=kernel_initializer,
            kernel_regularizer=kernel_regularizer,
            **kwargs,
        )
        if score not in SCORES:
            raise ValueError(f"`score` must be one of {SCORES}, got {score!r}.")
        self.score = score
        self.scale = bool(scale)

    def build(self, query_shape, memory_shape):
        query_dim, memory_dim = query_shape[-1], memory_shape[-1]
        if self.score == "general":
            self.kernel = self.add_weight(
                shape=(memory_dim, query_dim),
                name="kernel",
                initializer=self.kernel_initializer,
                regularizer=self.kernel_regularizer,
            )
        elif query_dim != memory_dim:
            raise ValueError(
                f"{self.name}: the dot score needs queries and memory of the "
                f"same size, got {query_dim} and {memory_dim} (use "
                'score="general")'
            )
        if self.scale:
            self.scale_weight = self.add_weight(
                shape=(), name="scale", initializer="ones"
            )

    def precompute_keys(self, memory):
        """The keys k_j, [batch, time, query_dim]."""
        if self.score == "dot":
            return memory
        self.check_built("precompute_keys")
        return ops.matmul(memory, self.kernel)

    def scores(self, query, keys):
        """e_j = g * (s . k_j), [batch, time]."""
        products = ops.einsum("bd,btd->bt", query, keys)
        if self.scale:
            return products * self.scale_weight
        return products

    def get_config(self):
        config = {"score": self.score, "scale": self.scale}
        return {**super().get_config(), **config}
