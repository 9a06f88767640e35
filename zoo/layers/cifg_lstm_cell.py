"""`CIFGLSTMCell`: an LSTM cell whose input gate is one minus its forget gate."""

import keras
from keras import ops

from zoo.layers.recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="zoo")
class CIFGLSTMCell(RecurrentCell):
    """Coupled input-forget gate (CIFG) LSTM cell, optional peepholes.

    Greff et al. 2017, "LSTM: A Search Space Odyssey" (the CIFG variant,
    after Cho et al. 2014's coupled update gate): what is forgotten is
    exactly what is written, so there is no separate input gate and one
    gate fewer to compute:

        f   = sigma(W_f x + U_f h_prev [+ p_f * c_prev] + b_f)
        i   = 1 - f
        C~  = tanh(W_c x + U_c h_prev + b_c)
        c   = f * c_prev + i * C~
        o   = sigma(W_o x + U_o h_prev [+ p_o * c] + b_o)
        h   = o * tanh(c)

    The bracketed peephole terms (Gers & Schmidhuber 2000; the output gate
    sees the new cell c) are there only with `use_peepholes=True`. sigma is
    `recurrent_activation`, tanh is `activation`. W, U and b keep the three
    blocks side by side in the order f, c, o: `kernel` [features, 3 units],
    `recurrent_kernel` [units, 3 units], `bias` [3 units]; the peepholes are
    `forget_gate_peephole_weights` and `output_gate_peephole_weights`.

    With `weight_norm=True` (Salimans & Kingma 2016) W and U are
    reparameterized column by column,

        W[:, j] = g_W[j] * v_W[:, j] / ||v_W[:, j]||
        U[:, j] = g_U[j] * v_U[:, j] / ||v_U[:, j]||

    `kernel` and `recurrent_kernel` hold the directions v, and two more
    weights, `kernel_g` and `recurrent_kernel_g` [3 units], the lengths g
    (see `zoo.layers.weight_normalization`); the peepholes and b are not
    reparameterized.

    Args:
        units: int. Size of h and c, > 0.
        use_peepholes: bool. Add the peephole terms, default `False`.
        activation: activation of C~ and of the output, default `"tanh"`.
        recurrent_activation: activation of the gates, default `"sigmoid"`.
        use_bias: bool. Default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        unit_forget_bias: bool. Start b_f at 1, default `True`.
        peephole_initializer: initializer of p_f, p_o, default
            `"glorot_uniform"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        peephole_regularizer: regularizers, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint,
        peephole_constraint: constraints, default `None`.
        weight_norm: bool. Reparameterize W and U as g * v / ||v|| per
            column (above), default `False`.
        dropout: float in [0, 1). Input dropout, one mask per sequence,
            default 0.
        recurrent_dropout: float in [0, 1). Dropout on h_prev before U, one
            mask per sequence, default 0.
        seed: int or None. Seed of the dropout masks, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        inputs: [batch, features] tensor, one time step.
        states: list `[h_prev, c_prev]`, each [batch, units].
        training: bool. Applies dropout when true.

    Returns `(h, [h, c])`.

    Masking: a cell sees one step; `keras.layers.RNN(cell)` or
    `zoo.layers.CIFGLSTM` skip masked steps (states unchanged).

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import CIFGLSTMCell

    layer = keras.layers.RNN(CIFGLSTMCell(8, use_peepholes=True))
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 8)

    normalized = keras.layers.RNN(CIFGLSTMCell(8, weight_norm=True))
    outputs = normalized(np.zeros((2, 5, 4), "float32"))  # (2, 8)
    ```
    """

    num_gates = 3
    forget_gate_index = 0

    def __init__(
        self,
        units,
        use_peepholes=False,
        unit_forget_bias=True,
        peephole_initializer="glorot_uniform",
        peephole_regularizer=None,
        peephole_constraint=None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.use_peepholes = bool(use_peepholes)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.peephole_regularizer = keras.regularizers.get(peephole_regularizer)
        self.peephole_constraint = keras.constraints.get(peephole_constraint)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        if self.use_peepholes:
            for gate in ("forget", "output"):
                weight = self.add_weight(
                    shape=(self.units,),
                    name=f"{gate}_gate_peephole_weights",
                    initializer=self.peephole_initializer,
                    regularizer=self.peephole_regularizer,
                    constraint=self.peephole_constraint,
                )
                setattr(self, f"{gate}_gate_peephole_weights", weight)
        self.build_weight_norm()

    def recurrent_step(
        self, projected_inputs, states, training=False, recurrent_dropout_mask=None
    ):
        h_prev, c_prev = states[0], states[1]
        h_in = self.recurrent_input(h_prev, training, recurrent_dropout_mask)
        z = projected_inputs + self.recurrent_matmul(h_in)
        z_f, z_c, z_o = ops.split(z, 3, axis=-1)
        if self.use_peepholes:
            z_f = z_f + self.forget_gate_peephole_weights * c_prev
        f = self.recurrent_activation(z_f)
        c = f * c_prev + (1.0 - f) * self.activation(z_c)
        if self.use_peepholes:
            z_o = z_o + self.output_gate_peephole_weights * c
        o = self.recurrent_activation(z_o)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = {
            "use_peepholes": self.use_peepholes,
            "unit_forget_bias": self.unit_forget_bias,
            "peephole_initializer": keras.initializers.serialize(
                self.peephole_initializer
            ),
            "peephole_regularizer": keras.regularizers.serialize(
                self.peephole_regularizer
            ),
            "peephole_constraint": keras.constraints.serialize(
                self.peephole_constraint
            ),
        }
        return {**super().get_config(), **config}
