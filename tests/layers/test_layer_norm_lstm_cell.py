import keras
import numpy as np
import pytest
from autodiff import check_finite_differences
from autodiff import float64_context
from harness import run_layer_test
from numpy_weight_norm import weight_normalized_step

import numpy_cells
from zoo.layers import FusedRNN
from zoo.layers import LayerNormLSTM
from zoo.layers import LayerNormLSTMCell

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 1, 1, 0]], bool)


GAINS = ("kernel_norm_gamma", "recurrent_norm_gamma", "cell_norm_gamma")


def numpy_step(weight_norm):
    step = numpy_cells.layer_norm_lstm_step
    return weight_normalized_step(step) if weight_norm else step


@pytest.mark.parametrize("weight_norm", [False, True])
@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_matches_numpy_reference(mask, weight_norm):
    layer = keras.layers.RNN(
        LayerNormLSTMCell(3, weight_norm=weight_norm),
        return_sequences=True,
        return_state=True,
    )
    layer(X)
    rng = np.random.default_rng(2)
    weights = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    weights[3:6] = [1.0 + 0.1 * w for w in weights[3:6]]  # gains near 1
    layer.set_weights(weights)
    outputs, h, c = layer(X, mask=mask)
    want = numpy_cells.run_sequence(numpy_step(weight_norm), weights, X, mask=mask)
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


@pytest.mark.parametrize("weight_norm", [False, True])
def test_finite_difference_gradients_float64(weight_norm):
    with float64_context():
        check_finite_differences(
            lambda: LayerNormLSTMCell(2, weight_norm=weight_norm, dtype="float64"),
            numpy_step(weight_norm),
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"epsilon": 1e-4, "recurrent_dropout": 0.1, "seed": 1},
        {"weight_norm": True, "gamma_regularizer": "l2",
         "gamma_constraint": "non_neg", "beta_regularizer": "l1",
         "beta_constraint": "max_norm"},
    ],
    ids=["dropout", "weight_norm_regularized"],
)
def test_layer_contract_and_weights(kwargs):
    layer = run_layer_test(
        FusedRNN,
        {"cell": LayerNormLSTMCell(3, **kwargs)},
        X,
        expected_output_shape=(3, 3),
    )
    names = [w.path.split("/")[-1] for w in layer.weights]
    weight_norm = kwargs.get("weight_norm", False)
    assert names == ["kernel", "recurrent_kernel", "bias", "kernel_norm_gamma",
                     "recurrent_norm_gamma", "cell_norm_gamma", "cell_norm_beta"
                     ] + ["kernel_g", "recurrent_kernel_g"] * weight_norm
    config = layer.cell.get_config()
    assert config["epsilon"] == kwargs.get("epsilon", 1e-3)
    assert config["weight_norm"] is weight_norm


def test_config_round_trips_regularizers_constraints_and_weight_norm():
    kwargs = {
        "gamma_regularizer": keras.regularizers.L2(0.25),
        "beta_regularizer": keras.regularizers.L1(0.5),
        "gamma_constraint": keras.constraints.NonNeg(),
        "beta_constraint": keras.constraints.MaxNorm(2.0, axis=0),
        "weight_norm": True,
    }
    for cls in (LayerNormLSTMCell, LayerNormLSTM):
        config = cls(3, **kwargs).get_config()
        assert config["weight_norm"] is True
        assert config["gamma_regularizer"]["config"]["l2"] == 0.25
        assert config["beta_regularizer"]["config"]["l1"] == 0.5
        assert config["gamma_constraint"]["class_name"] == "NonNeg"
        assert config["beta_constraint"]["config"]["max_value"] == 2.0
        restored = cls.from_config(config)
        assert restored.get_config() == config
    defaults = LayerNormLSTMCell(3).get_config()
    for name in ("gamma_regularizer", "beta_regularizer", "gamma_constraint",
                 "beta_constraint"):
        assert defaults[name] is None
    assert defaults["weight_norm"] is False


def test_gamma_and_beta_regularizers_add_their_losses():
    # L2(0.25) on the three gains and L1(0.5) on b_c, written out by hand.
    layer = LayerNormLSTM(
        3,
        gamma_regularizer=keras.regularizers.L2(0.25),
        beta_regularizer=keras.regularizers.L1(0.5),
    )
    layer(X)
    rng = np.random.default_rng(7)
    values = {}
    for variable in layer.cell.weights:
        values[variable.name] = rng.normal(size=variable.shape).astype("float32")
        variable.assign(values[variable.name])
    want = 0.25 * sum((values[name] ** 2).sum() for name in GAINS)
    want += 0.5 * np.abs(values["cell_norm_beta"]).sum()
    losses = [float(keras.ops.convert_to_numpy(loss)) for loss in layer.losses]
    assert len(losses) == 4  # one per regularized weight, nothing else
    np.testing.assert_allclose(sum(losses), want, rtol=1e-5)
    unregularized = LayerNormLSTM(3)
    unregularized(X)
    assert unregularized.losses == []


def test_gamma_and_beta_constraints_apply_after_a_training_step():
    layer = LayerNormLSTM(
        3,
        gamma_constraint=keras.constraints.NonNeg(),
        beta_constraint=keras.constraints.MaxNorm(0.1, axis=0),
    )
    model = keras.Sequential([keras.Input((5, 4)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    cell = layer.cell
    # Half of every gain starts at -1: one small step leaves it negative,
    # so only the constraint can bring it to 0. ||b_c|| starts at sqrt(3).
    negative = np.array([True, False] * 6)
    for name in GAINS:
        variable = getattr(cell, name)
        start = np.where(negative[: variable.shape[0]], -1.0, 1.0)
        variable.assign(start.astype("float32"))
    cell.cell_norm_beta.assign(np.ones(3, "float32"))
    targets = np.random.default_rng(0).normal(size=(3, 3)).astype("float32")
    model.fit(X, targets, batch_size=3, epochs=1, verbose=0)
    for name in GAINS:
        gain = keras.ops.convert_to_numpy(getattr(cell, name))
        starts_negative = negative[: gain.shape[0]]
        np.testing.assert_array_equal(gain[starts_negative], 0.0)
        assert np.all(gain[~starts_negative] > 0.5), name
    beta = keras.ops.convert_to_numpy(cell.cell_norm_beta)
    assert np.linalg.norm(beta) <= 0.1 + 1e-6
    assert np.linalg.norm(beta) > 0.09


@pytest.mark.parametrize("epsilon", [0.0, -1e-3, float("nan"), "1e-3", True, None])
def test_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match="`epsilon` must be a positive number"):
        LayerNormLSTMCell(3, epsilon=epsilon)


def test_mixed_bfloat16():
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = keras.layers.RNN(LayerNormLSTMCell(3), return_sequences=True)
        out = layer(X, mask=MASK, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")
