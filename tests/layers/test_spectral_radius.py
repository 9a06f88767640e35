"""SpectralRadiusRegularizer / SpectralRadiusConstraint against numpy SVD."""

import keras
import numpy as np
import pytest

from zoo.layers.spectral_radius import SpectralRadiusConstraint
from zoo.layers.spectral_radius import SpectralRadiusRegularizer


def top_singular_value(w):
    return np.linalg.svd(w, compute_uv=False)[0]


def gate_blocks(w):
    units = w.shape[0]
    return [w[:, i : i + units] for i in range(0, w.shape[1], units)]


def random_kernel(shape, scale, seed=0):
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype(
        "float32"
    )


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("shape", [(4, 4), (3, 9), (5, 3)])
def test_constraint_bounds_top_singular_value(shape):
    w = random_kernel(shape, scale=2.0)
    assert top_singular_value(w) > 1.5
    out = to_numpy(SpectralRadiusConstraint(max_value=1.5)(w))
    assert top_singular_value(out) <= 1.5 * (1 + 1e-5)
    np.testing.assert_allclose(top_singular_value(out), 1.5, rtol=1e-5)
    # Only rescaled: same direction.
    np.testing.assert_allclose(
        out, w * 1.5 / top_singular_value(w), rtol=1e-5, atol=1e-6
    )


def test_constraint_per_gate_bounds_each_block():
    w = random_kernel((3, 12), scale=1.0, seed=1)
    w[:, 3:6] *= 0.05  # one block already small
    out = to_numpy(SpectralRadiusConstraint(0.8, per_gate=True)(w))
    for before, after in zip(gate_blocks(w), gate_blocks(out)):
        bound = min(top_singular_value(before), 0.8)
        np.testing.assert_allclose(top_singular_value(after), bound, rtol=1e-5)
        np.testing.assert_allclose(
            after, before * bound / top_singular_value(before), rtol=1e-5
        )
    np.testing.assert_array_equal(out[:, 3:6], w[:, 3:6])


@pytest.mark.parametrize("per_gate", [False, True])
def test_constraint_leaves_small_kernels_unchanged(per_gate):
    w = random_kernel((3, 6), scale=0.05, seed=2)
    out = to_numpy(SpectralRadiusConstraint(1.0, per_gate=per_gate)(w))
    np.testing.assert_array_equal(out, w)


def test_constraint_applied_by_optimizer_in_compiled_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5, 3)).astype("float32")
    y = rng.normal(size=(4, 3)).astype("float32") * 10
    layer = keras.layers.SimpleRNN(
        3,
        recurrent_initializer=keras.initializers.RandomNormal(stddev=3.0),
        recurrent_constraint=SpectralRadiusConstraint(0.9),
    )
    model = keras.Sequential([keras.Input((5, 3)), layer])
    model.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss="mse",
        jit_compile=keras.backend.backend() in ("tensorflow", "jax"),
    )
    model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    kernel = to_numpy(layer.cell.recurrent_kernel)
    assert top_singular_value(kernel) <= 0.9 * (1 + 1e-5)


@pytest.mark.parametrize("per_gate", [False, True])
def test_regularizer_matches_numpy(per_gate):
    w = random_kernel((3, 9), scale=1.0, seed=3)
    factor, bound = 0.3, 1.2
    blocks = gate_blocks(w) if per_gate else [w]
    expected = factor * sum(
        max(top_singular_value(b) - bound, 0.0) ** 2 for b in blocks
    )
    assert expected > 0
    got = to_numpy(SpectralRadiusRegularizer(factor, bound, per_gate)(w))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_regularizer_is_zero_inside_bound_with_finite_gradient():
    # The identity has all singular values equal; the penalty and its
    # gradient must still be finite (zero) there.
    w = np.eye(3, dtype="float32")
    reg = SpectralRadiusRegularizer(1.0, max_value=1.5)
    assert float(to_numpy(reg(w))) == 0.0
    variable = keras.Variable(w)
    grad = _gradient(lambda v: reg(v), variable)
    assert np.isfinite(grad).all()
    np.testing.assert_array_equal(grad, 0.0)


def test_regularizer_gradient_matches_numpy():
    # d/dW relu(sigma - b)^2 = 2 (sigma - b) u1 v1^T
    w = random_kernel((3, 4), scale=1.0, seed=4)
    bound = 0.5
    u, s, vh = np.linalg.svd(w)
    expected = 2 * (s[0] - bound) * np.outer(u[:, 0], vh[0])
    reg = SpectralRadiusRegularizer(1.0, max_value=bound)
    grad = _gradient(lambda v: reg(v), keras.Variable(w))
    np.testing.assert_allclose(grad, expected, rtol=1e-4, atol=1e-5)


def test_regularizer_adds_loss_to_layer():
    layer = keras.layers.SimpleRNN(
        3,
        recurrent_initializer=keras.initializers.Constant(1.0),
        recurrent_regularizer=SpectralRadiusRegularizer(0.5, 1.0),
    )
    layer(np.zeros((2, 4, 2), "float32"))
    # all-ones 3x3 has sigma_max = 3
    np.testing.assert_allclose(
        float(to_numpy(keras.ops.sum(layer.losses))), 0.5 * (3 - 1) ** 2,
        rtol=1e-5,
    )


def _gradient(fn, variable):
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = fn(variable.value)
        return tape.gradient(value, variable.value).numpy()
    if backend == "jax":
        import jax

        return np.asarray(jax.grad(fn)(variable.value))
    import torch

    value = variable.value.detach().requires_grad_(True)
    fn(value).backward()
    return value.grad.cpu().numpy()


@pytest.mark.parametrize(
    "obj",
    [
        SpectralRadiusRegularizer(0.2, max_value=0.9, per_gate=True),
        SpectralRadiusConstraint(max_value=0.7, per_gate=True),
    ],
)
def test_config_round_trip(obj):
    module = (
        keras.regularizers
        if isinstance(obj, keras.regularizers.Regularizer)
        else keras.constraints
    )
    restored = module.deserialize(module.serialize(obj))
    assert type(restored) is type(obj)
    assert restored.get_config() == obj.get_config()


def test_save_load_model_with_both(tmp_path):
    layer = keras.layers.GRU(
        3,
        recurrent_regularizer=SpectralRadiusRegularizer(0.1, 1.0, True),
        recurrent_constraint=SpectralRadiusConstraint(1.0, per_gate=True),
    )
    model = keras.Sequential([keras.Input((4, 2)), layer])
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    cell = loaded.layers[0].cell
    assert isinstance(cell.recurrent_regularizer, SpectralRadiusRegularizer)
    assert isinstance(cell.recurrent_constraint, SpectralRadiusConstraint)
    assert cell.recurrent_constraint.per_gate


@pytest.mark.parametrize(
    "make",
    [
        lambda: SpectralRadiusConstraint(max_value=0),
        lambda: SpectralRadiusConstraint(max_value=-1.0),
        lambda: SpectralRadiusConstraint(max_value=float("nan")),
        lambda: SpectralRadiusRegularizer(factor=-0.1),
        lambda: SpectralRadiusRegularizer(max_value=0.0),
    ],
)
def test_bad_arguments_raise(make):
    with pytest.raises(ValueError, match="must be"):
        make()


def test_bad_shapes_raise():
    with pytest.raises(ValueError, match="2D"):
        SpectralRadiusConstraint()(np.ones((3,), "float32"))
    with pytest.raises(ValueError, match="per_gate"):
        SpectralRadiusConstraint(per_gate=True)(np.ones((3, 4), "float32"))
