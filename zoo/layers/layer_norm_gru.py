"""`LayerNormGRU`: the fused sequence layer of `LayerNormGRUCell`."""

import keras

from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell


@keras.saving.register_keras_serializable(package="zoo")
class LayerNormGRU(FusedRNNLayer):
    """Layer-normalized GRU layer (Ba, Kiros & Hinton 2016), input part fused.

    Runs `LayerNormGRUCell` over a sequence. The input part with its layer
    norm, A = LN(W x_t; gamma_x) + b for all t, is one batched matmul and
    one normalization before the time loop; the loop computes only

        [n_z, n_r] = LN(U_zr h_prev; gamma_h[z, r])
        z = sigma(A_z + n_z),  r = sigma(A_r + n_r)
        g = tanh(A_g + LN(U_g (r * h_prev); gamma_h[g]))
        h = z * h_prev + (1 - z) * g

    (with `reset_after=True`: [n_z, n_r, n_g] = LN(U h_prev; gamma_h) and
    g = tanh(A_g + r * n_g); see `LayerNormGRUCell`). Same outputs and
    gradients as `keras.layers.RNN(LayerNormGRUCell(...))` with the same
    weights, whose `set_weights` accepts this layer's `get_weights()`.

    Args:
        units: int. Size of h, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `LayerNormGRUCell` argument (`epsilon`,
            `reset_after`, `gamma_initializer`, `weight_norm`, `dropout`,
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
    from zoo.layers import LayerNormGRU

    model = keras.Sequential([
        keras.Input((None, 4)),
        keras.layers.Masking(0.0),
        keras.layers.Bidirectional(LayerNormGRU(8, return_sequences=True)),
        keras.layers.Dense(1),
    ])
    predictions = model(np.ones((2, 5, 4), "float32"))  # (2, 5, 1)
    ```
    """

    cell_class = LayerNormGRUCell
