"""`AttentionDecoderCell`: a recurrent cell that attends over an encoder memory."""

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer

STYLES = ("luong", "bahdanau")


@keras.saving.register_keras_serializable(package="zoo")
class AttentionDecoderCell(keras.layers.Layer):
    """One decoder step: any RNN cell plus attention over the source.

    Wraps a recurrent cell (`keras.layers.LSTMCell`, `GRUCell`,
    `SimpleRNNCell`, `StackedRNNCells`, or any zoo cell such as
    `PeepholeLSTMCell`) and an attention mechanism (`LuongAttention`,
    `BahdanauAttention`, or any layer with the same call signature), in
    one of two arrangements, x_t being the step's input (the embedding of
    the previous target token):

    Luong style (Luong et al. 2015, "Effective Approaches to Attention-based
    Neural Machine Translation"): attend with the new cell output,

        x'_t      = [x_t; h~_{t-1}]        (input feeding; x_t without it)
        h_t       = cell(x'_t, states_{t-1})
        c_t, a_t  = attention(h_t, memory)
        h~_t      = tanh(W_c [c_t; h_t])   (the attentional vector)

    Bahdanau style (Bahdanau et al. 2015, "Neural Machine Translation by
    Jointly Learning to Align and Translate"): attend with the previous cell
    output and feed the context into the cell,

        c_t, a_t  = attention(h_{t-1}, memory)
        x'_t      = [x_t; h~_{t-1}; c_t]   (input feeding; [x_t; c_t] without it)
        h_t       = cell(x'_t, states_{t-1})
        h~_t      = tanh(W_c [c_t; h_t])

    W_c is `output_kernel` [memory_dim + cell output size, units] (no bias,
    as in Luong's eq. 5). The output is h~_t, which an output layer turns
    into next-token logits. The state is

        [*cell states (flattened), h~_{t-1}]              (Luong style)
        [*cell states (flattened), h~_{t-1}, h_{t-1}]     (Bahdanau style)

    so the cell keeps the contract of a Keras cell (`state_size`,
    `output_size`, `get_initial_state`), except that `call` also takes the
    memory: a Keras 3 `RNN` has no per-sequence constants, so the decoder
    loop (`zoo.models.Seq2Seq`, `zoo.layers.beam_search`) passes it.
    `initial_state(cell_states)` builds a state from given cell states
    (e.g. projected encoder states): h~ starts at zeros and h_{t-1} at the
    first cell state (for every Keras and zoo cell, its output h).

    The cell's own dropout must be 0: the decoder loop is run by
    `while_loop`/`scan`, where per-step random draws are not allowed under
    JAX; drop out the inputs or the attentional vectors outside instead.

    Args:
        cell: an RNN cell instance.
        attention: an attention layer instance (`call(query, memory,
            memory_mask=None, keys=None) -> (context, weights)` and
            `precompute_keys(memory)`).
        units: int. Size of h~, default None (the cell's output size).
        attention_style: `"luong"` or `"bahdanau"`, default `"luong"`.
        input_feeding: bool. Feed h~_{t-1} with the input (Luong et al.
            2015, section 3.3), default True.
        kernel_initializer: initializer of W_c, default `"glorot_uniform"`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        inputs: float [batch, input_dim], x_t.
        states: list of state tensors (see above).
        memory: float [batch, time, memory_dim], the encoder outputs.
        memory_mask: bool [batch, time] (`True` = valid source position),
            or None.
        keys: optional precomputed `attention.precompute_keys(memory)`;
            compute them once per sequence (`precompute_keys`) for speed.
        training: bool, passed to the cell.

    Returns:
        `(h~_t [batch, units], new_states)`; `step` also returns the
        attention weights a_t [batch, time].

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import AttentionDecoderCell, LuongAttention, PeepholeLSTMCell

    cell = AttentionDecoderCell(PeepholeLSTMCell(8), LuongAttention(), units=8)
    memory = np.random.default_rng(0).normal(size=(2, 5, 6)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    cell.build((None, 4), memory.shape)
    keys = cell.precompute_keys(memory)          # once per source sequence
    states = cell.get_initial_state(batch_size=2)
    for token_embedding in np.ones((3, 2, 4), "float32"):   # 3 steps
        output, states = cell(token_embedding, states, memory, mask, keys)
    ```
    """

    def __init__(
        self,
        cell,
        attention,
        units=None,
        attention_style="luong",
        input_feeding=True,
        kernel_initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(cell, dict):
            cell = keras.saving.deserialize_keras_object(cell)
        if isinstance(attention, dict):
            attention = keras.saving.deserialize_keras_object(attention)
        if attention_style not in STYLES:
            raise ValueError(
                f"`attention_style` must be one of {STYLES}, got {attention_style!r}."
            )
        if not hasattr(cell, "state_size"):
            raise ValueError(
                f"`cell` must be an RNN cell with a `state_size`, got {cell!r}."
            )
        self.cell = cell
        self.attention = attention
        self.cell_output_size = _output_size(cell)
        self.units = (
            self.cell_output_size if units is None else check_positive_integer("units", units)
        )
        self.attention_style = attention_style
        self.input_feeding = bool(input_feeding)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        sizes = cell.state_size
        self._cell_state_structure = (
            list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
        )
        self.cell_state_sizes = keras.tree.flatten(self._cell_state_structure)

    @property
    def state_size(self):
        extra = [self.cell_output_size] if self.attention_style == "bahdanau" else []
        return [*self.cell_state_sizes, self.units, *extra]

    @property
    def output_size(self):
        return self.units

    def build(self, inputs_shape, memory_shape):
        memory_dim = memory_shape[-1]
        width = inputs_shape[-1] + (self.units if self.input_feeding else 0)
        if self.attention_style == "bahdanau":
            width += memory_dim
        if not self.cell.built:
            self.cell.build((inputs_shape[0], width))
        if not self.attention.built:
            self.attention.build((inputs_shape[0], self.cell_output_size), memory_shape)
        self.output_kernel = self.add_weight(
            shape=(memory_dim + self.cell_output_size, self.units),
            name="output_kernel",
            initializer=self.kernel_initializer,
        )

    def precompute_keys(self, memory):
        """The attention keys of `memory`, to pass to every step."""
        return self.attention.precompute_keys(memory)

    def get_initial_state(self, batch_size=None):
        return [
            ops.zeros((batch_size, size), dtype=self.compute_dtype)
            for size in self.state_size
        ]

    def initial_state(self, cell_states):
        """A full state from the wrapped cell's states (a flat list)."""
        cell_states = list(cell_states)
        if len(cell_states) != len(self.cell_state_sizes):
            raise ValueError(
                f"{self.name}: expected {len(self.cell_state_sizes)} cell states, "
                f"got {len(cell_states)}"
            )
        batch = ops.shape(cell_states[0])[0]
        states = [*cell_states, ops.zeros((batch, self.units), cell_states[0].dtype)]
        if self.attention_style == "bahdanau":
            first = cell_states[0]
            if self.cell_state_sizes[0] != self.cell_output_size:
                first = ops.zeros((batch, self.cell_output_size), first.dtype)
            states.append(first)
        return states

    def call(self, inputs, states, memory, memory_mask=None, keys=None, training=False):
        output, new_states, _ = self.step(
            inputs, states, memory, memory_mask, keys, training=training
        )
        return output, new_states

    def step(self, inputs, states, memory, memory_mask=None, keys=None, training=False):
        """`call` that also returns the attention weights a_t."""
        count = len(self.cell_state_sizes)
        cell_states = keras.tree.pack_sequence_as(
            self._cell_state_structure, list(states[:count])
        )
        attentional = states[count]
        pieces = [inputs, attentional] if self.input_feeding else [inputs]
        if keys is None:
            keys = self.attention.precompute_keys(memory)
        if self.attention_style == "bahdanau":
            context, weights = self.attention(states[count + 1], memory, memory_mask, keys)
            pieces.append(context)
        x = ops.concatenate(pieces, axis=-1) if len(pieces) > 1 else inputs
        h, new_cell_states = self.cell(x, cell_states, training=training)
        if self.attention_style == "luong":
            context, weights = self.attention(h, memory, memory_mask, keys)
        combined = ops.concatenate([ops.cast(context, h.dtype), h], axis=-1)
        attentional = ops.tanh(ops.matmul(combined, self.output_kernel))
        new_states = [*keras.tree.flatten(new_cell_states), attentional]
        if self.attention_style == "bahdanau":
            new_states.append(h)
        return attentional, new_states, weights

    def get_config(self):
        config = {
            "cell": keras.saving.serialize_keras_object(self.cell),
            "attention": keras.saving.serialize_keras_object(self.attention),
            "units": self.units,
            "attention_style": self.attention_style,
            "input_feeding": self.input_feeding,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }
        return {**super().get_config(), **config}


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is None:
        sizes = cell.state_size
        size = keras.tree.flatten(sizes)[0]
    return int(size)
