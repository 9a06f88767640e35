"""Eigenvalues and singular values of a cell's recurrent kernel, per gate.

For a linear recurrence h_t = U^T h_{t-1} + W^T x_t (Keras cells compute
h_prev @ U) the eigenvalues lambda of U decide everything: a component
along an eigenvector is multiplied by lambda at every step, so it decays
when |lambda| < 1 and explodes when |lambda| > 1. The spectral radius

    rho(U) = max |lambda_i(U)|

is the asymptotic growth factor per step, and the largest singular value
sigma_1(U) >= rho(U) bounds the growth of any single step
(||h U|| <= sigma_1 ||h||). For a gated cell each gate block of the fused
kernel gets its own spectrum; the gates' nonlinearities shrink these
factors (tanh' <= 1, sigma' <= 1/4), so for a nonlinear cell rho is an
upper bound on how fast the state can grow, not a prediction.

The kernels are small matrices pulled out of the model, so this is numpy
(`numpy.linalg`), which runs on any device; JAX has no `eig` on GPU.
"""

import numpy as np

from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.cell_anatomy import recurrent_kernel


def matrix_spectrum(matrix, top=5):
    """Eigenvalues, spectral radius and largest singular values of a matrix.

    Args:
        matrix: square array-like [n, n].
        top: int. How many of the largest singular values to keep, default 5.

    Returns:
        dict with `"eigenvalues"` (`{"real": [...], "imag": [...]}`, sorted
        by decreasing modulus), `"spectral_radius"` (max |lambda|) and
        `"singular_values"` (the `top` largest, decreasing); plain floats,
        ready for JSON.

    Example:

    >>> spectrum = matrix_spectrum([[0.0, -2.0], [2.0, 0.0]])   # rotation x 2
    >>> round(spectrum["spectral_radius"], 9), spectrum["eigenvalues"]["real"]
    (2.0, [0.0, 0.0])
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"A spectrum needs a square matrix, got shape {matrix.shape}."
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError("The matrix has NaN or infinite entries.")
    eigenvalues = np.linalg.eigvals(matrix)
    # Decreasing modulus; ties (conjugate pairs) by decreasing imaginary part.
    order = np.lexsort((-eigenvalues.imag, -np.abs(eigenvalues)))
    eigenvalues = eigenvalues[order]
    singular_values = np.linalg.svd(matrix, compute_uv=False)
    return {
        "eigenvalues": {
            "real": [float(value) for value in eigenvalues.real],
            "imag": [float(value) for value in eigenvalues.imag],
        },
        "spectral_radius": float(np.max(np.abs(eigenvalues))),
        "singular_values": [float(value) for value in singular_values[:top]],
    }


def gate_blocks(kernel, gate_names):
    """Split a fused recurrent kernel [units, k * units] into named blocks."""
    kernel = np.asarray(kernel)
    units = kernel.shape[0]
    if kernel.shape[1] != units * len(gate_names):
        raise ValueError(
            f"A recurrent kernel of shape {kernel.shape} does not hold "
            f"{len(gate_names)} gate blocks {gate_names} of {units} x {units}."
        )
    return {
        name: kernel[:, index * units : (index + 1) * units]
        for index, name in enumerate(gate_names)
    }


def recurrent_spectrum(cell, top=5):
    """The spectrum of each gate block of a cell's recurrent kernel.

    Args:
        cell: a built recurrent cell with a `recurrent_kernel` (Keras'
            LSTM/GRU/SimpleRNN cells, the zoo cells).
        top: int. Largest singular values kept per block, default 5.

    Returns:
        dict: `"gates"` maps each gate name (in the cell's own order, see
        `CellAnatomy`) to `matrix_spectrum(block)`; `"kernel_shape"`, and
        `"largest_singular_value"` of the whole fused kernel. None if the
        cell has no recurrent kernel.

    Example:

    >>> import keras
    >>> cell = keras.layers.GRUCell(3)
    >>> cell.build((None, 2))
    >>> list(recurrent_spectrum(cell)["gates"])
    ['z', 'r', 'h']
    """
    kernel = recurrent_kernel(cell)
    if kernel is None:
        return None
    names = describe_cell(cell).gate_names
    if not names:
        raise ValueError(
            f"{type(cell).__name__}'s recurrent kernel of shape {kernel.shape} "
            "is not made of square gate blocks."
        )
    return {
        "kernel_shape": list(kernel.shape),
        "largest_singular_value": float(np.linalg.svd(kernel, compute_uv=False)[0]),
        "gates": {
            name: matrix_spectrum(block, top=top)
            for name, block in gate_blocks(kernel, names).items()
        },
    }
