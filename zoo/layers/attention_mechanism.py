"""`AttentionMechanism`: the shared base of the zoo attention layers.

The contract (read this before writing an attention layer on top of it)
-----------------------------------------------------------------------

An attention mechanism scores a query against every position of a memory,
turns the scores into weights with a masked softmax and returns the
weighted sum of the memory. The base class owns everything but the score:

    keys = layer.precompute_keys(memory)
        # memory: [batch, time, memory_dim]. The part of the score that does
        # not depend on the query, computed once per memory (a decoder calls
        # it once per source sequence and passes the keys to every step).
        # Default: the memory itself.

    scores = layer.scores(query, keys)
        # query: [batch, query_dim]. Returns the raw scores e, [batch, time].
        # The one method a subclass must implement.

    context, weights = layer(query, memory, memory_mask=None, keys=None)
        # `call`: the keys (computed here when not given), the scores, the
        # masked softmax (`zoo.layers.masked_softmax`) and the context. Do not
        # override it.

A subclass creates its weights in `build(query_shape, memory_shape)` with
`add_weight(name=...)` (the base `build` creates none), uses
`self.kernel_initializer` / `self.kernel_regularizer` for them, calls
`self.check_built("precompute_keys")` in a `precompute_keys` that reads
weights, adds its own constructor arguments to `get_config` (merged with
`super().get_config()`) and registers itself with
`@keras.saving.register_keras_serializable(package=...)`.
`AttentionDecoderCell`, `Seq2Seq` and `beam_search` use only `call` and
`precompute_keys`, so any subclass plugs into them.
"""

import keras
from keras import ops

from zoo.layers.masked_softmax import masked_softmax


class AttentionMechanism(keras.layers.Layer):
    """Base class of the zoo attention layers (not registered, not used alone).

    A query s (the decoder state) attends over a memory h_1..h_T (the encoder
    outputs). The subclass defines the keys k_j and the score e_j; the base
    class does the rest:

        k_j = precompute_keys(h)_j        (once per memory; default k_j = h_j)
        e_j = scores(s, k)_j
        a   = softmax(e) over the valid j (a_j = 0 at masked j)
        c   = sum_j a_j h_j

    so `BahdanauAttention` is e_j = v^T tanh(W1 h_j + W2 s) and
    `LuongAttention` is e_j = s . (h_j W). The softmax runs in float32; masked
    positions get weight exactly 0 and do not change the context, and a row
    with no valid position gets all weights 0 and a zero context (never NaN).
    See the module docstring for the subclassing contract.

    Args:
        kernel_initializer: initializer of the subclass's weights, default
            `"glorot_uniform"`.
        kernel_regularizer: regularizer of the subclass's weights, default
            `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        query: float [batch, query_dim], s.
        memory: float [batch, time, memory_dim], the h_j.
        memory_mask: bool or 0/1 [batch, time] (`True` = valid), or None.
        keys: optional keys from `precompute_keys(memory)`.

    Returns:
        `(context [batch, memory_dim], weights [batch, time])`; the weights
        are float32.

    Example:

    ```python
    import numpy as np
    from keras import ops
    from zoo.layers.attention_mechanism import AttentionMechanism

    class ScaledDotAttention(AttentionMechanism):
        # e_j = s . h_j / sqrt(d) (Vaswani et al. 2017); keys are the memory.
        def scores(self, query, keys):
            return ops.einsum("bd,btd->bt", query, keys) / keys.shape[-1] ** 0.5

    attention = ScaledDotAttention()
    memory = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    query = np.ones((2, 4), "float32")
    context, weights = attention(query, memory, memory_mask=mask)  # (2, 4), (2, 5)
    assert np.all(np.asarray(weights)[0, 3:] == 0.0)
    ```
    """

    def __init__(
        self,
        kernel_initializer="glorot_uniform",
        kernel_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)

    def build(self, query_shape, memory_shape):
        """Create the weights; the base mechanism has none."""

    def check_built(self, method_name):
        """Raise a ValueError naming `method_name` if the weights don't exist yet."""
        if not self.built:
            raise ValueError(
                f"{self.name}: call the layer once or `build(query_shape, "
                f"memory_shape)` before `{method_name}`."
            )

    def precompute_keys(self, memory):
        """The keys k_j, [batch, time, key_dim]; by default the memory itself."""
        return memory

    def scores(self, query, keys):
        """The raw scores e, [batch, time], of `query` [batch, query_dim]."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `scores(query, keys)`, "
            "returning the [batch, time] attention scores."
        )

    def call(self, query, memory, memory_mask=None, keys=None):
        if keys is None:
            keys = self.precompute_keys(memory)
        weights = masked_softmax(self.scores(query, keys), memory_mask)
        context = ops.einsum("bt,btd->bd", ops.cast(weights, memory.dtype), memory)
        return context, weights

    def compute_output_spec(self, query, memory, memory_mask=None, keys=None):
        return (
            keras.KerasTensor((memory.shape[0], memory.shape[2]), dtype=memory.dtype),
            keras.KerasTensor(tuple(memory.shape[:2]), dtype="float32"),
        )

    def get_config(self):
        config = {
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "kernel_regularizer": keras.regularizers.serialize(self.kernel_regularizer),
        }
        return {**super().get_config(), **config}
