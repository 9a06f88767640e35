"""||dLoss/dh_t||: closed forms, faithfulness to the model, masks, comparisons."""

import keras
import numpy as np
import pytest
from keras import ops

from linear_recurrence import linear_layer
from linear_recurrence import stable_random_matrix
from zoo.diagnostics import compare_gradient_flow
from zoo.diagnostics import gradient_flow
from zoo.layers import PeepholeLSTM

pytestmark = pytest.mark.backend


def weighted_sum(y_true, y_pred):
    """loss = sum(y_true * y_pred): dLoss/dy_pred = y_true."""
    return ops.sum(y_true * y_pred)


def test_gradient_of_a_last_step_loss_follows_the_transposed_recurrence():
    # h_t = h_{t-1} U + x_t W and loss = sum(v * h_{T-1}):
    # dL/dh_{T-1} = v and dL/dh_t = dL/dh_{t+1} U^T.
    recurrent = stable_random_matrix(3, radius=0.9, seed=0).astype("float32")
    kernel = np.random.default_rng(1).normal(size=(2, 3)).astype("float32")
    rnn = linear_layer(recurrent, kernel)
    x = np.random.default_rng(2).normal(size=(4, 12, 2)).astype("float32")
    v = np.random.default_rng(3).normal(size=(4, 3)).astype("float32")
    flow = gradient_flow(rnn, x, v, weighted_sum)
    expected, g = [], v.astype(np.float64)
    for _ in range(12):
        expected.append(np.linalg.norm(g) / np.sqrt(4))  # per sequence: RMS over 4
        g = g @ recurrent.T.astype(np.float64)
    (entry,) = flow["layers"]
    np.testing.assert_allclose(entry["gradient_norm"]["h"], expected[::-1], rtol=1e-5)
    assert entry["first_over_last"] == pytest.approx(expected[-1] / expected[0], rel=1e-5)
    h = x.astype(np.float64) @ kernel.astype(np.float64)[None]  # the loss value
    state = np.zeros((4, 3))
    for t in range(12):
        state = state @ recurrent + h[:, t]
    assert flow["loss"] == pytest.approx(np.sum(v * state), rel=1e-4)


def test_vanishing_and_exploding_through_time_with_lambda():
    x = np.ones((2, 20, 3), "float32")
    y = np.ones((2, 3), "float32")
    for scale in (0.5, 1.5):
        rnn = linear_layer(scale * np.eye(3), np.eye(3))
        norms = gradient_flow(rnn, x, y, weighted_sum)["layers"][0]["gradient_norm"]["h"]
        np.testing.assert_allclose(
            np.array(norms) / norms[-1], scale ** np.arange(19, -1, -1), rtol=1e-5
        )


def test_the_measured_loss_is_the_models_own_loss():
    # The perturbed loop must compute exactly what the model computes: a
    # Bidirectional GRU over a masked batch, then a zoo fused LSTM run backwards.
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((7, 3)),
            keras.layers.Masking(),
            keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True)),
            PeepholeLSTM(2, go_backwards=True),
        ]
    )
    x = np.random.default_rng(0).normal(size=(3, 7, 3)).astype("float32")
    x[0, 4:] = 0.0  # masked by Masking
    y = np.random.default_rng(1).normal(size=(3, 2)).astype("float32")
    flow = gradient_flow(model, x, y, "mse")
    reference = keras.losses.mean_squared_error(y, model(x))
    assert flow["loss"] == pytest.approx(float(np.mean(reference)), rel=1e-5)
    assert [(e["cell"], e["direction"]) for e in flow["layers"]] == [
        ("GRUCell", "forward"), ("GRUCell", "backward"), ("PeepholeLSTMCell", "backward"),
    ]
    assert set(flow["layers"][2]["gradient_norm"]) == {"h", "c"}
    # Per processing step, the fraction of sequences the step updates.
    forward_gru, backward_gru = flow["layers"][:2]
    assert forward_gru["unmasked_fraction"] == pytest.approx([1.0] * 4 + [2 / 3] * 3)
    assert backward_gru["unmasked_fraction"] == pytest.approx([2 / 3] * 3 + [1.0] * 4)
    assert all(norm > 0 for norm in forward_gru["gradient_norm"]["h"])


def test_a_fully_masked_step_has_zero_gradient_and_is_left_out_of_first_over_last():
    rnn = linear_layer(0.5 * np.eye(2), np.eye(2), return_sequences=True)
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.Masking(), rnn])
    x = np.ones((2, 5, 2), "float32")
    x[:, 3:] = 0.0  # steps 3 and 4 masked in every sequence
    flow = gradient_flow(model, x, np.ones((2, 5, 2), "float32"), weighted_sum)
    (entry,) = flow["layers"]
    norms = entry["gradient_norm"]["h"]
    assert norms[3] == norms[4] == 0.0
    # Loss on every output; masked steps repeat the last output (Keras), so
    # dL/dh_2 = 1 + 2 = 3, dL/dh_1 = 1 + 0.5 * 3, dL/dh_0 = 1 + 0.5 * 2.5.
    np.testing.assert_allclose(np.array(norms[:3]) / norms[2], [0.75, 2.5 / 3, 1.0], rtol=1e-6)
    assert entry["first_over_last"] == pytest.approx(0.75)


def test_norms_are_per_sequence_over_the_sequences_a_step_updates():
    rnn = linear_layer(0.5 * np.eye(2), np.eye(2), return_sequences=True)
    model = keras.Sequential([keras.Input((5, 2)), keras.layers.Masking(), rnn])
    x = np.ones((2, 5, 2), "float32")
    x[0, 3:] = 0.0  # sequence 0 has 3 steps, sequence 1 has 5
    flow = gradient_flow(model, x, np.ones((2, 5, 2), "float32"), weighted_sum)
    (entry,) = flow["layers"]
    assert entry["unmasked_fraction"] == pytest.approx([1, 1, 1, 0.5, 0.5])
    # Per unit: sequence 0 as above (2.25, 2.5, 3), sequence 1 the geometric
    # sums 1.9375, 1.875, 1.75, 1.5, 1; each over 2 units (x sqrt 2).
    short = np.array([2.25, 2.5, 3.0])
    full = np.array([1.9375, 1.875, 1.75, 1.5, 1.0])
    expected = np.sqrt(2) * np.concatenate(
        [np.sqrt((short**2 + full[:3] ** 2) / 2), full[3:]]
    )
    np.testing.assert_allclose(entry["gradient_norm"]["h"], expected, rtol=1e-5)


def test_a_cell_is_run_over_the_batch_and_its_output_sequence_is_y_pred():
    cell = keras.layers.SimpleRNNCell(2, activation="linear", use_bias=False)
    cell.build((None, 2))
    cell.set_weights([np.eye(2), 0.5 * np.eye(2)])
    x = np.ones((1, 4, 2), "float32")
    flow = gradient_flow(cell, x, np.ones((1, 4, 2), "float32"), weighted_sum)
    norms = np.array(flow["layers"][0]["gradient_norm"]["h"])
    # dL/dh_t = sum_{s >= t} 0.5^(s - t) (ones): 1.875, 1.75, 1.5, 1.
    np.testing.assert_allclose(norms / norms[-1], [1.875, 1.75, 1.5, 1.0], rtol=1e-6)


def test_a_compiled_model_uses_its_own_loss():
    model = keras.Sequential(
        [keras.Input((4, 2)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)]
    )
    x = np.random.default_rng(0).normal(size=(5, 4, 2)).astype("float32")
    y = np.zeros((5, 1), "float32")
    with pytest.raises(ValueError, match="needs a loss"):
        gradient_flow(model, x, y)
    model.compile(loss="mse")
    flow = gradient_flow(model, x, y)
    assert flow["loss"] == pytest.approx(float(np.mean(np.square(model(x)))), rel=1e-5)


def test_a_model_without_rnn_layers_is_a_value_error():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no RNN layers"):
        gradient_flow(model, np.zeros((1, 3)), np.zeros((1, 2)), "mse")


def flow_of(*curves):
    return {
        "loss": 1.0,
        "layers": [
            {"path": f"rnn{k}", "direction": "forward", "cell": "GRUCell",
             "gradient_norm": {"h": list(curve)}, "first_over_last": curve[0] / curve[-1]}
            for k, curve in enumerate(curves)
        ],
    }


def test_compare_gradient_flow_before_and_after():
    before = flow_of([1e-4, 1e-2, 1.0], [1.0, 1.0])
    after = flow_of([1e-2, 1e-1, 1.0], [10.0, 0.1])
    change = compare_gradient_flow(before, after)
    first, second = change["layers"]
    assert first["mean_log10_change"] == pytest.approx((2 + 1 + 0) / 3)
    assert first["first_over_last_before"] == pytest.approx(1e-4)
    assert first["first_over_last_after"] == pytest.approx(1e-2)
    assert second["mean_log10_change"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="the models differ"):
        compare_gradient_flow(before, flow_of([1.0]))
