"""`CIFGLSTM`: the fused sequence layer of `CIFGLSTMCell`."""

import keras

from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.cifg_lstm_cell import CIFGLSTMCell


@keras.saving.register_keras_serializable(package="zoo")
class CIFGLSTM(FusedRNNLayer):
    """Coupled input-forget gate LSTM layer, input projection fused.

    Runs `CIFGLSTMCell` (Greff et al. 2017) over a sequence. The input
    part of every gate, P = W x_t + b for all t, is one batched matmul before
    the time loop; the loop computes only

        f = sigma(P_f + U_f h_prev [+ p_f * c_prev])
        c = f * c_prev + (1 - f) * tanh(P_c + U_c h_prev)
        o = sigma(P_o + U_o h_prev [+ p_o * c])
        h = o * tanh(c)

    (peephole terms with `use_peepholes=True`; see `CIFGLSTMCell`). With
    `weight_norm=True` W and U are g * v / ||v|| column by column (Salimans
    & Kingma 2016).

    Same outputs and gradients as `keras.layers.RNN(CIFGLSTMCell(...))` with
    the same weights, whose `set_weights` accepts this layer's
    `get_weights()` (the variable paths are the same too).

    Args:
        units: int. Size of h and c, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `CIFGLSTMCell` argument (`use_peepholes`,
            `weight_norm`, `dropout`, ...; see its docstring) and the layer
            arguments `name`, `dtype`, `trainable`,
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
    from zoo.layers import CIFGLSTM

    layer = CIFGLSTM(8, return_sequences=True, return_state=True)
    outputs, h, c = layer(np.ones((2, 5, 4), "float32"))  # (2, 5, 8), (2, 8)
    ```
    """

    cell_class = CIFGLSTMCell
