import keras
import numpy as np
import pytest

from harness import run_layer_test
import numpy_cells
from autodiff import check_finite_differences
from autodiff import float64_context
from numpy_weight_norm import weight_normalized_step
from zoo.layers import FusedRNN
from zoo.layers import PeepholeLSTMCell

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool)


def random_weights(layer, rng, scale=0.5):
    weights = [rng.normal(scale=scale, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def numpy_step(weight_norm):
    step = numpy_cells.peephole_lstm_step
    return weight_normalized_step(step) if weight_norm else step


@pytest.mark.parametrize("weight_norm", [False, True])
@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_matches_numpy_reference(mask, weight_norm):
    layer = keras.layers.RNN(
        PeepholeLSTMCell(3, weight_norm=weight_norm),
        return_sequences=True,
        return_state=True,
    )
    layer(X)
    weights = random_weights(layer, np.random.default_rng(2))
    outputs, h, c = layer(X, mask=mask)
    want_outputs, want_h, want_c = numpy_cells.run_sequence(
        numpy_step(weight_norm), weights, X, mask=mask
    )
    np.testing.assert_allclose(np.asarray(outputs), want_outputs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h), want_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(c), want_c, rtol=1e-5, atol=1e-6)


def test_zero_peepholes_equal_keras_lstm_cell():
    ours = keras.layers.RNN(PeepholeLSTMCell(3), return_sequences=True)
    keras_lstm = keras.layers.RNN(keras.layers.LSTMCell(3), return_sequences=True)
    ours(X)
    keras_lstm(X)
    weights = random_weights(keras_lstm, np.random.default_rng(3))
    ours.set_weights(weights + [np.zeros(3)] * 3)
    np.testing.assert_allclose(
        np.asarray(ours(X, mask=MASK)), np.asarray(keras_lstm(X, mask=MASK)),
        rtol=1e-5, atol=1e-6,
    )


@pytest.mark.parametrize("weight_norm", [False, True])
def test_finite_difference_gradients_float64(weight_norm):
    with float64_context():
        check_finite_differences(
            lambda: PeepholeLSTMCell(2, weight_norm=weight_norm, dtype="float64"),
            numpy_step(weight_norm),
        )


@pytest.mark.parametrize(
    "kwargs",
    [{"dropout": 0.1, "recurrent_dropout": 0.1, "seed": 1}, {"weight_norm": True}],
    ids=["dropout", "weight_norm"],
)
def test_layer_contract(kwargs):
    # FusedRNN(cell): keras.layers.RNN.from_config mutates its argument,
    # which the harness' config check does not allow for.
    layer = run_layer_test(
        FusedRNN,
        {"cell": PeepholeLSTMCell(3, **kwargs)},
        X,
        expected_output_shape=(3, 3),
    )
    weight_norm = kwargs.get("weight_norm", False)
    assert [w.path.split("/")[-1] for w in layer.weights] == [
        "kernel", "recurrent_kernel", "bias", "input_gate_peephole_weights",
        "forget_gate_peephole_weights", "output_gate_peephole_weights",
    ] + ["kernel_g", "recurrent_kernel_g"] * weight_norm


def test_weight_norm_config_round_trip():
    cell = PeepholeLSTMCell(3, weight_norm=True, peephole_initializer="zeros")
    config = cell.get_config()
    assert config["weight_norm"] is True
    restored = PeepholeLSTMCell.from_config(config)
    assert restored.weight_norm is True
    assert restored.get_config() == config
    assert PeepholeLSTMCell(3).get_config()["weight_norm"] is False


def test_unit_forget_bias():
    cell = PeepholeLSTMCell(3)
    cell.build((None, 4))
    np.testing.assert_array_equal(np.asarray(cell.bias), [0] * 3 + [1] * 3 + [0] * 6)
    cell = PeepholeLSTMCell(3, unit_forget_bias=False)
    cell.build((None, 4))
    np.testing.assert_array_equal(np.asarray(cell.bias), [0] * 12)


def test_mixed_bfloat16():
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = keras.layers.RNN(PeepholeLSTMCell(3), return_sequences=True)
        out = layer(X, mask=MASK, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
        assert layer.cell.kernel.dtype == "float32"
    finally:
        keras.config.set_dtype_policy("float32")


def test_keras_rnn_save_load(tmp_path):
    inputs = keras.Input((5, 4))
    outputs = keras.layers.RNN(PeepholeLSTMCell(3), return_sequences=True)(inputs)
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[-1].cell, PeepholeLSTMCell)
    np.testing.assert_allclose(np.asarray(loaded(X)), np.asarray(model(X)), rtol=1e-6)
