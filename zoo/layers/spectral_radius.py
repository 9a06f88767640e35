"""Keep a recurrent kernel's largest singular value under a bound.

`SpectralRadiusRegularizer` adds a penalty when it is above the bound,
`SpectralRadiusConstraint` rescales the kernel after every optimizer step.
"""

import keras
from keras import ops

from zoo.argument_checks import check_positive_number


def _as_blocks(w, per_gate):
    """`w` as a batch of matrices: `(1, rows, cols)` or `(k, units, units)`."""
    if len(w.shape) != 2:
        raise ValueError(
            "The spectral-radius regularizer and constraint apply to 2D "
            f"kernels; got a weight of shape {tuple(w.shape)}."
        )
    rows, cols = w.shape
    if not per_gate:
        return ops.expand_dims(w, 0)
    if cols % rows != 0:
        raise ValueError(
            "`per_gate=True` splits a fused recurrent kernel of shape "
            "(units, k * units) into k units x units blocks; got shape "
            f"{tuple(w.shape)}, whose columns are not a multiple of its rows."
        )
    gates = cols // rows
    # (units, k * units) -> (units, k, units) -> (k, units, units)
    return ops.transpose(ops.reshape(w, (rows, gates, rows)), (1, 0, 2))


def _from_blocks(blocks, per_gate):
    if not per_gate:
        return blocks[0]
    gates, rows, _ = blocks.shape
    return ops.reshape(ops.transpose(blocks, (1, 0, 2)), (rows, gates * rows))


def _largest_singular_values(blocks):
    """Largest singular value of each matrix in a `(k, m, n)` batch, exact.

    `keras.ops.svd` compiles under XLA on TensorFlow and JAX, and its
    gradient (`u_1 v_1^T`) stays finite for repeated singular values (the
    identity kernel of an IRNN).
    """
    compute_dtype = keras.backend.standardize_dtype(blocks.dtype)
    if compute_dtype in ("float16", "bfloat16"):
        blocks = ops.cast(blocks, "float32")
    values = ops.svd(blocks, full_matrices=False, compute_uv=False)
    return ops.cast(ops.max(values, axis=-1), compute_dtype)


@keras.saving.register_keras_serializable(package="zoo")
class SpectralRadiusRegularizer(keras.regularizers.Regularizer):
    """Penalizes a largest singular value of a kernel above `max_value`.

    For a recurrent kernel U the state Jacobian of a linear step is U, and
    the spectral radius rho(U) (largest eigenvalue modulus) is bounded by
    the largest singular value sigma_max(U). Keeping sigma_max(U) <= bound
    keeps rho(U) <= bound and limits how fast gradients can explode through
    time (Pascanu, Mikolov & Bengio 2013). The penalty is a squared hinge,
    zero (and with zero gradient) below the bound:

        penalty = factor * sum_blocks relu(sigma_max(U_block) - max_value)^2

    sigma_max is computed exactly with a singular value decomposition
    (`keras.ops.svd`), which compiles under XLA.

    Args:
        factor: float. Weight of the penalty in the loss, default 0.01.
        max_value: float. The bound on the largest singular value,
            default 1.0.
        per_gate: bool. If True, split a fused kernel of shape
            `(units, k * units)` into its k `units x units` gate blocks and
            penalize each block's largest singular value; if False, penalize
            the largest singular value of the whole kernel. Default False.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import SpectralRadiusRegularizer

    layer = keras.layers.SimpleRNN(
        4, recurrent_regularizer=SpectralRadiusRegularizer(0.1, max_value=1.0)
    )
    layer(np.zeros((2, 3, 5), "float32"))
    penalty = layer.losses  # one scalar per regularized kernel
    ```
    """

    def __init__(self, factor=0.01, max_value=1.0, per_gate=False):
        if not isinstance(factor, (int, float)) or factor < 0:
            raise ValueError(
                f"`factor` must be a non-negative number, got {factor!r}."
            )
        self.factor = float(factor)
        self.max_value = check_positive_number("max_value", max_value)
        self.per_gate = bool(per_gate)

    def __call__(self, x):
        sigma = _largest_singular_values(_as_blocks(x, self.per_gate))
        excess = ops.relu(sigma - ops.cast(self.max_value, sigma.dtype))
        return ops.cast(self.factor, sigma.dtype) * ops.sum(ops.square(excess))

    def get_config(self):
        return {
            "factor": self.factor,
            "max_value": self.max_value,
            "per_gate": self.per_gate,
        }


@keras.saving.register_keras_serializable(package="zoo")
class SpectralRadiusConstraint(keras.constraints.Constraint):
    """Rescales a kernel so its largest singular value is at most `max_value`.

    After every optimizer step the kernel U is replaced by

        U <- U * min(1, max_value / sigma_max(U))

    (per `units x units` gate block with `per_gate=True`). A kernel already
    inside the bound is returned unchanged. Since the spectral radius (the
    largest eigenvalue modulus) is at most sigma_max, it ends up at most
    `max_value` too.

    Args:
        max_value: float. The bound on the largest singular value,
            default 1.0.
        per_gate: bool. If True, bound each `units x units` gate block of a
            fused kernel of shape `(units, k * units)` separately; if False,
            bound the whole kernel. Default False.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import SpectralRadiusConstraint

    layer = keras.layers.GRU(
        4, recurrent_constraint=SpectralRadiusConstraint(1.0, per_gate=True)
    )
    layer(np.zeros((2, 3, 5), "float32"))
    ```
    """

    def __init__(self, max_value=1.0, per_gate=False):
        self.max_value = check_positive_number("max_value", max_value)
        self.per_gate = bool(per_gate)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        blocks = _as_blocks(w, self.per_gate)
        sigma = _largest_singular_values(blocks)
        bound = ops.cast(self.max_value, sigma.dtype)
        tiny = ops.cast(keras.config.epsilon(), sigma.dtype)
        scale = ops.minimum(1.0, bound / ops.maximum(sigma, tiny))
        blocks = blocks * ops.cast(scale[:, None, None], blocks.dtype)
        return _from_blocks(blocks, self.per_gate)

    def get_config(self):
        return {"max_value": self.max_value, "per_gate": self.per_gate}
