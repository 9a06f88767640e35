"""`LayerNormGRUCell`: a GRU cell with layer norm on W x and on U h."""

import keras
from keras import ops

from zoo.layers.layer_norm import DEFAULT_EPSILON
from zoo.layers.layer_norm import HoistedKernelsMixin
from zoo.layers.layer_norm import center_columns
from zoo.layers.layer_norm_options import LayerNormOptionsMixin
from zoo.layers.recurrent_cell import RecurrentCell
from zoo.layers.weight_normalization import WeightNormMixin


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormGRUCell(LayerNormOptionsMixin, HoistedKernelsMixin, WeightNormMixin, RecurrentCell):
    """GRU cell with layer normalization (Ba, Kiros & Hinton 2016).

    Ba, Kiros & Hinton 2016, "Layer Normalization": the input part W x and
    the recurrent part U h of the pre-activations are normalized
    separately, each with a learned gain; the bias is added once. With
    LN(a; gamma) = gamma * (a - mean(a)) / sqrt(var(a) + epsilon) over the
    units of `a` (no LN bias: b is the only offset):

        [a_z, a_r, a_g] = LN(W x; gamma_x) + b       (all 3 blocks at once)
        [n_z, n_r]      = LN(U_zr h_prev; gamma_h[z, r])
        z = sigma(a_z + n_z)
        r = sigma(a_r + n_r)
        g = tanh(a_g + LN(U_g (r * h_prev); gamma_h[g]))
        h = z * h_prev + (1 - z) * g

    With `reset_after=True` U h_prev is one matmul, normalized as a whole:

        [n_z, n_r, n_g] = LN(U h_prev; gamma_h)
        g = tanh(a_g + r * n_g)

    Every matmul's output is normalized over all its columns, as Ba et al.
    normalize the four gates of an LSTM together; U_g (r * h_prev) depends on
    r and has its own matmul, hence its own LN. The z convention and the
    block order z, r, g are those of `CoupledGRUCell` and keras.layers.GRU.
    The fused layer `zoo.layers.LayerNormGRU` hoists LN(W x) + b out of
    the time loop.

    Weights: `kernel` W [features, 3 units], `recurrent_kernel` U
    [units, 3 units], `bias` b [3 units], `kernel_norm_gamma` gamma_x and
    `recurrent_norm_gamma` gamma_h [3 units] each.

    Args:
        units: int. Size of h, > 0.
        activation: activation of g, default `"tanh"`.
        recurrent_activation: activation of r and z, default `"sigmoid"`.
        use_bias: bool. Whether b exists, default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        gamma_initializer: initializer of the LN gains, default `"ones"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        gamma_regularizer: regularizers, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint,
        gamma_constraint: constraints, default `None`.
        epsilon: float. Added to the variance in LN, default 1e-3 (Keras'
            LayerNormalization default).
        reset_after: bool. Apply r after the recurrent matmul and its LN,
            default `False`.
        weight_norm: bool. Reparameterize W and U as g * v / ||v|| per
            column (see `zoo.layers.weight_normalization.WeightNormMixin`),
            default `False`.
        dropout: float in [0, 1). Input dropout, one mask per sequence,
            default 0.
        recurrent_dropout: float in [0, 1). Dropout on h_prev before U (not
            in the z * h_prev term), one mask per sequence, default 0.
        seed: int or None. Seed of the dropout masks, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        inputs: [batch, features] tensor, one time step.
        states: `[h_prev]` (or h_prev), [batch, units].
        training: bool. Applies dropout when true.

    Returns `(h, [h])`.

    Masking: a cell sees one step; `keras.layers.RNN(cell)` and
    `zoo.layers.LayerNormGRU` keep h unchanged at masked steps.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import LayerNormGRUCell

    layer = keras.layers.RNN(LayerNormGRUCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    num_gates = 3

    def __init__(
        self,
        units,
        epsilon=DEFAULT_EPSILON,
        gamma_initializer="ones",
        gamma_regularizer=None,
        gamma_constraint=None,
        reset_after=False,
        weight_norm=False,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.init_layer_norm(epsilon, gamma_initializer, gamma_regularizer, gamma_constraint)
        self.reset_after = bool(reset_after)
        self.init_weight_norm(weight_norm)

    def build(self, input_shape):
        super().build(input_shape)
        for name in ("kernel_norm_gamma", "recurrent_norm_gamma"):
            self.add_norm_gain(name, 3 * self.units)
        self.build_weight_norm()

    @property
    def centered_kernel_names(self):
        if self.reset_after:
            return ("kernel", "recurrent_kernel")
        # LN(U_zr h) and LN(U_g (r * h)) normalize separately.
        return ("kernel", "recurrent_gates_kernel", "recurrent_candidate_kernel")

    def centered_kernel(self, name):
        if name == "kernel":
            return center_columns(self.effective_kernel())
        kernel = self.effective_recurrent_kernel()
        split = 2 * self.units
        if name == "recurrent_gates_kernel":
            kernel = kernel[:, :split]
        elif name == "recurrent_candidate_kernel":
            kernel = kernel[:, split:]
        return center_columns(kernel)

    def project_inputs(self, inputs, dropout_mask=None):
        if dropout_mask is not None:
            inputs = inputs * self._broadcast_mask(dropout_mask, inputs)
        projected = self.layer_norm_matmul(inputs, "kernel", self.kernel_norm_gamma)
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def recurrent_step(
        self, projected_inputs, states, training=False, recurrent_dropout_mask=None
    ):
        h_prev = self.split_states(states)[0]
        h_in = self.recurrent_input(h_prev, training, recurrent_dropout_mask)
        gamma = self.recurrent_norm_gamma
        split = 2 * self.units
        a_z, a_r, a_g = ops.split(projected_inputs, 3, axis=-1)
        if self.reset_after:
            inner = self.layer_norm_matmul(h_in, "recurrent_kernel", gamma)
            n_z, n_r, n_g = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(a_z + n_z)
            r = self.recurrent_activation(a_r + n_r)
            g = self.activation(a_g + r * n_g)
        else:
            inner = self.layer_norm_matmul(h_in, "recurrent_gates_kernel", gamma[:split])
            n_z, n_r = ops.split(inner, 2, axis=-1)
            z = self.recurrent_activation(a_z + n_z)
            r = self.recurrent_activation(a_r + n_r)
            n_g = self.layer_norm_matmul(
                r * h_in, "recurrent_candidate_kernel", gamma[split:]
            )
            g = self.activation(a_g + n_g)
        h = z * h_prev + (1.0 - z) * g
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_config(self):
        config = {
            **self.layer_norm_config(),
            "reset_after": self.reset_after,
            **self.weight_norm_config(),
        }
        return {**super().get_config(), **config}
