"""Linear recurrences h_t = h_{t-1} U + x_t W, as Keras SimpleRNN cells and layers.

With a linear activation and no bias a `keras.layers.SimpleRNNCell` is exactly
this recurrence, so every diagnostic has a closed form to test against.
"""

import keras
import numpy as np


def linear_cell(recurrent_kernel, kernel=None):
    """A built SimpleRNNCell computing h_t = h_{t-1} @ U + x_t @ W."""
    recurrent_kernel = np.asarray(recurrent_kernel, np.float32)
    units = recurrent_kernel.shape[0]
    kernel = np.eye(units, dtype=np.float32) if kernel is None else np.asarray(kernel, np.float32)
    cell = keras.layers.SimpleRNNCell(units, activation="linear", use_bias=False)
    cell.build((None, kernel.shape[0]))
    cell.set_weights([kernel, recurrent_kernel])
    return cell


def scaled_identity_cell(scale, units=3):
    """h_t = scale * h_{t-1} + x_t."""
    return linear_cell(scale * np.eye(units))


def linear_layer(recurrent_kernel, kernel, return_sequences=False):
    """The same recurrence as a `keras.layers.SimpleRNN` layer."""
    recurrent_kernel = np.asarray(recurrent_kernel, np.float32)
    kernel = np.asarray(kernel, np.float32)
    layer = keras.layers.SimpleRNN(
        recurrent_kernel.shape[0],
        activation="linear",
        use_bias=False,
        return_sequences=return_sequences,
    )
    layer.build((None, None, kernel.shape[0]))
    layer.set_weights([kernel, recurrent_kernel])
    return layer


def stable_random_matrix(size, radius, seed):
    """A random non-symmetric matrix rescaled to spectral radius `radius`."""
    matrix = np.random.default_rng(seed).normal(size=(size, size))
    return matrix * radius / np.max(np.abs(np.linalg.eigvals(matrix)))
