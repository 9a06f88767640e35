"""`BahdanauAttention`: additive attention over an encoder memory."""

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.layers.attention_mechanism import AttentionMechanism


@keras.saving.register_keras_serializable(package="zoo")
class BahdanauAttention(AttentionMechanism):
    """Additive attention (Bahdanau, Cho & Bengio 2015).

    Bahdanau, Cho & Bengio, "Neural Machine Translation by Jointly Learning
    to Align and Translate", ICLR 2015. A query s (the decoder state) scores
    every memory vector h_j (the encoder outputs) with a one-hidden-layer
    network, and the context is the weighted mean of the memory:

        k_j = W1 h_j                          (keys, once per memory)
        e_j = v^T tanh(k_j + W2 s)
        a   = softmax(e) over the valid j     (a_j = 0 at masked j)
        c   = sum_j a_j h_j

    `W1` is `memory_kernel` [memory_dim, units], `W2` is `query_kernel`
    [query_dim, units], v is `score_vector` [units] (written as row-vector
    products: k_j = h_j W1). The keys do not depend on the query, so a
    decoder computes them once with `precompute_keys(memory)` and passes
    them to every step: a step then costs one [query_dim, units] matmul and
    elementwise work over the memory. The softmax, the masking and the
    context are those of the base class, `AttentionMechanism`.

    Args:
        units: int. Size of the hidden layer of the score network, > 0.
        kernel_initializer: initializer of W1, W2 and v, default
            `"glorot_uniform"`.
        kernel_regularizer: regularizer of W1, W2 and v, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        query: float [batch, query_dim], s.
        memory: float [batch, time, memory_dim], the h_j.
        memory_mask: bool or 0/1 [batch, time] (`True` = valid), or None.
            Masked positions get weight exactly 0 and do not change the
            context; a row with no valid position gets all weights 0 and a
            zero context (never NaN).
        keys: optional [batch, time, units] from `precompute_keys(memory)`.

    Returns:
        `(context [batch, memory_dim], weights [batch, time])`; the weights
        are float32.

    Example:

    ```python
    import numpy as np
    from zoo.layers import BahdanauAttention

    attention = BahdanauAttention(8)
    memory = np.random.default_rng(0).normal(size=(2, 5, 6)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    query = np.ones((2, 4), "float32")
    context, weights = attention(query, memory, memory_mask=mask)  # (2, 6), (2, 5)
    keys = attention.precompute_keys(memory)   # once; then at every step:
    context, weights = attention(query, memory, memory_mask=mask, keys=keys)
    ```
    """

    def __init__(
        self,
        units,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(
            kernel_initializer=kernel_initializer,
            kernel_regularizer=kernel_regularizer,
            **kwargs,
        )
        self.units = check_positive_integer("units", units)

    def build(self, query_shape, memory_shape):
        self.memory_kernel = self.add_weight(
            shape=(memory_shape[-1], self.units),
            name="memory_kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.query_kernel = self.add_weight(
            shape=(query_shape[-1], self.units),
            name="query_kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )
        self.score_vector = self.add_weight(
            shape=(self.units,),
            name="score_vector",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
        )

    def precompute_keys(self, memory):
        """The keys k_j = h_j W1, [batch, time, units]."""
        self.check_built("precompute_keys")
        return ops.matmul(memory, self.memory_kernel)

    def scores(self, query, keys):
        """e_j = v^T tanh(k_j + s W2), [batch, time]."""
        projected_query = ops.matmul(query, self.query_kernel)
        hidden = ops.tanh(keys + projected_query[:, None, :])
        return ops.sum(hidden * self.score_vector, axis=-1)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
