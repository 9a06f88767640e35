"""`CoupledGRUCell`: the lectures' GRU, update gate coupling keep and write."""

import keras
from keras import ops

from zoo.layers.recurrent_cell import RecurrentCell
from zoo.layers.weight_normalization import WeightNormMixin


@keras.saving.register_keras_serializable(package="zoo")
class CoupledGRUCell(WeightNormMixin, RecurrentCell):
    """GRU cell whose update gate z couples keeping and writing (Cho 2014).

    Cho et al. 2014, "Learning Phrase Representations using RNN
    Encoder-Decoder for Statistical Machine Translation"; the GRU of the
    lectures. One gate z decides, per unit, how much of h_prev to keep and
    the rest (1 - z) is the candidate g (an LSTM with i = 1 - f and no
    separate cell state):

        r = sigma(W_r x + U_r h_prev + b_r)
        z = sigma(W_z x + U_z h_prev + b_z)
        g = tanh(W_g x + U_g (r * h_prev) + b_g)
        h = z * h_prev + (1 - z) * g

    With `reset_after=True` (cuDNN's variant) the reset gate multiplies the
    recurrent matmul instead of its input, so U h_prev is one matmul for
    all three blocks, and the recurrent part has its own bias b':

        g = tanh(W_g x + b_g + r * (U_g h_prev + b'_g))

    (and b'_z, b'_r are added inside z and r). sigma is
    `recurrent_activation`, tanh is `activation`.

    The z convention is keras.layers.GRU's: Keras also computes
    `h = z * h_tm1 + (1 - z) * hh`. W, U and b keep the blocks side by side
    in Keras' order z, r, g (`kernel` [features, 3 units],
    `recurrent_kernel` [units, 3 units], `bias` [3 units], or [2, 3 units]
    = (input bias, recurrent bias) with `reset_after=True`, Keras' shapes),
    so `keras.layers.GRUCell(units, reset_after=...)` with the same weights
    computes the same h for both values of `reset_after` (without dropout:
    Keras draws one recurrent mask per gate, this cell one for h_prev).
    Weights written for the other common convention,
    h = (1 - z') * h_prev + z' * g (Chung et al. 2014), load with the
    z-block columns of W, U and b negated: sigma(-a) = 1 - sigma(a).

    Args:
        units: int. Size of h, > 0.
        activation: activation of g, default `"tanh"`.
        recurrent_activation: activation of r and z, default `"sigmoid"`.
        use_bias: bool. Default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            regularizers of W, U, b, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint:
            constraints of W, U, b, default `None`.
        dropout: float in [0, 1). Input dropout, one mask per sequence,
            default 0.
        recurrent_dropout: float in [0, 1). Dropout on h_prev before U (not
            in the z * h_prev term), one mask per sequence, default 0.
        reset_after: bool. Apply r after the recurrent matmul (cuDNN
            style, one recurrent matmul per step) instead of before it (the
            equations above), default `False`.
        weight_norm: bool. Reparameterize W and U as g * v / ||v|| per
            column (Salimans & Kingma 2016, see
            `zoo.layers.weight_normalization.WeightNormMixin`), default
            `False`.
        seed: int or None. Seed of the dropout masks, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        inputs: [batch, features] tensor, one time step.
        states: `[h_prev]` (or h_prev), [batch, units].
        training: bool. Applies dropout when true.

    Returns `(h, [h])`.

    Masking: a cell sees one step; `keras.layers.RNN(cell)` and
    `zoo.layers.CoupledGRU` keep h unchanged at masked steps.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import CoupledGRUCell

    layer = keras.layers.RNN(CoupledGRUCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    num_gates = 3

    def __init__(self, units, reset_after=False, weight_norm=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = bool(reset_after)
        self.init_weight_norm(weight_norm)

    @property
    def hoists_recurrent_kernel(self):
        # Only the reset_after step multiplies by the whole U
        # (`recurrent_matmul`); the other one multiplies by slices of it.
        return self.reset_after

    @property
    def bias_shape(self):
        if self.reset_after:
            return (2, 3 * self.units)
        return (3 * self.units,)

    def build(self, input_shape):
        super().build(input_shape)
        self.build_weight_norm()

    def project_inputs(self, inputs, dropout_mask=None):
        if dropout_mask is not None:
            inputs = inputs * self._broadcast_mask(dropout_mask, inputs)
        projected = ops.matmul(inputs, self.effective_kernel())
        if self.use_bias:
            projected = projected + (
                self.bias[0] if self.reset_after else self.bias
            )
        return projected

    def recurrent_step(
        self, projected_inputs, states, training=False, recurrent_dropout_mask=None
    ):
        h_prev = self.split_states(states)[0]
        h_in = self.recurrent_input(h_prev, training, recurrent_dropout_mask)
        units = self.units
        x_z, x_r, x_g = ops.split(projected_inputs, 3, axis=-1)
        if self.reset_after:
            inner = self.recurrent_matmul(h_in)
            if self.use_bias:
                inner = inner + self.bias[1]
            u_z, u_r, u_g = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(x_z + u_z)
            r = self.recurrent_activation(x_r + u_r)
            g = self.activation(x_g + r * u_g)
        else:
            kernel = self.effective_recurrent_kernel()
            inner = ops.matmul(h_in, kernel[:, : 2 * units])
            u_z, u_r = ops.split(inner, 2, axis=-1)
            z = self.recurrent_activation(x_z + u_z)
            r = self.recurrent_activation(x_r + u_r)
            g = self.activation(x_g + ops.matmul(r * h_in, kernel[:, 2 * units :]))
        h = z * h_prev + (1.0 - z) * g
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    def get_config(self):
        config = {"reset_after": self.reset_after, **self.weight_norm_config()}
        return {**super().get_config(), **config}
