"""LayerNormSimpleRNNCell against numpy and the cell contract."""

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings

import gru_cell_checks as checks
import numpy_gru_cells as ref
from harness import run_layer_test
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell


def rnn_with_random_weights(cell, features=4, seed=0, **rnn_kwargs):
    layer = keras.layers.RNN(
        cell, return_sequences=True, return_state=True, **rnn_kwargs
    )
    layer(np.zeros((1, 1, features), "float32"))
    checks.set_random_weights(layer, seed=seed)
    return layer


@pytest.mark.parametrize("weight_norm", [False, True])
def test_matches_numpy_over_several_steps(weight_norm):
    cell = LayerNormSimpleRNNCell(3, weight_norm=weight_norm, epsilon=1e-2)
    layer = rnn_with_random_weights(cell)
    xs = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")
    outputs, final = layer(xs)
    want_outputs, want_final = checks.reference_run(cell, xs)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(final, want_final, rtol=1e-4, atol=1e-5)


def test_matches_numpy_with_mask():
    cell = LayerNormSimpleRNNCell(3)
    layer = rnn_with_random_weights(cell, seed=2)
    xs = np.random.default_rng(3).normal(size=(3, 5, 4)).astype("float32")
    mask = np.array(
        [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool
    )
    outputs, final = layer(xs, mask=mask)
    want_outputs, want_final = checks.reference_run(cell, xs, mask=mask)
    np.testing.assert_allclose(final, want_final, rtol=1e-4, atol=1e-5)
    outputs = keras.ops.convert_to_numpy(outputs)
    np.testing.assert_allclose(
        outputs[mask], want_outputs[mask], rtol=1e-4, atol=1e-5
    )


def test_single_step_call_with_relu():
    cell = LayerNormSimpleRNNCell(3, activation="relu")
    cell.build((None, 4))
    checks.set_random_weights(cell, seed=4)
    rng = np.random.default_rng(5)
    x, h = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    output, _ = cell(x.astype("float32"), [h.astype("float32")])
    w = checks.reference_weights(checks.numpy_weights(cell))
    pre = (
        ref.layer_norm(x @ w["W"], w["gamma_x"], 1e-3)
        + ref.layer_norm(h @ w["U"], w["gamma_h"], 1e-3)
        + w["b"]
    )
    np.testing.assert_allclose(output, np.maximum(pre, 0), rtol=1e-4, atol=1e-5)


def test_weights_and_no_recurrent_activation():
    cell = LayerNormSimpleRNNCell(3)
    cell.build((None, 4))
    shapes = {v.name: tuple(v.shape) for v in cell.weights}
    assert shapes == {
        "kernel": (4, 3),
        "recurrent_kernel": (3, 3),
        "bias": (3,),
        "kernel_norm_gamma": (3,),
        "recurrent_norm_gamma": (3,),
    }
    assert "recurrent_activation" not in cell.get_config()
    with pytest.raises(ValueError, match="recurrent_activation"):
        LayerNormSimpleRNNCell(3, recurrent_activation="sigmoid")


def test_gradients_match_float64_finite_differences():
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: LayerNormSimpleRNNCell(units, epsilon=1e-2, **kw)
    )


def test_weight_norm_gradients_match_finite_differences():
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: LayerNormSimpleRNNCell(
            units, epsilon=1e-2, weight_norm=True, **kw
        )
    )


_MASK_LAYER = {}


def _masking_layer():
    if keras.backend.backend() not in _MASK_LAYER:
        _MASK_LAYER[keras.backend.backend()] = rnn_with_random_weights(
            LayerNormSimpleRNNCell(3), features=2, seed=9
        )
    return _MASK_LAYER[keras.backend.backend()]


@settings(max_examples=5, deadline=None)
@given(checks.padded_batches(features=2))
def test_padded_batch_equals_each_sequence_alone(sequences):
    checks.check_padding_equals_alone(_masking_layer(), sequences, features=2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "epsilon": 1e-5,
            "activation": "relu",
            "dropout": 0.2,
            "recurrent_dropout": 0.2,
            "seed": 1,
        },
        {"weight_norm": True, "gamma_initializer": "zeros"},
    ],
)
def test_config_and_keras_round_trips(kwargs):
    cell = LayerNormSimpleRNNCell(3, **kwargs)
    restored = LayerNormSimpleRNNCell.from_config(cell.get_config())
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
        layer = keras.layers.RNN(LayerNormSimpleRNNCell(3, weight_norm=True))
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
        ({"units": None}, "units"),
        ({"units": 3, "dropout": 1.0}, "dropout"),
        ({"units": 3, "recurrent_dropout": 2}, "recurrent_dropout"),
        ({"units": 3, "epsilon": -1e-3}, "epsilon"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LayerNormSimpleRNNCell(**kwargs)


def test_wrong_input_rank_raises_value_error():
    with pytest.raises(ValueError, match="one time step"):
        keras.layers.RNN(LayerNormSimpleRNNCell(3))(
            np.zeros((2, 4, 5, 2), "float32")
        )
