"""`LayerNormLSTM`: the fused sequence layer of `LayerNormLSTMCell`."""

import keras

from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.layer_norm_lstm_cell import LayerNormLSTMCell


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormLSTM(FusedRNNLayer):
    """Layer-normalized LSTM layer, input projection fused.

    Runs `LayerNormLSTMCell` (Ba, Kiros & Hinton 2016) over a sequence.
    The input part, P = LN(W x_t; g_x) + b for all t (matmul and its layer
    norm), is computed for the whole sequence before the time loop; the loop
    computes only

        [a_i, a_f, a_c, a_o] = P + LN(U h_prev; g_h)
        c = sigma(a_f) * c_prev + sigma(a_i) * tanh(a_c)
        h = sigma(a_o) * tanh(LN(c; g_c, b_c))

    (see `LayerNormLSTMCell` for the details). With `weight_norm=True` W
    and U are g * v / ||v|| column by column (Salimans & Kingma 2016).

    Same outputs and gradients as `keras.layers.RNN(LayerNormLSTMCell(...))` with
    the same weights, whose `set_weights` accepts this layer's
    `get_weights()` (the variable paths are the same too).

    Args:
        units: int. Size of h and c, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `LayerNormLSTMCell` argument (`epsilon`,
            `gamma_regularizer`, `weight_norm`, ...; see its docstring) and
            the layer arguments `name`, `dtype`, `trainable`,
            `activity_regularizer`.

    Call arguments:
        sequences: [batch, time, features] tensor.
        initial_state: optional `[h0, c0]`, each [batch, units].
        mask: optional [batch, time] boolean tensor (`True` = use the step);
            also taken from an upstream `Masking` or `Embedding(mask_zero)`.
        training: bool. Applies dropout (one mask per sequence).

    Masking: masked steps leave h and c unchanged; their output is the
    previous output (zeros with `zero_output_for_mask=True`).

    Example:

    ```python
    import numpy as np
    from zoo.layers import LayerNormLSTM

    layer = LayerNormLSTM(8, return_sequences=True, return_state=True)
    outputs, h, c = layer(np.ones((2, 5, 4), "float32"))  # (2, 5, 8), (2, 8)

    normalized = LayerNormLSTM(8, weight_norm=True, gamma_regularizer="l2")
    h = normalized(np.ones((2, 5, 4), "float32"))  # (2, 8)
    ```
    """

    cell_class = LayerNormLSTMCell
