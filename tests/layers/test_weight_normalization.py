"""Weight normalization: w = g * v / ||v|| per column, and the cell option."""

import keras
import numpy as np
import pytest

from autodiff import function_gradients
from zoo.layers.cifg_lstm_cell import CIFGLSTMCell
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_lstm_cell import LayerNormLSTMCell
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell
from zoo.layers.peephole_lstm_cell import PeepholeLSTMCell
from zoo.layers.weight_normalization import weight_normalize


def random_v_g(seed=0, shape=(4, 6)):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=shape).astype("float32")
    g = rng.normal(size=shape[1:]).astype("float32")
    return v, g


def to_numpy(x):
    return keras.ops.convert_to_numpy(x)


def test_direction_and_norm_decomposition():
    v, g = random_v_g()
    w = to_numpy(weight_normalize(v, g))
    norms = np.linalg.norm(w, axis=0)
    np.testing.assert_allclose(norms, np.abs(g), rtol=1e-5)
    direction = v / np.linalg.norm(v, axis=0)
    np.testing.assert_allclose(w / g, direction, rtol=1e-5, atol=1e-6)


def test_invariant_to_the_scale_of_each_column_of_v():
    v, g = random_v_g(1)
    scales = np.array([0.1, 2.0, 5.0, 1.0, 30.0, 0.5], "float32")
    np.testing.assert_allclose(
        to_numpy(weight_normalize(v * scales, g)),
        to_numpy(weight_normalize(v, g)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_zero_column_gives_zero_not_nan():
    v, g = random_v_g(2)
    v[:, 0] = 0.0
    w = to_numpy(weight_normalize(v, g))
    assert np.isfinite(w).all()
    np.testing.assert_array_equal(w[:, 0], 0.0)


def test_gradients_match_salimans_kingma():
    # For L = sum(C * w):  grad_w = C,
    #   grad_g = (C . v) / ||v||                          (per column)
    #   grad_v = g / ||v|| * (C - grad_g * v / ||v||)
    v, g = random_v_g(3)
    c = np.random.default_rng(4).normal(size=v.shape).astype("float32")

    def loss(v, g):
        return keras.ops.sum(keras.ops.convert_to_tensor(c) * weight_normalize(v, g))

    grad_v, grad_g = function_gradients(loss, v, g)
    norm = np.linalg.norm(v, axis=0)
    want_g = (c * v).sum(axis=0) / norm
    want_v = g / norm * (c - want_g * v / norm)
    np.testing.assert_allclose(grad_g, want_g, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(grad_v, want_v, rtol=1e-4, atol=1e-5)
    # The gradient step on v is orthogonal to v (its norm grows, never shrinks).
    np.testing.assert_allclose((grad_v * v).sum(axis=0), 0.0, atol=1e-5)


def test_half_precision_keeps_dtype():
    v, g = random_v_g(5)
    w = weight_normalize(keras.ops.cast(v, "bfloat16"), keras.ops.cast(g, "bfloat16"))
    assert keras.backend.standardize_dtype(w.dtype) == "bfloat16"
    np.testing.assert_allclose(
        to_numpy(keras.ops.cast(w, "float32")),
        to_numpy(weight_normalize(v, g)),
        rtol=2e-2,
        atol=2e-2,
    )


CELLS = [
    lambda: CoupledGRUCell(3, weight_norm=True),
    lambda: CoupledGRUCell(3, weight_norm=True, reset_after=True),
    lambda: LayerNormGRUCell(3, weight_norm=True),
    lambda: LayerNormSimpleRNNCell(3, weight_norm=True),
    lambda: PeepholeLSTMCell(3, weight_norm=True),
    lambda: CIFGLSTMCell(3, weight_norm=True, use_peepholes=True),
    lambda: LayerNormLSTMCell(3, weight_norm=True),
]
CELL_IDS = [
    "CoupledGRU", "CoupledGRU_reset_after", "LayerNormGRU", "LayerNormSimpleRNN",
    "PeepholeLSTM", "CIFGLSTM", "LayerNormLSTM",
]


@pytest.mark.parametrize("make_cell", CELLS, ids=CELL_IDS)
def test_cell_starts_at_its_initial_kernels(make_cell):
    cell = make_cell()
    cell.build((None, 4))
    names = [v.name for v in cell.weights]
    # The lengths g are the last weights of every cell, after its own.
    assert names[:2] == ["kernel", "recurrent_kernel"]
    assert names[-2:] == ["kernel_g", "recurrent_kernel_g"]
    assert tuple(cell.kernel_g.shape) == (cell.kernel.shape[-1],)
    assert tuple(cell.recurrent_kernel_g.shape) == (cell.recurrent_kernel.shape[-1],)
    np.testing.assert_allclose(
        to_numpy(cell.effective_kernel()), to_numpy(cell.kernel), rtol=1e-5, atol=1e-6
    )
    recurrent = to_numpy(cell.effective_recurrent_kernel())
    np.testing.assert_allclose(
        recurrent, to_numpy(cell.recurrent_kernel), rtol=1e-5, atol=1e-6
    )
    assert cell.get_config()["weight_norm"] is True


@pytest.mark.parametrize("make_cell", CELLS, ids=CELL_IDS)
def test_cell_trains_g_and_v(make_cell):
    cell = make_cell()
    layer = keras.layers.RNN(cell)
    model = keras.Sequential([keras.Input((5, 4)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5, 4)).astype("float32")
    y = rng.normal(size=(4, 3)).astype("float32")
    before = {v.name: to_numpy(v).copy() for v in cell.weights}
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    for name in ("kernel", "recurrent_kernel", "kernel_g", "recurrent_kernel_g"):
        after = to_numpy(next(v for v in cell.weights if v.name == name))
        assert np.isfinite(after).all()
        assert not np.allclose(after, before[name]), name


@pytest.mark.parametrize("cell_cls", [CoupledGRUCell, PeepholeLSTMCell])
def test_without_weight_norm_the_kernels_are_the_variables(cell_cls):
    cell = cell_cls(3)
    cell.build((None, 4))
    assert cell.effective_kernel() is cell.kernel
    assert cell.effective_recurrent_kernel() is cell.recurrent_kernel
    assert "kernel_g" not in {v.name for v in cell.weights}
    assert cell.get_config()["weight_norm"] is False
