"""Weight normalization (Salimans & Kingma 2016) in numpy, for the references.

Written from the paper, not from the zoo code: each column (output unit) j
of a kernel is w[:, j] = g[j] * v[:, j] / ||v[:, j]||. Shared by the GRU- and
the LSTM-family tests.
"""

import numpy as np


def weight_normalize(v, g):
    """w = g * v / ||v||, one norm per column."""
    v = np.asarray(v, np.float64)
    return np.asarray(g, np.float64) * v / np.sqrt((v**2).sum(axis=0))


def weight_normalized_step(step):
    """A `numpy_cells` step function for a cell with `weight_norm=True`.

    Such a cell's weights are the plain cell's, [v_W, v_U, b, ...], followed
    by the lengths [g_W, g_U] (`kernel_g`, `recurrent_kernel_g`, the last
    weights of every zoo cell); the returned step computes W and U from them
    and calls `step` with the plain cell's weights [W, U, b, ...].
    """

    def normalized_step(weights, x, h, c):
        v_W, v_U, *others = weights[:-2]
        g_W, g_U = weights[-2:]
        plain = [weight_normalize(v_W, g_W), weight_normalize(v_U, g_U), *others]
        return step(plain, x, h, c)

    return normalized_step
