"""`LayerNormLSTMCell`: an LSTM cell with layer normalization."""

import keras
from keras import ops

from zoo.layers.layer_norm import DEFAULT_EPSILON
from zoo.layers.layer_norm import HoistedKernelsMixin
from zoo.layers.layer_norm import center_columns
from zoo.layers.layer_norm import layer_norm
from zoo.layers.layer_norm_options import LayerNormOptionsMixin
from zoo.layers.recurrent_cell import RecurrentCell


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormLSTMCell(LayerNormOptionsMixin, HoistedKernelsMixin, RecurrentCell):
    """LSTM cell with layer normalization (Ba, Kiros & Hinton 2016).

    Ba, Kiros & Hinton, "Layer Normalization", 2016, section 3.1 / eq. 20-22.
    The input and the recurrent pre-activations are normalized separately,
    each with its own learned gain and without a bias of its own (the gates
    keep a single bias b), and the cell state is normalized (gain and bias)
    before the output tanh:

        [a_i, a_f, a_c, a_o] = LN(W x; g_x) + LN(U h_prev; g_h) + b
        i   = sigma(a_i)
        f   = sigma(a_f)
        C~  = tanh(a_c)
        c   = f * c_prev + i * C~
        o   = sigma(a_o)
        h   = o * tanh(LN(c; g_c, b_c))

    LN(a; g, b) = g * (a - mean(a)) / sqrt(var(a) + epsilon) + b, with the
    mean and variance over the 4 * units pre-activations of all gates
    together (as in the paper), and over the units of c. The state carried
    to the next step is the unnormalized c (the paper's equations;
    TensorFlow Addons' cell carried LN(c) instead). sigma is
    `recurrent_activation`, tanh is `activation`.

    Weights: `kernel` W [features, 4 units], `recurrent_kernel` U
    [units, 4 units], `bias` b [4 units] (gate order i, f, c, o, like
    Keras), `kernel_norm_gamma` g_x and `recurrent_norm_gamma` g_h
    [4 units], `cell_norm_gamma` g_c and `cell_norm_beta` b_c [units].

    With `weight_norm=True` (Salimans & Kingma 2016) W and U are
    reparameterized column by column,

        W[:, j] = g_W[j] * v_W[:, j] / ||v_W[:, j]||
        U[:, j] = g_U[j] * v_U[:, j] / ||v_U[:, j]||

    `kernel` and `recurrent_kernel` hold the directions v, and two more
    weights, `kernel_g` and `recurrent_kernel_g` [4 units], the lengths g
    (see `zoo.layers.weight_normalization`). LN(W x) divides by the spread
    of all 4 * units columns together, not by each column's, so g still
    sets the relative scale of the columns.

    Args:
        units: int. Size of h and c, > 0.
        epsilon: float. Added to the variance in every LN, default 1e-3
            (the same argument name in every zoo layer-norm cell).
        gamma_initializer: initializer of the gains g_x, g_h, g_c, default
            `"ones"`.
        beta_initializer: initializer of b_c, default `"zeros"`.
        activation: activation of C~ and of the output, default `"tanh"`.
        recurrent_activation: activation of the gates, default `"sigmoid"`.
        use_bias: bool. Whether the gates have the bias b, default `True`.
        kernel_initializer: initializer of W, default `"glorot_uniform"`.
        recurrent_initializer: initializer of U, default `"orthogonal"`.
        bias_initializer: initializer of b, default `"zeros"`.
        unit_forget_bias: bool. Start b_f at 1, default `True`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer,
        gamma_regularizer, beta_regularizer: regularizers of W, U, b, the
            gains (g_x, g_h, g_c) and b_c, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint,
        gamma_constraint, beta_constraint: constraints of the same
            weights, default `None`.
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
    `zoo.layers.LayerNormLSTM` skip masked steps (states unchanged).

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import LayerNormLSTMCell

    layer = keras.layers.RNN(LayerNormLSTMCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    num_gates = 4
    forget_gate_index = 1

    def __init__(
        self,
        units,
        epsilon=DEFAULT_EPSILON,
        gamma_initializer="ones",
        beta_initializer="zeros",
        gamma_regularizer=None,
        beta_regularizer=None,
        gamma_constraint=None,
        beta_constraint=None,
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(units, **kwargs)
        self.init_layer_norm(epsilon, gamma_initializer, gamma_regularizer, gamma_constraint)
        self.beta_initializer = keras.initializers.get(beta_initializer)
        self.beta_regularizer = keras.regularizers.get(beta_regularizer)
        self.beta_constraint = keras.constraints.get(beta_constraint)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def build(self, input_shape):
        super().build(input_shape)
        width = 4 * self.units
        self.add_norm_gain("kernel_norm_gamma", width)
        self.add_norm_gain("recurrent_norm_gamma", width)
        self.add_norm_gain("cell_norm_gamma", self.units)
        self.cell_norm_beta = self.add_weight(
            shape=(self.units,),
            name="cell_norm_beta",
            initializer=self.beta_initializer,
            regularizer=self.beta_regularizer,
            constraint=self.beta_constraint,
        )
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
        h_prev, c_prev = states[0], states[1]
        h_in = self.recurrent_input(h_prev, training, recurrent_dropout_mask)
        z = projected_inputs + self.layer_norm_matmul(
            h_in, "recurrent_kernel", self.recurrent_norm_gamma
        )
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o)
        normed_c = layer_norm(
            c, self.cell_norm_gamma, self.cell_norm_beta, epsilon=self.epsilon
        )
        h = o * self.activation(normed_c)
        return h, [h, c]

    def get_config(self):
        config = {
            **self.layer_norm_config(),
            "beta_initializer": keras.initializers.serialize(self.beta_initializer),
            "beta_regularizer": keras.regularizers.serialize(self.beta_regularizer),
            "beta_constraint": keras.constraints.serialize(self.beta_constraint),
            "unit_forget_bias": self.unit_forget_bias,
        }
        return {**super().get_config(), **config}
