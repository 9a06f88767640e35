"""Spectra of known matrices and of each gate block, in each cell's order."""

import keras
import numpy as np
import pytest

from zoo.diagnostics import describe_cell
from zoo.diagnostics import matrix_spectrum
from zoo.diagnostics import recurrent_spectrum
from zoo.layers import CIFGLSTMCell
from zoo.layers import CoupledGRUCell
from zoo.layers import PeepholeLSTMCell

pytestmark = pytest.mark.backend


def complex_eigenvalues(spectrum):
    values = spectrum["eigenvalues"]
    return np.array(values["real"]) + 1j * np.array(values["imag"])


def as_sorted(values):
    return np.sort_complex(np.round(np.asarray(values, complex), 10))


def test_eigenvalues_match_numpy_linalg_eig():
    matrix = np.random.default_rng(0).normal(size=(6, 6))  # non-symmetric: complex pairs
    spectrum = matrix_spectrum(matrix, top=3)
    reference = np.linalg.eig(matrix).eigenvalues
    assert np.any(np.abs(reference.imag) > 1e-3)
    np.testing.assert_allclose(
        as_sorted(complex_eigenvalues(spectrum)), as_sorted(reference), atol=1e-9
    )
    assert spectrum["spectral_radius"] == pytest.approx(np.max(np.abs(reference)))
    moduli = np.abs(complex_eigenvalues(spectrum))
    assert np.all(np.diff(moduli) <= 1e-12)  # sorted by decreasing modulus
    np.testing.assert_allclose(
        spectrum["singular_values"], np.linalg.svd(matrix, compute_uv=False)[:3]
    )


def test_eigenvalues_of_a_matrix_built_from_them():
    # P diag(lambda) P^-1 with a real 2 x 2 rotation-scaling block r (cos a +- i sin a).
    r, a = 0.8, 0.6
    block = r * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    middle = np.zeros((4, 4))
    middle[:2, :2] = block
    middle[2, 2], middle[3, 3] = -1.2, 0.3
    basis = np.random.default_rng(3).normal(size=(4, 4))
    matrix = basis @ middle @ np.linalg.inv(basis)
    spectrum = matrix_spectrum(matrix)
    expected = [-1.2, r * np.exp(1j * a), r * np.exp(-1j * a), 0.3]
    np.testing.assert_allclose(complex_eigenvalues(spectrum), expected, atol=1e-9)
    assert spectrum["spectral_radius"] == pytest.approx(1.2)


def test_matrix_spectrum_rejects_what_is_not_a_square_matrix():
    with pytest.raises(ValueError, match="square matrix"):
        matrix_spectrum(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        matrix_spectrum([[np.nan]])


def diagonal_blocks(*diagonals):
    """A fused kernel [units, k * units] whose k blocks are diag(d)."""
    return np.concatenate([np.diag(d) for d in diagonals], axis=1).astype("float32")


def test_lstm_blocks_in_keras_order_i_f_c_o():
    cell = keras.layers.LSTMCell(3)
    cell.build((None, 2))
    kernel, _, bias = cell.get_weights()
    recurrent = diagonal_blocks([0.1, 0.2, 0.3], [0.9, -0.5, 0.4], [1.5, 0, 0], [0, 0, -2.0])
    cell.set_weights([kernel, recurrent, bias])
    spectrum = recurrent_spectrum(cell)
    radii = {name: gate["spectral_radius"] for name, gate in spectrum["gates"].items()}
    assert list(radii) == ["i", "f", "c", "o"]
    np.testing.assert_allclose(list(radii.values()), [0.3, 0.9, 1.5, 2.0], rtol=1e-6)
    assert spectrum["largest_singular_value"] == pytest.approx(
        np.linalg.svd(recurrent, compute_uv=False)[0], rel=1e-6
    )
    assert spectrum["kernel_shape"] == [3, 12]


@pytest.mark.parametrize(
    "make_cell, gates",
    [
        (lambda: keras.layers.GRUCell(2), ["z", "r", "h"]),
        (lambda: CoupledGRUCell(2), ["z", "r", "g"]),
        (lambda: CIFGLSTMCell(2), ["f", "c", "o"]),
        (lambda: PeepholeLSTMCell(2), ["i", "f", "c", "o"]),
        (lambda: keras.layers.SimpleRNNCell(2), ["h"]),
    ],
)
def test_gate_names_follow_each_cells_own_order(make_cell, gates):
    cell = make_cell()
    cell.build((None, 3))
    recurrent = diagonal_blocks(*[[0.1 * (k + 1), 0.0] for k in range(len(gates))])
    weights = cell.get_weights()
    weights[1] = recurrent
    cell.set_weights(weights)
    spectrum = recurrent_spectrum(cell)
    assert list(spectrum["gates"]) == gates == list(describe_cell(cell).gate_names)
    radii = [gate["spectral_radius"] for gate in spectrum["gates"].values()]
    np.testing.assert_allclose(radii, [0.1 * (k + 1) for k in range(len(gates))], rtol=1e-6)


def test_weight_normalized_cell_reports_its_effective_kernel():
    cell = CoupledGRUCell(2, weight_norm=True)
    cell.build((None, 3))
    v = diagonal_blocks([0.5, 0.25], [1.0, 1.0], [2.0, 1.0])
    cell.recurrent_kernel.assign(v)
    cell.recurrent_kernel_g.assign(np.full(6, 3.0, "float32"))  # every column has length 3
    radii = [gate["spectral_radius"] for gate in recurrent_spectrum(cell)["gates"].values()]
    np.testing.assert_allclose(radii, [3.0, 3.0, 3.0], rtol=1e-6)


def test_a_cell_without_a_recurrent_kernel_has_no_spectrum():
    class Accumulator(keras.layers.Layer):
        state_size = 2
        output_size = 2

        def call(self, inputs, states):
            return inputs + states[0], [inputs + states[0]]

    assert recurrent_spectrum(Accumulator()) is None
