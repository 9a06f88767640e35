"""Saturated fractions and verdicts on cells whose activations are known by hand."""

import keras
import numpy as np
import pytest

from zoo.diagnostics import run_cell
from zoo.diagnostics import stability_test

pytestmark = pytest.mark.backend


def bias_only_simple_rnn(bias):
    """h_t = tanh(b) whatever the input and the state: zero W and U."""
    units = len(bias)
    cell = keras.layers.SimpleRNNCell(units)
    cell.build((None, 2))
    cell.set_weights([np.zeros((2, units)), np.zeros((units, units)), np.asarray(bias)])
    return cell


def test_tanh_saturation_counts_units_beyond_0_99():
    # tanh(10) = 1.0, tanh(0.1) = 0.0997, tanh(-10) = -1.0, tanh(3) = 0.99505 > 0.99.
    result = stability_test(bias_only_simple_rnn([10.0, 0.1, -10.0, 3.0]), steps=50, samples=2)
    for drive in ("random", "constant", "zero"):
        np.testing.assert_allclose(result["drives"][drive]["saturation"]["h"], 0.75)
        assert result["drives"][drive]["late_saturation"]["h"] == pytest.approx(0.75)
    # tanh(2.6) = 0.9890 < 0.99: not saturated.
    result = stability_test(bias_only_simple_rnn([2.6, -2.6]), steps=50, samples=2)
    np.testing.assert_allclose(result["drives"]["random"]["saturation"]["h"], 0.0)


def test_lstm_gate_saturation_by_gate():
    # Zero kernels: every gate is sigma or tanh of its bias, at every step.
    # i = sigma([10, 0]) = [1.0, 0.5]        -> 1/2 saturated
    # f = sigma([-10, 5]) = [4.5e-5, 0.9933] -> 2/2 (below 0.01, above 0.99)
    # candidate = tanh([0, 0]) = 0           -> 0
    # o = sigma([0, 0]) = 0.5                -> 0
    # output = tanh(c), c = f c + i * 0 -> 0 -> 0
    cell = keras.layers.LSTMCell(2, unit_forget_bias=False)
    cell.build((None, 3))
    bias = np.array([10, 0, -10, 5, 0, 0, 0, 0], "float32")
    cell.set_weights([np.zeros((3, 8)), np.zeros((2, 8)), bias])
    rng = np.random.default_rng(0)
    trajectory = run_cell(
        cell, rng.uniform(-1, 1, (3, 40, 3)), [rng.uniform(-0.5, 0.5, (3, 2))] * 2
    )
    assert trajectory.saturation_kinds == {
        "i": "sigmoid", "f": "sigmoid", "candidate": "tanh", "o": "sigmoid", "output": "tanh"
    }
    expected = {"i": 0.5, "f": 1.0, "candidate": 0.0, "o": 0.0, "output": 0.0}
    for name, fraction in expected.items():
        np.testing.assert_allclose(trajectory.saturation[name], fraction, err_msg=name)
    # The states are the LSTM's own: h = o * tanh(c), with c_t = f * c_{t-1}.
    h, c = trajectory.states[..., :2], trajectory.states[..., 2:]
    np.testing.assert_allclose(h, 0.5 * np.tanh(c), atol=1e-6)
    np.testing.assert_allclose(
        c[:, 1:], c[:, :-1] * [4.539787e-05, 0.9933072], rtol=1e-5, atol=1e-30
    )


def test_an_input_that_cannot_reach_the_state_is_a_fixed_point():
    result = stability_test(bias_only_simple_rnn([10.0, 0.1, -10.0, 3.0]), steps=50)
    assert result["drives"]["random"]["verdict"] == "fixed_point"
    assert result["drives"]["constant"]["verdict"] == "fixed_point"
    assert result["drives"]["random"]["input_influence"] == 0.0
    assert result["verdict"] == "fixed_point"
    # Both starts land on tanh(b) after one step.
    assert result["free_run"] == {
        **result["free_run"], "verdict": "dies", "merge_step": 1
    }


def test_a_state_that_collapses_to_zero_dies():
    result = stability_test(bias_only_simple_rnn([0.0, 0.0, 0.0]), steps=50)
    assert result["drives"]["random"]["verdict"] == "dies"
    assert result["verdict"] == "dies"


def test_activations_that_do_not_saturate_are_not_counted():
    cell = keras.layers.SimpleRNNCell(2, activation="relu")
    cell.build((None, 2))
    result = stability_test(cell, steps=20, samples=2)
    assert result["drives"]["random"]["saturation"] == {}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps": 1}, "`steps` must be an integer >= 2"),
        ({"samples": 0}, "`samples` must be an integer >= 1"),
        ({"input_range": (1.0, -1.0)}, "low < high"),
        ({"input_range": 3}, "pair of numbers"),
    ],
)
def test_bad_arguments_are_clear_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        stability_test(bias_only_simple_rnn([0.0]), **kwargs)


def test_an_unbuilt_cell_needs_input_dim():
    with pytest.raises(ValueError, match="pass `input_dim`"):
        stability_test(keras.layers.GRUCell(2), steps=10)
    cell = keras.layers.GRUCell(2)
    cell.build((None, 4))
    assert stability_test(cell, steps=10, samples=1)["steps"] == 10
