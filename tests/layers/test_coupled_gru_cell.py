"""CoupledGRUCell against numpy, keras.layers.GRU and the cell contract."""

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings

import gru_cell_checks as checks
import numpy_gru_cells as ref
from harness import run_layer_test
from zoo.layers.coupled_gru_cell import CoupledGRUCell

RESET_AFTER = [False, True]


def rnn_with_random_weights(cell, features=4, seed=0, **rnn_kwargs):
    layer = keras.layers.RNN(
        cell, return_sequences=True, return_state=True, **rnn_kwargs
    )
    layer(np.zeros((1, 1, features), "float32"))
    checks.set_random_weights(layer, seed=seed)
    return layer


@pytest.mark.parametrize("reset_after", RESET_AFTER)
@pytest.mark.parametrize("weight_norm", [False, True])
def test_matches_numpy_over_several_steps(reset_after, weight_norm):
    cell = CoupledGRUCell(3, reset_after=reset_after, weight_norm=weight_norm)
    layer = rnn_with_random_weights(cell)
    xs = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")
    outputs, final = layer(xs)
    want_outputs, want_final = checks.reference_run(cell, xs)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(final, want_final, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_matches_numpy_with_mask(reset_after):
    cell = CoupledGRUCell(3, reset_after=reset_after)
    layer = rnn_with_random_weights(cell, seed=2)
    xs = np.random.default_rng(3).normal(size=(3, 5, 4)).astype("float32")
    mask = np.array(
        [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool
    )
    outputs, final = layer(xs, mask=mask)
    want_outputs, want_final = checks.reference_run(cell, xs, mask=mask)
    np.testing.assert_allclose(final, want_final, rtol=1e-5, atol=1e-5)
    outputs = keras.ops.convert_to_numpy(outputs)
    np.testing.assert_allclose(
        outputs[mask], want_outputs[mask], rtol=1e-5, atol=1e-5
    )


def test_single_step_call_and_initial_state():
    cell = CoupledGRUCell(3)
    cell.build((None, 4))
    checks.set_random_weights(cell, seed=4)
    rng = np.random.default_rng(5)
    x, h = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    output, states = cell(x.astype("float32"), [h.astype("float32")])
    want = ref.coupled_gru_step(
        x, h, checks.reference_weights(checks.numpy_weights(cell))
    )
    np.testing.assert_allclose(output, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(states[0], want, rtol=1e-5, atol=1e-6)
    zeros = cell.get_initial_state(batch_size=2)
    assert [tuple(s.shape) for s in zeros] == [(2, 3)]


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_equals_keras_gru_with_the_same_weights(reset_after):
    # Keras' GRU uses the same convention h = z * h_prev + (1 - z) * g and
    # the same block order z, r, g: its weights load unchanged.
    xs = np.random.default_rng(6).normal(size=(2, 5, 4)).astype("float32")
    keras_gru = keras.layers.GRU(
        3, reset_after=reset_after, return_sequences=True, return_state=True
    )
    keras_gru(xs)
    checks.set_random_weights(keras_gru, seed=7)
    ours = keras.layers.RNN(
        CoupledGRUCell(3, reset_after=reset_after),
        return_sequences=True,
        return_state=True,
    )
    ours(xs)
    ours.set_weights(keras_gru.get_weights())
    for got, want in zip(ours(xs), keras_gru(xs)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert [tuple(w.shape) for w in ours.weights] == [
        tuple(w.shape) for w in keras_gru.weights
    ]


def test_other_z_convention_maps_by_negating_the_z_block():
    # h = (1 - z') h + z' g with z' = sigma(a) is our cell with
    # z = 1 - z' = sigma(-a): negate the z-block of W, U and b.
    rng = np.random.default_rng(8)
    theirs = {
        "W": rng.normal(size=(4, 9)),
        "U": rng.normal(size=(3, 9)),
        "b": rng.normal(size=(9,)),
    }
    xs = rng.normal(size=(2, 5, 4)).astype("float32")
    want, _ = ref.run_sequence(
        lambda x, h: ref.chung_gru_step(x, h, theirs), xs, np.zeros((2, 3))
    )
    flip = np.concatenate([-np.ones(3), np.ones(6)])
    layer = keras.layers.RNN(CoupledGRUCell(3), return_sequences=True)
    layer(xs)
    layer.set_weights(
        [theirs["W"] * flip, theirs["U"] * flip, theirs["b"] * flip]
    )
    np.testing.assert_allclose(layer(xs), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_gradients_match_float64_finite_differences(reset_after):
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: CoupledGRUCell(units, reset_after=reset_after, **kw)
    )


def test_weight_norm_gradients_match_finite_differences():
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: CoupledGRUCell(units, weight_norm=True, **kw)
    )


_MASK_LAYER = {}


def _masking_layer():
    if keras.backend.backend() not in _MASK_LAYER:
        _MASK_LAYER[keras.backend.backend()] = rnn_with_random_weights(
            CoupledGRUCell(3), features=2, seed=9
        )
    return _MASK_LAYER[keras.backend.backend()]


@settings(max_examples=5, deadline=None)
@given(checks.padded_batches(features=2))
def test_padded_batch_equals_each_sequence_alone(sequences):
    checks.check_padding_equals_alone(_masking_layer(), sequences, features=2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reset_after": True, "dropout": 0.2, "recurrent_dropout": 0.2, "seed": 1},
        {"weight_norm": True, "use_bias": False, "activation": "relu"},
    ],
)
def test_config_and_keras_round_trips(kwargs):
    cell = CoupledGRUCell(3, **kwargs)
    restored = CoupledGRUCell.from_config(cell.get_config())
    assert restored.get_config() == cell.get_config()
    x = np.random.default_rng(0).normal(size=(4, 5, 2)).astype("float32")
    run_layer_test(
        checks.CellRNN,
        {"cell": cell, "return_sequences": True},
        x,
        expected_output_shape=(4, 5, 3),
    )


def test_mixed_bfloat16_runs():
    with checks.dtype_policy("mixed_bfloat16"):
        layer = keras.layers.RNN(CoupledGRUCell(3, reset_after=True))
        model = keras.Sequential([keras.Input((5, 2)), layer])
        model.compile(optimizer="adam", loss="mse")
        x = np.ones((4, 5, 2), "float32")
        y = model(x)
        assert keras.backend.standardize_dtype(y.dtype) == "bfloat16"
        model.fit(x, np.zeros((4, 3)), epochs=1, verbose=0)
        assert np.isfinite(keras.ops.convert_to_numpy(y).astype("float32")).all()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 0}, "units"),
        ({"units": -3}, "units"),
        ({"units": 2.5}, "units"),
        ({"units": 3, "dropout": 1.0}, "dropout"),
        ({"units": 3, "dropout": -0.1}, "dropout"),
        ({"units": 3, "recurrent_dropout": 1.5}, "recurrent_dropout"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CoupledGRUCell(**kwargs)


def test_wrong_input_rank_raises_value_error():
    with pytest.raises(ValueError, match="one time step"):
        keras.layers.RNN(CoupledGRUCell(3))(np.zeros((2, 4, 5, 2), "float32"))
    with pytest.raises(ValueError, match="one time step"):
        CoupledGRUCell(3).build((2, 4, 5))
