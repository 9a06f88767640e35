"""`PeepholeLSTM`: the fused sequence layer of `PeepholeLSTMCell`."""

import keras

from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.peephole_lstm_cell import PeepholeLSTMCell


@keras.saving.register_keras_serializable(package="zoo")
class PeepholeLSTM(FusedRNNLayer):
    """Peephole LSTM layer (Gers & Schmidhuber 2000), input projection fused.

    Runs `PeepholeLSTMCell` over a sequence. The input part of every gate,
    W x_t + b for all t, is one batched matmul before the time loop; the
    loop computes only

        i = sigma(P_i + U_i h_prev + p_i * c_prev)
        f = sigma(P_f + U_f h_prev + p_f * c_prev)
        c = f * c_prev + i * tanh(P_c + U_c h_prev)
        o = sigma(P_o + U_o h_prev + p_o * c)
        h = o * tanh(c)

    with P = W x_t + b precomputed (see `PeepholeLSTMCell` for the
    equations and weights). With `weight_norm=True` W and U are
    g * v / ||v|| column by column (Salimans & Kingma 2016). Same outputs
    and gradients as `keras.layers.RNN(PeepholeLSTMCell(...))` with the same
    weights, whose `set_weights` accepts this layer's `get_weights()`.

    Args:
        units: int. Size of h and c, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `PeepholeLSTMCell` argument (`activation`,
            `unit_forget_bias`, `peephole_initializer`, `weight_norm`,
            `dropout`, `recurrent_dropout`, `seed`, ...) and the layer
            arguments
            `name`, `dtype`, `trainable`, `activity_regularizer`.

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
    import keras
    import numpy as np
    from zoo.layers import PeepholeLSTM

    model = keras.Sequential([
        keras.Input((None, 4)),
        keras.layers.Masking(0.0),
        keras.layers.Bidirectional(PeepholeLSTM(8)),
        keras.layers.Dense(1),
    ])
    predictions = model(np.ones((2, 5, 4), "float32"))  # (2, 1)
    ```
    """

    cell_class = PeepholeLSTMCell
