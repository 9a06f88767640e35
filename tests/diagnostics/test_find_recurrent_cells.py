"""Finding the cells of models, and reading their layout."""

import keras
import numpy as np
import pytest

import zoo
from zoo.diagnostics import describe_cell
from zoo.diagnostics import find_recurrent_cells
from zoo.diagnostics import find_rnn_layers
from zoo.layers import AttentionDecoderCell
from zoo.layers import CIFGLSTMCell
from zoo.layers import FusedRNN
from zoo.layers import LayerNormGRU
from zoo.layers import LuongAttention
from zoo.layers import NoisyStateCell
from zoo.layers import PeepholeLSTMCell

# Not marked `backend`: finding cells walks Python attributes and reads kernel
# shapes, the same on every backend (the diagnostics that compute are marked).


def test_sequential_with_bidirectional_and_stacked_layers():
    model = keras.Sequential(
        [
            keras.Input((None, 3)),
            keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True)),
            LayerNormGRU(5, return_sequences=True),
            keras.layers.RNN(
                keras.layers.StackedRNNCells(
                    [keras.layers.LSTMCell(2), keras.layers.SimpleRNNCell(3)]
                )
            ),
        ],
        name="tagger",
    )
    found = find_recurrent_cells(model)
    assert [(type(f.cell).__name__, f.direction) for f in found] == [
        ("GRUCell", "forward"),
        ("GRUCell", "backward"),
        ("LayerNormGRUCell", "forward"),
        ("LSTMCell", "forward"),
        ("SimpleRNNCell", "forward"),
    ]
    assert all(f.path.startswith("tagger/") for f in found)
    assert len({f.path for f in found}) == 5
    assert found[3].layer is found[4].layer  # one RNN runs the stacked cells
    assert [type(layer).__name__ for _, layer in find_rnn_layers(model)] == [
        "GRU", "GRU", "LayerNormGRU", "RNN"
    ]


def test_wrapper_cells_are_opened():
    noisy = keras.layers.RNN(NoisyStateCell(keras.layers.SimpleRNNCell(4)), name="rnn")
    noisy.build((None, None, 3 + 4))
    (found,) = find_recurrent_cells(noisy)
    assert isinstance(found.cell, keras.layers.SimpleRNNCell)
    assert found.path.startswith("rnn/") and found.layer is noisy
    assert describe_cell(found.cell).input_dim == 3  # x_t without the noise


def test_an_attention_decoder_cell_held_by_a_custom_layer():
    class Decoder(keras.layers.Layer):
        def __init__(self):
            super().__init__(name="decoder")
            self.cell = AttentionDecoderCell(PeepholeLSTMCell(6), LuongAttention(), units=6)
            self.projection = keras.layers.Dense(2)

    decoder = Decoder()
    decoder.cell.build((None, 4), (None, 5, 6))
    (found,) = find_recurrent_cells(decoder)
    assert isinstance(found.cell, PeepholeLSTMCell) and found.layer is None
    assert describe_cell(found.cell).input_dim == 4 + 6  # input feeding


def test_a_fused_layer_a_bare_cell_and_a_model_without_cells():
    fused = FusedRNN(CIFGLSTMCell(3, name="cifg"), name="fused")
    fused.build((None, None, 2))
    assert [f.path for f in find_recurrent_cells(fused)] == ["fused/cifg"]
    cell = keras.layers.GRUCell(2, name="bare")
    # Unbuilt, it has no kernel to read its input width from: not diagnosable.
    assert find_recurrent_cells(cell) == []
    cell.build((None, 3))
    assert [(f.path, f.layer) for f in find_recurrent_cells(cell)] == [("bare", None)]
    dense = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert find_recurrent_cells(dense) == []
    with pytest.raises(ValueError, match="takes a Keras model"):
        find_recurrent_cells(np.zeros(3))


def test_the_shipped_checkpoints():
    (adder_cell,) = find_recurrent_cells(zoo.load("binary_adder"))
    assert isinstance(adder_cell.cell, keras.layers.SimpleRNNCell)
    # Keras numbers repeated names (simple_rnn_cell_2): compare the name stems.
    stems = [part.rstrip("_0123456789") for part in adder_cell.path.split("/")]
    assert stems == ["binary_adder", "rnn", "noisy_state_cell", "simple_rnn_cell"]
    tagger = find_recurrent_cells(zoo.load("pos_tagger_ewt_en"))
    # Character BiLSTM, then two sentence BiLSTM layers.
    assert [f.direction for f in tagger] == ["forward", "backward"] * 3
    assert [describe_cell(f.cell).units for f in tagger] == [32, 32, 128, 128, 128, 128]
    assert "character_encoder" in tagger[0].path


@pytest.mark.parametrize(
    "make_cell, states, activations",
    [
        (lambda: keras.layers.LSTMCell(2), ("h", "c"), ("i", "f", "candidate", "o", "output")),
        (lambda: CIFGLSTMCell(2), ("h", "c"), ("f", "candidate", "o", "output")),
        (lambda: keras.layers.GRUCell(2), ("h",), ("z", "r", "candidate")),
        (lambda: keras.layers.SimpleRNNCell(2), ("h",), ("h",)),
    ],
)
def test_describe_cell(make_cell, states, activations):
    cell = make_cell()
    cell.build((None, 3))
    anatomy = describe_cell(cell)
    assert anatomy.state_names == states and anatomy.activation_names == activations
    assert anatomy.input_dim == 3 and anatomy.units == 2
    assert anatomy.state_size == 2 * len(states)
    with pytest.raises(ValueError, match="takes 3 input features; got input_dim=4"):
        describe_cell(cell, input_dim=4)


def test_describe_cell_of_something_else_is_a_value_error():
    with pytest.raises(ValueError, match="not a recurrent cell"):
        describe_cell(keras.layers.Dense(2))
