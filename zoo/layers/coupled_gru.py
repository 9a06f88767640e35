"""`CoupledGRU`: the fused sequence layer of `CoupledGRUCell`."""

import keras

from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.fused_rnn import FusedRNNLayer


@keras.saving.register_keras_serializable(package="zoo")
class CoupledGRU(FusedRNNLayer):
    """GRU layer (Cho et al. 2014, the lectures' GRU), input projection fused.

    Runs `CoupledGRUCell` over a sequence. P = W x_t + b for all t is one
    batched matmul before the time loop; the loop computes only

        r = sigma(P_r + U_r h_prev)
        z = sigma(P_z + U_z h_prev)
        g = tanh(P_g + U_g (r * h_prev))
        h = z * h_prev + (1 - z) * g

    or, with `reset_after=True`, g = tanh(P_g + r * (U_g h_prev + b'_g)) with
    one recurrent matmul per step (see `CoupledGRUCell`; its z is
    keras.layers.GRU's z, block order z, r, g, so Keras GRU weights load
    unchanged). Same outputs and gradients as
    `keras.layers.RNN(CoupledGRUCell(...))` with the same weights, whose
    `set_weights` accepts this layer's `get_weights()`.

    Args:
        units: int. Size of h, > 0.
        return_sequences, return_state, go_backwards, stateful, unroll,
        zero_output_for_mask: as in `keras.layers.RNN` (see
            `zoo.layers.FusedRNN`), default `False`.
        **kwargs: every `CoupledGRUCell` argument (`activation`,
            `recurrent_activation`, `reset_after`, `weight_norm`, `dropout`,
            `recurrent_dropout`, `seed`, initializers, regularizers,
            constraints) and the layer arguments `name`, `dtype`,
            `trainable`, `activity_regularizer`.

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
    from zoo.layers import CoupledGRU

    model = keras.Sequential([
        keras.Input((None, 4)),
        keras.layers.Masking(0.0),
        keras.layers.Bidirectional(CoupledGRU(8, reset_after=True)),
        keras.layers.Dense(1),
    ])
    predictions = model(np.ones((2, 5, 4), "float32"))  # (2, 1)
    ```
    """

    cell_class = CoupledGRUCell
