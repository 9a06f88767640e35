"""CoupledGRU, LayerNormGRU and LayerNormSimpleRNN (fused) against
keras.layers.RNN of their cells and numpy.

One set of checks, run for each family (the LSTM family's is
`test_fused_rnn.py`).
"""

import dataclasses

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings

import gru_cell_checks as checks
from harness import run_layer_test
from zoo.layers.coupled_gru import CoupledGRU
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.layer_norm_gru import LayerNormGRU
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_simple_rnn import LayerNormSimpleRNN
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell


@dataclasses.dataclass(frozen=True)
class Family:
    """A fused layer, its cell, and the cell options the checks run over."""

    fused: type
    cell: type
    #: Three cell variants the comparisons run over.
    variants: tuple
    #: A cell option of this family that the config round trip includes.
    option: dict

    def __str__(self):
        return self.fused.__name__


FAMILIES = [
    Family(CoupledGRU, CoupledGRUCell,
           ({"reset_after": False}, {"reset_after": True}, {"weight_norm": True}),
           {"reset_after": True}),
    Family(LayerNormGRU, LayerNormGRUCell,
           ({"reset_after": False}, {"reset_after": True},
            {"weight_norm": True, "epsilon": 1e-5}),
           {"reset_after": True}),
    Family(LayerNormSimpleRNN, LayerNormSimpleRNNCell,
           ({}, {"activation": "relu"}, {"weight_norm": True, "epsilon": 1e-5}),
           {"epsilon": 1e-4}),
]
family_parameter = pytest.mark.parametrize("family", FAMILIES, ids=str)

MASK = np.array([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool)


def inputs(batch=3, time=5, features=4, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, time, features)).astype(
        "float32"
    )


#: (variant index, RNN options, masked): every variant, both directions,
#: sequences and states, with and without a mask.
CASES = [
    (0, {"return_sequences": True}, False),
    (0, {"return_sequences": True, "go_backwards": True}, True),
    (1, {"return_state": True}, True),
    (2, {"return_state": True, "go_backwards": True}, True),
]


@family_parameter
@pytest.mark.parametrize("variant, rnn_kwargs, masked", CASES)
def test_outputs_and_gradients_equal_keras_rnn_of_the_cell(
    family, variant, rnn_kwargs, masked
):
    fused, plain = checks.paired_layers(family.fused, **family.variants[variant],
                                        **rnn_kwargs)
    call_kwargs = {"mask": MASK} if masked else {}
    checks.assert_same_outputs_and_gradients(fused, plain, inputs(), **call_kwargs)


@family_parameter
def test_bidirectional_equals_keras_rnn_of_the_cell(family):
    fused, plain = checks.paired_layers(family.fused, return_sequences=True,
                                        **family.variants[1])
    a = keras.layers.Bidirectional(fused)
    b = keras.layers.Bidirectional(plain)
    x = inputs()
    a(x)
    b(x)
    checks.set_random_weights(a, seed=3)
    b.set_weights(a.get_weights())
    checks.assert_same_outputs_and_gradients(a, b, x, mask=MASK)


@family_parameter
@pytest.mark.parametrize("variant", [0, 1, 2])
def test_matches_numpy_with_mask(family, variant):
    layer = family.fused(3, return_sequences=True, return_state=True,
                         **family.variants[variant])
    x = inputs(seed=4)
    layer(x)
    checks.set_random_weights(layer, seed=5)
    outputs, final = layer(x, mask=MASK)
    want_outputs, want_final = checks.reference_run(layer.cell, x, mask=MASK)
    np.testing.assert_allclose(final, want_final, rtol=1e-4, atol=1e-5)
    outputs = keras.ops.convert_to_numpy(outputs)
    np.testing.assert_allclose(
        outputs[MASK], want_outputs[MASK], rtol=1e-4, atol=1e-5
    )


@family_parameter
def test_initial_state_and_stateful_match_keras_rnn(family):
    fused, plain = checks.paired_layers(family.fused, return_sequences=True)
    x = inputs(seed=6)
    h0 = np.random.default_rng(7).normal(size=(3, 3)).astype("float32")
    np.testing.assert_allclose(
        fused(x, initial_state=[h0]), plain(x, initial_state=[h0]), rtol=1e-5, atol=1e-6
    )
    stateful = family.fused(3, stateful=True, return_sequences=True)
    plain_stateful = keras.layers.RNN(family.cell(3), stateful=True, return_sequences=True)
    stateful(x)
    plain_stateful(x)
    checks.set_random_weights(stateful, seed=8)
    plain_stateful.set_weights(stateful.get_weights())
    stateful.reset_state()
    plain_stateful.reset_state()
    for _ in range(2):  # the second batch starts from the first's states
        np.testing.assert_allclose(
            stateful(x), plain_stateful(x), rtol=1e-5, atol=1e-6
        )


@family_parameter
def test_dropout_masks_are_the_cells_variational_masks(family):
    # Same seed and fresh seed generators -> the fused loop and
    # keras.layers.RNN(cell) draw the same masks (once per sequence) and
    # give the same training outputs.
    for kwargs in ({"dropout": 0.3}, {"recurrent_dropout": 0.4}):
        fused = family.fused(3, return_sequences=True, seed=11, **kwargs)
        plain = keras.layers.RNN(family.cell(3, seed=11, **kwargs), return_sequences=True)
        fused.build((None, 5, 4))
        plain.build((None, 5, 4))
        checks.set_random_weights(fused, seed=10)
        plain.set_weights(fused.get_weights())
        x = inputs(seed=9)
        train_fused = keras.ops.convert_to_numpy(fused(x, training=True))
        train_plain = keras.ops.convert_to_numpy(plain(x, training=True))
        np.testing.assert_allclose(train_fused, train_plain, rtol=1e-5, atol=1e-6)
        assert np.isfinite(train_fused).all()
        assert not np.allclose(train_fused, keras.ops.convert_to_numpy(fused(x)))


@family_parameter
def test_fused_weights_load_into_the_cell_version(family):
    # Keras keys `.weights.h5` groups by layer class (as for keras GRU vs
    # RNN(GRUCell)), so weights move between the two with get/set_weights;
    # the variables under the layer are the same, in the same order.
    x = inputs(seed=10)
    variant = family.variants[1]
    fused_model = keras.Sequential([keras.Input((5, 4)), family.fused(3, **variant)])
    checks.set_random_weights(fused_model, seed=12)
    cell_model = keras.Sequential(
        [keras.Input((5, 4)), keras.layers.RNN(family.cell(3, **variant))]
    )
    cell_model.set_weights(fused_model.get_weights())
    np.testing.assert_allclose(cell_model(x), fused_model(x), rtol=1e-5, atol=1e-6)
    assert [v.path.split("/")[-1] for v in fused_model.weights] == [
        v.path.split("/")[-1] for v in cell_model.weights
    ]


_MASKING_LAYERS = {}


def _masking_layer(family):
    key = (str(family), keras.backend.backend())
    if key not in _MASKING_LAYERS:
        layer = family.fused(3, return_sequences=True, return_state=True)
        layer(np.zeros((1, 1, 2), "float32"))
        checks.set_random_weights(layer, seed=13)
        _MASKING_LAYERS[key] = layer
    return _MASKING_LAYERS[key]


@family_parameter
@settings(max_examples=5, deadline=None)
@given(checks.padded_batches(features=2))
def test_padded_batch_equals_each_sequence_alone(family, sequences):
    checks.check_padding_equals_alone(_masking_layer(family), sequences, features=2)


@family_parameter
@pytest.mark.parametrize(
    "kwargs, expected_shape",
    [
        (
            {
                "return_state": True,
                "go_backwards": True,
                "dropout": 0.1,
                "recurrent_dropout": 0.1,
                "seed": 2,
            },
            ((4, 3), (4, 3)),
        ),
        ({"weight_norm": True, "return_sequences": True}, (4, 5, 3)),
    ],
    ids=["state_backwards_dropout", "weight_norm_sequences"],
)
def test_config_keras_round_trips_and_jit_fit(family, kwargs, expected_shape):
    # run_layer_test fits with jit_compile=True on TensorFlow (and JAX).
    if "weight_norm" not in kwargs:
        kwargs = {**kwargs, **family.option}
    x = inputs(batch=4, features=2)
    run_layer_test(
        family.fused, {"units": 3, **kwargs}, x, expected_output_shape=expected_shape
    )


@family_parameter
def test_jit_compiled_fit_with_masking_and_dropout(family):
    layer = family.fused(3, dropout=0.2, recurrent_dropout=0.2, seed=1)
    model = keras.Sequential(
        [
            keras.Input((5, 2)),
            keras.layers.Masking(0.0),
            # CoupledGRU inside Bidirectional; the others alone.
            keras.layers.Bidirectional(layer) if family.fused is CoupledGRU else layer,
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", jit_compile=True)
    x = inputs(batch=4, features=2)
    x[:, 3:] = 0.0
    history = model.fit(x, np.ones((4, 1)), epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


@family_parameter
def test_mixed_bfloat16_runs(family):
    with checks.dtype_policy("mixed_bfloat16"):
        model = keras.Sequential(
            [
                keras.Input((5, 2)),
                family.fused(3, return_sequences=True),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
        x = inputs(batch=4, features=2)
        y = model.layers[0](x)
        assert keras.backend.standardize_dtype(y.dtype) == "bfloat16"
        history = model.fit(x, np.zeros((4, 5, 1)), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"]).all()


@family_parameter
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, "units"),
        ({"units": -2}, "units"),
        ({"units": 3, "dropout": 1.0}, "dropout"),
        ({"units": 3, "recurrent_dropout": -0.1}, "recurrent_dropout"),
    ],
)
def test_bad_arguments_raise_value_error(family, kwargs, message):
    with pytest.raises(ValueError, match=message):
        family.fused(**kwargs)


@family_parameter
@pytest.mark.parametrize("shape", [(2, 4), (2, 3, 4, 5)])
def test_wrong_input_rank_raises_value_error(family, shape):
    with pytest.raises(ValueError, match="ndim"):
        family.fused(3)(np.zeros(shape, "float32"))
