"""`LayerNormSimpleRNNCell`: a SimpleRNN cell with layer norm on W x and U h."""

import keras
from keras import ops

from zoo.layers.layer_norm import DEFAULT_EPSILON
from zoo.layers.layer_norm import HoistedKernelsMixin
from zoo.layers.layer_norm import center_columns
from zoo.layers.layer_norm_options import LayerNormOptionsMixin
from zoo.layers.recurrent_cell import RecurrentCell
from zoo.layers.weight_normalization import WeightNormMixin


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormSimpleRNNCell(
    LayerNormOptionsMixin, HoistedKernelsMixin, WeightNormMixin, RecurrentCell
):
    """SimpleRNN (Elman) cell with layer normalization (Ba et al. 2016).

    Ba, Kiros & Hinton 2016, "Layer Normalization": the input part W x and
    the recurrent part U h are normalized separately, each with a learned
    gain; the bias is added once. With
    LN(a; gamma) = gamma * (a - mean(a)) / sqrt(var(a) + epsilon) over the
    units (no LN bias: b is the only offset):

        h = tanh(LN(W x; gamma_x) + LN(U h_prev; gamma_h) + b)

    tanh is `activation`. A SimpleRNN has no gates, so there is no
    `recurrent_activation` argument. The fused layer
    `zoo.layers.LayerNormSimpleRNN` hoists LN(W x) + b out of the time loop.

    Weights: `kernel` W [features, units], `recurrent_kernel` U
    [units, units], `bias` b [units], `kernel_norm_gamma` gamma_x and
    `recurrent_norm_gamma` gamma_h [units] each. (With `units=1` the
    normalized values are always 0 and h = tanh(b).)

    Args:
        units: int. Size of h, > 0.
        activation: activation of h, default `"tanh"`.
        use_bias: bool. Whether b exists, default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        gamma_initializer: initializer of the LN gains, default `"ones"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        gamma_regularizer: regularizers, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint,
        gamma_constraint: constraints, default `None`.
        epsilon: float. Added to the variance in LN, default 1e-3.
        weight_norm: bool. Reparameterize W and U as g * v / ||v|| per
            column (see `zoo.layers.weight_normalization.WeightNormMixin`),
            default `False`.
        dropout: float in [0, 1). Input dropout, one mask per sequence,
            default 0.
        recurrent_dropout: float in [0, 1). Dropout on h_prev before U, one
            mask per sequence, default 0.
        seed: int or None. Seed of the dropout masks, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        inputs: [batch, features] tensor, one time step.
        states: `[h_prev]` (or h_prev), [batch, units].
        training: bool. Applies dropout when true.

    Returns `(h, [h])`.

    Masking: a cell sees one step; `keras.layers.RNN(cell)` and
    `zoo.layers.LayerNormSimpleRNN` keep h unchanged at masked steps.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import LayerNormSimpleRNNCell

    layer = keras.layers.RNN(LayerNormSimpleRNNCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    num_gates = 1

    def __init__(
        self,
        units,
        epsilon=DEFAULT_EPSILON,
        gamma_initializer="ones",
        gamma_regularizer=None,
        gamma_constraint=None,
        weight_norm=False,
        **kwargs,
    ):
        if "recurrent_activation" in kwargs:
            raise ValueError(
                "LayerNormSimpleRNNCell has no gates and takes no "
                "`recurrent_activation`; use `activation`."
            )
        super().__init__(units, **kwargs)
        self.init_layer_norm(epsilon, gamma_initializer, gamma_regularizer, gamma_constraint)
        self.init_weight_norm(weight_norm)

    def build(self, input_shape):
        super().build(input_shape)
        for name in ("kernel_norm_gamma", "recurrent_norm_gamma"):
            self.add_norm_gain(name, self.units)
        self.build_weight_norm()

    def centered_kernel(self, name):
        if name == "kernel":
            return center_columns(self.effective_kernel())
        return center_columns(self.effective_recurrent_kernel())

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
        recurrent = self.layer_norm_matmul(
            h_in, "recurrent_kernel", self.recurrent_norm_gamma
        )
        # Cast back: on JAX, keras.ops.tanh turns float64 into float32
        # (Keras 3.15 result_type), which would break the loop's carry.
        h = ops.cast(self.activation(projected_inputs + recurrent), h_prev.dtype)
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_config(self):
        config = super().get_config()
        config.pop("recurrent_activation", None)
        config.update(
            {
                **self.layer_norm_config(),
                **self.weight_norm_config(),
            }
        )
        return config
