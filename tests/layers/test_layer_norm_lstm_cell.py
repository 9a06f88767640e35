import keras
import numpy as np
import pytest
from autodiff import check_finite_differences
from autodiff import float64_context
from harness import run_layer_test

import numpy_cells
from zoo.layers import FusedRNN
from zoo.layers import LayerNormLSTMCell

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool)


@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_matches_numpy_reference(mask):
    layer = keras.layers.RNN(LayerNormLSTMCell(3), return_sequences=True, return_state=True)
    layer(X)
    rng = np.random.default_rng(2)
    weights = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    weights[3:6] = [1.0 + 0.1 * w for w in weights[3:6]]  # gains near 1
    layer.set_weights(weights)
    outputs, h, c = layer(X, mask=mask)
    want = numpy_cells.run_sequence(numpy_cells.layer_norm_lstm_step, weights, X, mask=mask)
    for got, expected in zip((outputs, h, c), want):
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-5)


def test_epsilon_is_used():
    weights = None
    results = []
    for epsilon in (1e-3, 0.5):
        layer = keras.layers.RNN(LayerNormLSTMCell(3, epsilon=epsilon))
        layer(X)
        if weights is None:
            weights = layer.get_weights()
        layer.set_weights(weights)
        step = lambda w, x, h, c: numpy_cells.layer_norm_lstm_step(w, x, h, c, epsilon)  # noqa: E731
        _, want, _ = numpy_cells.run_sequence(step, weights, X)
        np.testing.assert_allclose(np.asarray(layer(X)), want, rtol=1e-5, atol=1e-5)
        results.append(want)
    assert not np.allclose(results[0], results[1])


def test_finite_difference_gradients_float64():
    with float64_context():
        check_finite_differences(
            lambda: LayerNormLSTMCell(2, dtype="float64"),
            numpy_cells.layer_norm_lstm_step,
        )


def test_layer_contract_and_weights():
    layer = run_layer_test(
        FusedRNN,
        {"cell": LayerNormLSTMCell(3, epsilon=1e-4, recurrent_dropout=0.1, seed=1)},
        X,
        expected_output_shape=(3, 3),
    )
    names = [w.path.split("/")[-1] for w in layer.weights]
    assert names == ["kernel", "recurrent_kernel", "bias", "kernel_norm_gamma",
                     "recurrent_norm_gamma", "cell_norm_gamma", "cell_norm_beta"]
    assert layer.cell.get_config()["epsilon"] == 1e-4


def test_bad_epsilon():
    with pytest.raises(ValueError, match="epsilon"):
        LayerNormLSTMCell(3, epsilon=0.0)


def test_mixed_bfloat16():
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = keras.layers.RNN(LayerNormLSTMCell(3), return_sequences=True)
        out = layer(X, mask=MASK, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")
