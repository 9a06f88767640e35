import functools

import keras
import numpy as np
import pytest
from autodiff import check_finite_differences
from autodiff import float64_context
from harness import run_layer_test
from numpy_weight_norm import weight_normalized_step

import numpy_cells
from zoo.layers import CIFGLSTMCell
from zoo.layers import FusedRNN

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool)


def run_cell(cell, mask=None, seed=2):
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    layer(X)
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights, layer(X, mask=mask)


def numpy_step(peepholes, weight_norm=False):
    step = functools.partial(numpy_cells.cifg_lstm_step, use_peepholes=peepholes)
    return weight_normalized_step(step) if weight_norm else step


@pytest.mark.parametrize("weight_norm", [False, True])
@pytest.mark.parametrize("peepholes", [False, True])
@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_matches_numpy_reference(peepholes, mask, weight_norm):
    cell = CIFGLSTMCell(3, use_peepholes=peepholes, weight_norm=weight_norm)
    weights, (outputs, h, c) = run_cell(cell, mask)
    want = numpy_cells.run_sequence(
        numpy_step(peepholes, weight_norm), weights, X, mask=mask
    )
    for got, expected in zip((outputs, h, c), want):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-6)


def test_forced_forget_gate_follows_equation():
    # W_f = U_f = 0 and b_f = logit(0.3): f = 0.3 everywhere, so i = 0.7 and
    # c = 0.3 c_prev + 0.7 tanh(W_c x + U_c h + b_c), written out by hand.
    layer = keras.layers.RNN(CIFGLSTMCell(3), return_state=True)
    layer(X)
    rng = np.random.default_rng(5)
    W, U, b = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    W[:, :3] = 0.0
    U[:, :3] = 0.0
    b[:3] = np.log(0.3 / 0.7)
    layer.set_weights([W, U, b])
    _, h_got, c_got = layer(X)
    h = c = np.zeros((3, 3))
    for t in range(X.shape[1]):
        x = X[:, t].astype(np.float64)
        c = 0.3 * c + 0.7 * np.tanh(x @ W[:, 3:6] + h @ U[:, 3:6] + b[3:6])
        o = 1 / (1 + np.exp(-(x @ W[:, 6:] + h @ U[:, 6:] + b[6:])))
        h = o * np.tanh(c)
    np.testing.assert_allclose(np.asarray(c_got), c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h_got), h, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "peepholes,weight_norm", [(False, False), (True, False), (True, True)]
)
def test_finite_difference_gradients_float64(peepholes, weight_norm):
    with float64_context():
        check_finite_differences(
            lambda: CIFGLSTMCell(
                2, use_peepholes=peepholes, weight_norm=weight_norm, dtype="float64"
            ),
            numpy_step(peepholes, weight_norm),
        )


def test_layer_contract_and_weights():
    layer = run_layer_test(
        FusedRNN,
        {"cell": CIFGLSTMCell(3, use_peepholes=True, dropout=0.1, seed=1)},
        X,
        expected_output_shape=(3, 3),
    )
    names = [w.path.split("/")[-1] for w in layer.weights]
    assert names == ["kernel", "recurrent_kernel", "bias",
                     "forget_gate_peephole_weights", "output_gate_peephole_weights"]
    assert tuple(layer.cell.kernel.shape) == (4, 9)
    np.testing.assert_array_equal(
        np.asarray(CIFGLSTMCell(3, use_peepholes=True).get_config()["use_peepholes"]), True
    )


def test_weight_norm_layer_contract_and_config():
    layer = run_layer_test(
        FusedRNN,
        {"cell": CIFGLSTMCell(3, weight_norm=True)},
        X,
        expected_output_shape=(3, 3),
    )
    names = [w.path.split("/")[-1] for w in layer.weights]
    assert names == ["kernel", "recurrent_kernel", "bias", "kernel_g",
                     "recurrent_kernel_g"]
    assert tuple(layer.cell.kernel_g.shape) == (9,)
    config = layer.cell.get_config()
    assert config["weight_norm"] is True
    assert CIFGLSTMCell.from_config(config).get_config() == config


def test_unit_forget_bias_on_first_block():
    cell = CIFGLSTMCell(2)
    cell.build((None, 4))
    np.testing.assert_array_equal(np.asarray(cell.bias), [1, 1, 0, 0, 0, 0])


def test_mixed_bfloat16():
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = keras.layers.RNN(CIFGLSTMCell(3, use_peepholes=True), return_sequences=True)
        out = layer(X, mask=MASK, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")
