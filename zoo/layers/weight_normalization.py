"""Weight normalization (Salimans & Kingma 2016) for the kernels of a cell.

`weight_normalize(v, g)` is the reparameterization and `add_column_lengths`
creates the lengths g of a kernel. Every `zoo.layers.RecurrentCell` has the
option built on them, `weight_norm=True`: the cell's `kernel` and
`recurrent_kernel` variables then hold the directions v (the names stay
those of Keras' cells, so weight paths do not change) and two more
variables, `kernel_g` and `recurrent_kernel_g` ([k * units] each, created
last), hold the lengths g. The cell computes with

    W = g_W * v_W / ||v_W||,    U = g_U * v_U / ||v_U||

column by column. g starts at the column norms of the initial v, so W and U
start exactly as their initializers made them (an orthogonal U stays
orthogonal). Regularizers and constraints given for the kernels apply to v.
The bias and the other weights are not reparameterized.

`WeightNormMixin` is the older way the GRU-family cells got the option; it
is kept for them and for cells written against it.
"""

import keras
from keras import ops

#: Floor on ||v||^2, so that an all-zero column gives w = 0, not NaN.
_MIN_SQUARED_NORM = 1e-12


def weight_normalize(v, g):
    """Salimans & Kingma 2016: w = g * v / ||v||, one norm per column.

    A kernel maps features (rows) to output units (columns), so each output
    unit j has its own direction v[:, j] / ||v[:, j]|| and length g[j]:
    ||w[:, j]|| = |g[j]| whatever the scale of v. The norm is taken in
    float32 for float16/bfloat16 inputs.

    Args:
        v: tensor [rows, columns]. The direction parameters.
        g: tensor [columns]. The length of each column.

    Returns:
        w, a tensor [rows, columns] with the dtype of `v`.
    """
    dtype = keras.backend.standardize_dtype(v.dtype)
    compute = "float32" if dtype in ("float16", "bfloat16") else dtype
    v32 = ops.cast(v, compute)
    squared = ops.sum(ops.square(v32), axis=0)
    inverse = ops.rsqrt(ops.maximum(squared, _MIN_SQUARED_NORM))
    return ops.cast(v32 * (ops.cast(g, compute) * inverse), dtype)


class _ColumnNorms(keras.initializers.Initializer):
    """Initializes g to the column norms of v, so that w starts equal to v."""

    def __init__(self, variable):
        self.variable = variable

    def __call__(self, shape, dtype=None):
        v = ops.convert_to_tensor(self.variable)
        norms = ops.sqrt(ops.sum(ops.square(ops.cast(v, "float32")), axis=0))
        return ops.cast(ops.reshape(norms, shape), dtype or "float32")


def add_column_lengths(layer, direction, name):
    """Create the lengths g of the kernel `direction` as a weight of `layer`.

    Call it in `layer.build`, after `direction` exists: g has one entry per
    column of `direction` and starts at that column's norm, so that
    `weight_normalize(direction, g)` starts equal to `direction`.

    Args:
        layer: the `keras.layers.Layer` being built.
        direction: the kernel variable v [rows, columns].
        name: str. The name of the new weight (`"kernel_g"`, ...).

    Returns:
        The new variable g [columns].
    """
    return layer.add_weight(
        shape=(direction.shape[-1],),
        name=name,
        initializer=_ColumnNorms(direction),
    )


class WeightNormMixin:
    """The `weight_norm` constructor helpers of the GRU-family cells.

    `zoo.layers.RecurrentCell` itself implements the `weight_norm` option
    (see this module's docstring for the equations): its `build_weight_norm`,
    `effective_kernel` and `effective_recurrent_kernel` serve every cell.
    This mixin only keeps the two helpers that `CoupledGRUCell`,
    `LayerNormGRUCell` and `LayerNormSimpleRNNCell` call, for them and for
    cells written against it: `init_weight_norm(flag)` in `__init__` and
    `weight_norm_config()` in `get_config` (both are redundant with
    `RecurrentCell`'s own `weight_norm` argument and config entry).

    Args (of the cells that use it):
        weight_norm: bool. Reparameterize W and U as g * v / ||v|| per
            column, default `False`.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import CoupledGRUCell

    cell = CoupledGRUCell(8, weight_norm=True)
    layer = keras.layers.RNN(cell)
    layer(np.zeros((2, 5, 4), "float32"))
    [v.name for v in cell.weights]
    # ['kernel', 'recurrent_kernel', 'bias', 'kernel_g', 'recurrent_kernel_g']
    ```
    """

    def init_weight_norm(self, weight_norm):
        self.weight_norm = bool(weight_norm)

    def weight_norm_config(self):
        return {"weight_norm": self.weight_norm}
