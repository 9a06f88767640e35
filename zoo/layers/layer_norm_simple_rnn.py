"""`LayerNormSimpleRNN`: the fused sequence layer of `LayerNormSimpleRNNCell`."""

import keras

from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormSimpleRNN(FusedRNNLayer):
    """Layer-normalized SimpleRNN layer (Ba et al. 2016), input part fused.

    Runs `LayerNormSimpleRNNCell` over a sequence. The input part with its
    layer norm, A = LN(W x_t; gamma_x) + b for all t, is one batched matmul
    and one normalization before the time loop; the loop computes only

        h = tanh(A + LN(U h_prev; gamma_h))

    Same outputs and gradients as
    `keras.layers.RNN(LayerNormSimpleRNNCell(...))` with the same weights,
    whose `set_weights` accepts this layer's `get_weights()`.

    Args:
        units: int. Size of h, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `LayerNormSimpleRNNCell` argument (`activation`,
            `epsilon`, `gamma_initializer`, `weight_norm`, `dropout`,
            `recurrent_dropout`, `seed`, ...) and the layer arguments
            `name`, `dtype`, `trainable`, `activity_regularizer`.

    Call arguments:
        sequences: [batch, time, features] tensor.
        initial_state: optional `[h0]`, [batch, units].
        mask: optional [batch, time] boolean tensor (`True` = use the step);
            also taken from an upstream `Masking` or `Embedding(mask_zero)`.
        training: bool. Applies dropout (one mask per sequence).

    Masking: masked steps leave h unchanged; their output is the previous
    output (zeros with `zero_output_for_mask=True`).

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.layers import LayerNormSimpleRNN

    model = keras.Sequential([
        keras.Input((None, 4)),
        keras.layers.Masking(0.0),
        LayerNormSimpleRNN(8),
        keras.layers.Dense(1),
    ])
    predictions = model(np.ones((2, 5, 4), "float32"))  # (2, 1)
    ```
    """

    cell_class = LayerNormSimpleRNNCell
