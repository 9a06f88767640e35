"""`PeepholeLSTMCell`: an LSTM cell whose gates also see the cell state."""

import keras
from keras import ops

from zoo.layers.recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="zoo")
class PeepholeLSTMCell(RecurrentCell):
    """LSTM cell with peephole connections (Gers & Schmidhuber 2000).

    Gers & Schmidhuber, "Recurrent Nets that Time and Count", IJCNN 2000.
    The input and forget gates look at the previous cell state, the output
    gate at the new one, through diagonal ("peephole") weights p:

        i   = sigma(W_i x + U_i h_prev + p_i * c_prev + b_i)
        f   = sigma(W_f x + U_f h_prev + p_f * c_prev + b_f)
        C~  = tanh(W_c x + U_c h_prev + b_c)
        c   = f * c_prev + i * C~
        o   = sigma(W_o x + U_o h_prev + p_o * c + b_o)
        h   = o * tanh(c)

    sigma is `recurrent_activation`, tanh is `activation`, `*` is the
    elementwise product. W, U and b keep the four gates side by side in the
    order i, f, c, o (`kernel` [features, 4 units], `recurrent_kernel`
    [units, 4 units], `bias` [4 units]), exactly like
    `keras.layers.LSTMCell`, so with zero peepholes this cell computes what
    `keras.layers.LSTMCell` computes with the same weights. The peepholes
    are `input_gate_peephole_weights`, `forget_gate_peephole_weights` and
    `output_gate_peephole_weights`, each [units].

    With `weight_norm=True` (Salimans & Kingma 2016) W and U are
    reparameterized column by column,

        W[:, j] = g_W[j] * v_W[:, j] / ||v_W[:, j]||
        U[:, j] = g_U[j] * v_U[:, j] / ||v_U[:, j]||

    `kernel` and `recurrent_kernel` hold the directions v, and two more
    weights, `kernel_g` and `recurrent_kernel_g` [4 units], the lengths g
    (see `zoo.layers.weight_normalization`); the peepholes and b are not
    reparameterized.

    Args:
        units: int. Size of h and c, > 0.
        activation: activation of C~ and of the output, default `"tanh"`.
        recurrent_activation: activation of the gates, default `"sigmoid"`.
        use_bias: bool. Default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        unit_forget_bias: bool. Start b_f at 1 (Jozefowicz et al. 2015),
            default `True`.
        peephole_initializer: initializer of p_i, p_f, p_o, default
            `"glorot_uniform"` (what `tf.keras.experimental.PeepholeLSTMCell`
            used; pass `"zeros"` to start as a plain LSTM).
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
    `zoo.layers.PeepholeLSTM` skip masked steps (states unchanged).

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import PeepholeLSTMCell

    layer = keras.layers.RNN(PeepholeLSTMCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    num_gates = 4
    forget_gate_index = 1

    def __init__(
        self,
        units,
        unit_forget_bias=True,
        peephole_initializer="glorot_uniform",
        peephole_regularizer=None,
        peephole_constraint=None,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.peephole_initializer = keras.initializers.get(peephole_initializer)
        self.peephole_regularizer = keras.regularizers.get(peephole_regularizer)
        self.peephole_constraint = keras.constraints.get(peephole_constraint)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        for gate in ("input", "forget", "output"):
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
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(
            z_i + self.input_gate_peephole_weights * c_prev
        )
        f = self.recurrent_activation(
            z_f + self.forget_gate_peephole_weights * c_prev
        )
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o + self.output_gate_peephole_weights * c)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = {
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
