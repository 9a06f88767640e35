"""Weight normalization (Salimans & Kingma 2016) for the kernels of a cell.

`weight_normalize(v, g)` is the reparameterization; `WeightNormMixin` adds
a `weight_norm=True` option to a `RecurrentCell` subclass.
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


class WeightNormMixin:
    """`weight_norm` option for a `zoo.layers.RecurrentCell` subclass.

    With `weight_norm=True` the cell's `kernel` and `recurrent_kernel`
    variables hold the directions v (the names stay those of Keras' cells,
    so weight paths do not change) and two more variables, `kernel_g` and
    `recurrent_kernel_g` ([k * units] each), hold the lengths g. The cell
    uses

        W = g_W * v_W / ||v_W||,    U = g_U * v_U / ||v_U||

    column by column. g starts at the column norms of the initial v, so W
    and U start exactly as their initializers made them (an orthogonal U
    stays orthogonal). Regularizers and constraints given for the kernels
    apply to v. The bias and the other weights are not reparameterized.

    A cell uses it by inheriting it before `RecurrentCell`, calling
    `self.build_weight_norm()` at the end of `build`, reading its kernels
    through `self.effective_kernel()` / `self.effective_recurrent_kernel()`
    and adding `self.weight_norm_config()` to its config (as
    `CoupledGRUCell`, `LayerNormGRUCell` and `LayerNormSimpleRNNCell` do).

    Args (of the cells that use it):
        weight_norm: bool. Reparameterize W and U as above, default `False`.

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

    def build_weight_norm(self):
        if not self.weight_norm:
            return
        width = self.kernel.shape[-1]
        self.kernel_g = self.add_weight(
            shape=(width,),
            name="kernel_g",
            initializer=_ColumnNorms(self.kernel),
        )
        self.recurrent_kernel_g = self.add_weight(
            shape=(self.recurrent_kernel.shape[-1],),
            name="recurrent_kernel_g",
            initializer=_ColumnNorms(self.recurrent_kernel),
        )

    def effective_kernel(self):
        """W: `kernel`, or `g * v / ||v||` with `weight_norm=True`."""
        if self.weight_norm:
            return weight_normalize(self.kernel, self.kernel_g)
        return self.kernel

    def effective_recurrent_kernel(self):
        """U: `recurrent_kernel`, or `g * v / ||v||` with `weight_norm`."""
        if self.weight_norm:
            return weight_normalize(self.recurrent_kernel, self.recurrent_kernel_g)
        return self.recurrent_kernel

    def weight_norm_config(self):
        return {"weight_norm": self.weight_norm}
