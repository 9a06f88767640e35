"""How long cells remember: LSTM with forget bias 1 against a tanh SimpleRNN."""

import keras
import numpy as np
import pytest

from linear_recurrence import scaled_identity_cell
from zoo.diagnostics import input_memory

pytestmark = pytest.mark.backend

#: Standardized inputs: uniform with mean 0 and variance 1.
UNIT_VARIANCE = (-(3**0.5), 3**0.5)


def built(cell, features=8, seed=0):
    keras.utils.set_random_seed(seed)
    cell.build((None, features))
    return cell


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lstm_with_forget_bias_remembers_longer_than_a_tanh_rnn(seed):
    # Same size, same input sequences, standard Keras initialization
    # (glorot-uniform W, orthogonal U). Measured over 5 seeds on both backends,
    # 16 units: LSTM horizons 27-32 steps, SimpleRNN 16-19.
    lstm = built(keras.layers.LSTMCell(16, unit_forget_bias=True), seed=seed)
    rnn = built(keras.layers.SimpleRNNCell(16, activation="tanh"), seed=seed)
    lstm_memory = input_memory(lstm, steps=80, input_range=UNIT_VARIANCE, seed=seed)
    rnn_memory = input_memory(rnn, steps=80, input_range=UNIT_VARIANCE, seed=seed)
    assert lstm_memory["horizon"] >= rnn_memory["horizon"] + 6
    assert lstm_memory["decay_rate"] > rnn_memory["decay_rate"]


def test_the_forget_bias_is_what_makes_the_lstm_remember():
    # f = sigma(1 + ...) ~ 0.73 instead of sigma(0 + ...) ~ 0.5 at every step.
    with_bias = built(keras.layers.LSTMCell(16, unit_forget_bias=True))
    without = built(keras.layers.LSTMCell(16, unit_forget_bias=False))
    longer = input_memory(with_bias, steps=80, input_range=UNIT_VARIANCE)
    shorter = input_memory(without, steps=80, input_range=UNIT_VARIANCE)
    assert longer["horizon"] >= 1.5 * shorter["horizon"]


def test_own_inputs_set_steps_and_samples():
    sequences = np.zeros((2, 30, 3), "float32")
    memory = input_memory(scaled_identity_cell(0.8), inputs=sequences)
    assert memory["steps"] == 30 and memory["samples"] == 2
    assert memory["input_range"] is None
    np.testing.assert_allclose(memory["relative"], 0.8 ** np.arange(30), rtol=1e-4)
    with pytest.raises(ValueError, match="the cell takes 3"):
        input_memory(scaled_identity_cell(0.8), inputs=np.zeros((2, 30, 4)))


def test_an_input_that_never_reaches_the_state_has_no_memory_curve():
    cell = keras.layers.SimpleRNNCell(2)
    cell.build((None, 2))
    cell.set_weights([np.zeros((2, 2)), np.eye(2), np.zeros(2)])
    memory = input_memory(cell, steps=5)
    assert memory["jacobian_norm"] == [0.0] * 5
    assert memory["relative"] == [] and memory["horizon"] is None
    assert "does not reach" in memory["note"]


def test_bad_threshold_is_a_value_error():
    with pytest.raises(ValueError, match="`threshold` must be in"):
        input_memory(scaled_identity_cell(0.5), steps=5, threshold=1.0)
