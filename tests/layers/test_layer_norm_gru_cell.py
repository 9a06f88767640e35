"""LayerNormGRUCell against numpy and the cell contract."""

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings

import gru_cell_checks as checks
import numpy_gru_cells as ref
from harness import run_layer_test
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell

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
    cell = LayerNormGRUCell(
        3, reset_after=reset_after, weight_norm=weight_norm, epsilon=1e-2
    )
    layer = rnn_with_random_weights(cell)
    xs = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")
    outputs, final = layer(xs)
    want_outputs, want_final = checks.reference_run(cell, xs)
    np.testing.assert_allclose(outputs, want_outputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(final, want_final, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_matches_numpy_with_mask(reset_after):
    cell = LayerNormGRUCell(3, reset_after=reset_after)
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


def test_single_step_call():
    cell = LayerNormGRUCell(3)
    cell.build((None, 4))
    checks.set_random_weights(cell, seed=4)
    rng = np.random.default_rng(5)
    x, h = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    output, states = cell(x.astype("float32"), [h.astype("float32")])
    want = ref.layer_norm_gru_step(
        x, h, checks.reference_weights(checks.numpy_weights(cell)), 1e-3
    )
    np.testing.assert_allclose(output, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(states[0], want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_invariant_to_rescaling_the_kernels(reset_after):
    # LN makes the cell blind to the scale of W and U (epsilon aside).
    cell = LayerNormGRUCell(8, reset_after=reset_after, epsilon=1e-8)
    layer = rnn_with_random_weights(cell, seed=6)
    xs = np.random.default_rng(7).normal(size=(2, 4, 4)).astype("float32")
    before = keras.ops.convert_to_numpy(layer(xs)[0])
    cell.kernel.assign(cell.kernel * 3.0)
    cell.recurrent_kernel.assign(cell.recurrent_kernel * 0.5)
    np.testing.assert_allclose(layer(xs)[0], before, rtol=1e-4, atol=1e-5)


def test_weights_and_bias_only_once():
    cell = LayerNormGRUCell(3)
    cell.build((None, 4))
    shapes = {v.name: tuple(v.shape) for v in cell.weights}
    assert shapes == {
        "kernel": (4, 9),
        "recurrent_kernel": (3, 9),
        "bias": (9,),
        "kernel_norm_gamma": (9,),
        "recurrent_norm_gamma": (9,),
    }
    no_bias = LayerNormGRUCell(3, use_bias=False)
    no_bias.build((None, 4))
    assert "bias" not in {v.name for v in no_bias.weights}


@pytest.mark.parametrize("reset_after", RESET_AFTER)
def test_gradients_match_float64_finite_differences(reset_after):
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: LayerNormGRUCell(
            units, reset_after=reset_after, epsilon=1e-2, **kw
        )
    )


_MASK_LAYER = {}


def _masking_layer():
    if keras.backend.backend() not in _MASK_LAYER:
        _MASK_LAYER[keras.backend.backend()] = rnn_with_random_weights(
            LayerNormGRUCell(3), features=2, seed=9
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
            "reset_after": True,
            "epsilon": 1e-5,
            "dropout": 0.2,
            "recurrent_dropout": 0.2,
            "seed": 1,
            "gamma_regularizer": "l2",
            "gamma_constraint": "non_neg",
        },
        {"weight_norm": True, "use_bias": False},
    ],
)
def test_config_and_keras_round_trips(kwargs):
    cell = LayerNormGRUCell(3, **kwargs)
    restored = LayerNormGRUCell.from_config(cell.get_config())
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
        layer = keras.layers.RNN(LayerNormGRUCell(3))
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
        ({"units": -1}, "units"),
        ({"units": 3, "dropout": 1.0}, "dropout"),
        ({"units": 3, "recurrent_dropout": -0.5}, "recurrent_dropout"),
        ({"units": 3, "epsilon": 0.0}, "epsilon"),
        ({"units": 3, "epsilon": "small"}, "epsilon"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        LayerNormGRUCell(**kwargs)


def test_wrong_input_rank_raises_value_error():
    with pytest.raises(ValueError, match="one time step"):
        keras.layers.RNN(LayerNormGRUCell(3))(np.zeros((2, 4, 5, 2), "float32"))
