"""`AttentionDecoderCell`: both step arrangements against a numpy reference,
any Keras or zoo cell inside, state layout, serialization, compiled loops."""

import keras
import numpy as np
import pytest
from keras import ops

import numpy_cells
from attention_checks import close
from zoo.layers.attention_decoder_cell import AttentionDecoderCell
from zoo.layers.bahdanau_attention import BahdanauAttention
from zoo.layers.cifg_lstm_cell import CIFGLSTMCell
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_lstm_cell import LayerNormLSTMCell
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell
from zoo.layers.luong_attention import LuongAttention
from zoo.layers.peephole_lstm_cell import PeepholeLSTMCell

RNG = np.random.default_rng(11)
BATCH, STEPS, EMBED, SOURCE, MEMORY_DIM, UNITS, OUT = 3, 4, 2, 5, 4, 3, 5
INPUTS = RNG.normal(size=(STEPS, BATCH, EMBED)).astype("float32")
MEMORY = RNG.normal(size=(BATCH, SOURCE, MEMORY_DIM)).astype("float32")
MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]], bool)
H0 = RNG.normal(scale=0.5, size=(BATCH, UNITS))
C0 = RNG.normal(scale=0.5, size=(BATCH, UNITS))


def softmax_context(scores, memory, mask):
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("bt,btd->bd", weights, memory), weights


def numpy_decoder(style, feeding, cell_weights, attention_weights, W_c, mechanism):
    """Unroll the decoder equations over INPUTS with an LSTM cell."""
    memory = MEMORY.astype(np.float64)

    def attend(query):
        if mechanism == "luong":
            (kernel,) = attention_weights
            scores = np.einsum("bd,btd->bt", query, memory @ kernel)
        else:
            W1, W2, v = attention_weights
            scores = np.tanh(memory @ W1 + (query @ W2)[:, None, :]) @ v
        return softmax_context(scores, memory, MASK)

    h, c = H0, C0
    attentional = np.zeros((BATCH, OUT))
    outputs, alignments = [], []
    for x in INPUTS.astype(np.float64):
        pieces = [x, attentional] if feeding else [x]
        if style == "bahdanau":
            context, weights = attend(h)
            pieces.append(context)
        h, c = numpy_cells.lstm_step(cell_weights, np.concatenate(pieces, axis=1), h, c)
        if style == "luong":
            context, weights = attend(h)
        attentional = np.tanh(np.concatenate([context, h], axis=1) @ W_c)
        outputs.append(attentional)
        alignments.append(weights)
    return np.stack(outputs), np.stack(alignments), (h, c)


def make_cell(style, feeding, mechanism):
    attention = LuongAttention() if mechanism == "luong" else BahdanauAttention(4)
    cell = AttentionDecoderCell(
        keras.layers.LSTMCell(UNITS), attention, units=OUT,
        attention_style=style, input_feeding=feeding,
    )
    cell.build((None, EMBED), MEMORY.shape)
    rng = np.random.default_rng(5)
    for layer in (cell.cell, cell.attention):
        layer.set_weights([rng.normal(scale=0.6, size=w.shape) for w in layer.get_weights()])
    cell.output_kernel.assign(rng.normal(scale=0.6, size=cell.output_kernel.shape))
    return cell


def run_cell(cell, step_fn=None):
    states = cell.initial_state([H0.astype("float32"), C0.astype("float32")])
    keys = cell.precompute_keys(MEMORY)
    outputs, alignments = [], []
    for x in INPUTS:
        output, states, weights = cell.step(x, states, MEMORY, MASK, keys)
        outputs.append(np.asarray(output))
        alignments.append(np.asarray(weights))
    return np.stack(outputs), np.stack(alignments), states


CASES = [
    ("luong", True, "luong"), ("luong", False, "luong"), ("luong", True, "bahdanau"),
    ("bahdanau", False, "bahdanau"), ("bahdanau", True, "bahdanau"), ("bahdanau", True, "luong"),
]


@pytest.mark.parametrize("style,feeding,mechanism", CASES,
                         ids=[f"{s}-{'feed' if f else 'nofeed'}-{m}" for s, f, m in CASES])
def test_matches_numpy_reference(style, feeding, mechanism):
    cell = make_cell(style, feeding, mechanism)
    want, want_alignments, (want_h, want_c) = numpy_decoder(
        style, feeding,
        [np.asarray(w, np.float64) for w in cell.cell.get_weights()],
        [np.asarray(w, np.float64) for w in cell.attention.get_weights()],
        np.asarray(cell.output_kernel, np.float64),
        mechanism,
    )
    outputs, alignments, states = run_cell(cell)
    close(outputs, want)
    close(alignments, want_alignments)
    close(states[0], want_h)
    close(states[1], want_c)
    close(states[2], want[-1])
    if style == "bahdanau":
        close(states[3], want_h)  # h_{t-1}, the next query
    # `call` is `step` without the weights.
    states = cell.initial_state([H0.astype("float32"), C0.astype("float32")])
    output, _ = cell(INPUTS[0], states, MEMORY, MASK)
    close(output, want[0])


CELLS = {
    "lstm": lambda: keras.layers.LSTMCell(UNITS),
    "gru": lambda: keras.layers.GRUCell(UNITS),
    "simple_rnn": lambda: keras.layers.SimpleRNNCell(UNITS),
    "peephole_lstm": lambda: PeepholeLSTMCell(UNITS),
    "cifg_lstm": lambda: CIFGLSTMCell(UNITS),
    "coupled_gru": lambda: CoupledGRUCell(UNITS),
    "layer_norm_lstm": lambda: LayerNormLSTMCell(UNITS),
    "layer_norm_gru": lambda: LayerNormGRUCell(UNITS),
    "layer_norm_simple_rnn": lambda: LayerNormSimpleRNNCell(UNITS),
    "stacked": lambda: keras.layers.StackedRNNCells(
        [keras.layers.LSTMCell(UNITS), keras.layers.GRUCell(UNITS)]
    ),
}


@pytest.mark.parametrize("name", sorted(CELLS))
@pytest.mark.parametrize("style", ["luong", "bahdanau"])
def test_any_cell_fits_and_round_trips_its_config(name, style):
    cell = AttentionDecoderCell(CELLS[name](), BahdanauAttention(4), attention_style=style)
    cell.build((None, EMBED), MEMORY.shape)
    inner_sizes = keras.tree.flatten(
        cell.cell.state_size if isinstance(cell.cell.state_size, (list, tuple))
        else [cell.cell.state_size]
    )
    extra = [UNITS] if style == "bahdanau" else []
    assert cell.state_size == [*inner_sizes, UNITS, *extra]
    assert cell.output_size == UNITS
    states = cell.get_initial_state(batch_size=BATCH)
    assert [tuple(s.shape) for s in states] == [(BATCH, n) for n in cell.state_size]
    output, new_states = cell(INPUTS[0], states, MEMORY, MASK)
    assert tuple(output.shape) == (BATCH, UNITS)
    assert [tuple(s.shape) for s in new_states] == [(BATCH, n) for n in cell.state_size]
    restored = AttentionDecoderCell.from_config(cell.get_config())
    restored.build((None, EMBED), MEMORY.shape)
    restored.set_weights(cell.get_weights())
    again, _ = restored(INPUTS[0], states, MEMORY, MASK)
    close(again, np.asarray(output))


def test_masked_memory_does_not_matter():
    cell = make_cell("luong", True, "luong")
    outputs, _, _ = run_cell(cell)
    noisy = np.where(MASK[..., None], MEMORY, 100.0).astype("float32")
    states = cell.initial_state([H0.astype("float32"), C0.astype("float32")])
    for x, want in zip(INPUTS, outputs):
        output, states = cell(x, states, noisy, MASK)
        close(output, want)


def test_compiled_loop_equals_eager_steps():
    cell = make_cell("bahdanau", True, "bahdanau")
    want, _, _ = run_cell(cell)

    def unroll(inputs, memory, mask):
        states = cell.initial_state([ops.convert_to_tensor(H0, "float32"),
                                     ops.convert_to_tensor(C0, "float32")])
        keys = cell.precompute_keys(memory)

        def body(t, carry):
            outputs, states = carry
            output, states = cell(inputs[t], states, memory, mask, keys)
            hit = ops.arange(STEPS)[:, None, None] == t
            return ops.where(hit, output[None], outputs), states

        outputs = ops.zeros((STEPS, BATCH, OUT), "float32")
        return ops.fori_loop(0, STEPS, body, (outputs, states))[0]

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        compiled = tf.function(unroll, jit_compile=True)
    else:
        import jax

        compiled = jax.jit(unroll)
    close(compiled(INPUTS, MEMORY, MASK), want)


def test_validation():
    with pytest.raises(ValueError, match="attention_style"):
        AttentionDecoderCell(keras.layers.GRUCell(2), LuongAttention(), attention_style="x")
    with pytest.raises(ValueError, match="state_size"):
        AttentionDecoderCell(keras.layers.Dense(2), LuongAttention())
    with pytest.raises(ValueError, match="units"):
        AttentionDecoderCell(keras.layers.GRUCell(2), LuongAttention(), units=0)
    cell = AttentionDecoderCell(keras.layers.LSTMCell(2), LuongAttention())
    with pytest.raises(ValueError, match="2 cell states"):
        cell.initial_state([np.zeros((1, 2), "float32")])
