"""`FusedRNN`: `keras.layers.RNN` with the input projection out of the loop."""

import functools

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo")
class FusedRNN(keras.layers.RNN):
    """Runs a zoo cell over a sequence, projecting all inputs in one matmul.

    `keras.layers.RNN(cell)` calls the whole cell at every time step, so the
    input matmul `x_t @ W` (and, for layer-norm cells, its layer norm) runs
    once per step on a [batch, features] slice. `FusedRNN(cell)` computes
    `cell.project_inputs(x)` for all steps at once, one
    [time * batch, features] x [features, k * units] matmul, before the
    loop; the loop runs only `cell.recurrent_step` (h @ U and elementwise
    work). The numbers are the same as `keras.layers.RNN(cell)` with the
    same weights (the same float operations, reordered only across time),
    and so are the weights: the cell is `self.cell`, so the variable paths
    are `<layer>/<cell>/kernel` etc. as in `keras.layers.RNN(cell)`, and
    `keras.layers.RNN(cell).set_weights(fused.get_weights())` works.

    Everything else is Keras' own `keras.layers.RNN`: `return_sequences`,
    `return_state`, `go_backwards`, `stateful` / `reset_state`,
    `initial_state`, `zero_output_for_mask`, use inside
    `keras.layers.Bidirectional` and serialization. Only `inner_loop` is
    replaced: it projects the inputs, then runs Keras' own time loop (a
    `tf.while_loop` on TensorFlow, `lax.scan` on JAX, so it compiles under
    `jit_compile=True` and `jax.jit`) over the projections, with the cell in
    "projected inputs" mode, where its `call` is only `recurrent_step`.

    The cell must be a zoo cell (`zoo.layers.RecurrentCell`): it needs
    `project_inputs` and `recurrent_step`. The fused layers
    (`PeepholeLSTM`, `CIFGLSTM`, `LayerNormLSTM`, ...) are subclasses that
    build their cell from the cell's arguments, like `keras.layers.LSTM`.

    Masking: a `[batch, time]` boolean mask (from `keras.layers.Masking`,
    `Embedding(mask_zero=True)` or the `mask=` argument) keeps the states of
    a masked step unchanged, and its output is the previous output (zeros
    with `zero_output_for_mask=True`, which `Bidirectional` sets when it
    returns sequences): it is Keras' masking code that runs, so the results
    are those of `keras.layers.RNN` on the same backend, including its one
    backend difference (a masked step before any unmasked one outputs zeros
    on TensorFlow and PyTorch, the initial h on JAX; only a non-zero
    `initial_state` tells them apart).

    Where the projection runs (`hoist_inputs`): hoisting turns T small
    matmuls into one large one, which is what makes the loop fast on a GPU
    and what speeds up the backward pass everywhere. At inference on a CPU
    the FLOPs are the same either way and the hoisted [batch, time,
    k * units] tensor costs memory traffic that the per-step matmul does not
    (measured in `benchmarks/rnn_speed.py`: about 2x slower), so by default
    (`"auto"`) a fused layer hoists in training and on accelerators, and
    projects per step (as `keras.layers.RNN(cell)` does) at inference on a
    CPU. `True` always hoists, `False` hoists only in training with dropout
    (where the masks must be drawn before the loop). The numbers are the same.

    Dropout: the cell's input and recurrent masks are drawn once per call
    with the cell's seed generator, before the loop, and the same masks are
    used at every step (variational dropout); the loop stays stateless.

    Args:
        cell: a zoo cell (`RecurrentCell` subclass) instance.
        return_sequences: bool. Return the whole output sequence instead of
            the last output, default `False`.
        return_state: bool. Also return the final states, default `False`.
        go_backwards: bool. Process the sequence backwards and return the
            reversed output sequence, default `False`.
        stateful: bool. Keep the last states of each batch as the initial
            states of the next one (fixed batch size), default `False`.
        unroll: bool. Accepted for `keras.layers.RNN` compatibility; the
            loop is never unrolled, default `False`.
        zero_output_for_mask: bool. Output zeros at masked steps instead of
            the previous output, default `False`.
        hoist_inputs: `"auto"`, True or False. Where the input projection
            runs (see above), default `"auto"`.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Call arguments:
        sequences: [batch, time, features] tensor.
        initial_state: optional list of initial state tensors.
        mask: optional [batch, time] boolean tensor; `True` = use the step.
        training: bool. Applies dropout when the cell has any.

    Example:

    ```python
    import numpy as np
    from zoo.layers import FusedRNN, PeepholeLSTMCell

    layer = FusedRNN(PeepholeLSTMCell(8), return_sequences=True)
    outputs = layer(np.zeros((2, 5, 4), "float32"))  # (2, 5, 8)
    ```
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        hoist_inputs="auto",
        **kwargs,
    ):
        if hoist_inputs not in ("auto", True, False):
            raise ValueError(
                f'`hoist_inputs` must be "auto", True or False, got {hoist_inputs!r}'
            )
        self.hoist_inputs = hoist_inputs
        if not (
            hasattr(cell, "project_inputs") and hasattr(cell, "recurrent_step")
        ):
            raise ValueError(
                "FusedRNN needs a zoo cell with `project_inputs` and "
                "`recurrent_step` (a zoo.layers.RecurrentCell); got "
                f"{type(cell).__name__}. Use keras.layers.RNN for other cells."
            )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            **kwargs,
        )
        self.input_spec = keras.layers.InputSpec(ndim=3)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        # keras.layers.RNN.from_config pops "cell" from the caller's dict.
        return super().from_config(dict(config), custom_objects=custom_objects)

    def get_initial_state(self, batch_size):
        # Zero states without the cell's mask draw for plain keras RNN: the
        # fused loop draws its own masks (see `inner_loop`).
        return self.cell.zero_states(batch_size)

    def get_config(self):
        return {**super().get_config(), "hoist_inputs": self.hoist_inputs}

    def hoists(self, training):
        """Whether this call projects the inputs before the loop.

        Training with dropout always hoists: only the hoisted path draws the
        dropout masks before the loop, which keeps them one per sequence and
        the loop stateless.
        """
        if training and (self.cell.dropout > 0 or self.cell.recurrent_dropout > 0):
            return True
        if self.hoist_inputs == "auto":
            return bool(training) or on_accelerator()
        return self.hoist_inputs

    def inner_loop(self, sequences, initial_state, mask, training=False):
        # The kernels the cell derives from its weights (a layer-norm cell's
        # centered ones, see `zoo.layers.layer_norm`) are computed once
        # here, not at every step and in the backward pass of every step.
        with self.cell.hoisted_kernels():
            return self._fused_loop(sequences, initial_state, mask, training)

    def _fused_loop(self, sequences, initial_state, mask, training):
        cell = self.cell
        if not self.hoists(training):
            # No dropout applies here (see `hoists`): the cell projects each
            # step, as in keras.layers.RNN.
            return super().inner_loop(
                sequences, initial_state, mask=mask, training=training
            )
        input_mask = recurrent_mask = None
        if training and (cell.dropout > 0 or cell.recurrent_dropout > 0):
            input_mask, recurrent_mask = cell.make_dropout_masks(
                ops.shape(sequences)[0]
            )
        if input_mask is not None:
            sequences = sequences * ops.expand_dims(input_mask, 1)
        projected = self._project_time_major(sequences)
        # Keras' own loop (masking, go_backwards, zero_output_for_mask, the
        # XLA-friendly while loop / lax.scan) runs over the projections; in
        # this mode the cell's `call` is only its `recurrent_step`.
        with cell.projected_inputs_mode(recurrent_mask):
            return super().inner_loop(
                projected, initial_state, mask=mask, training=training
            )

    def _project_time_major(self, sequences):
        """`cell.project_inputs` of all steps, one 2-D matmul in time order.

        The projection is computed as [time * batch, k * units] and handed
        to Keras' loop as a transposed view of it: the loop swaps batch and
        time back, so under XLA the two transposes cancel and the large
        tensor is never copied across layouts. Projecting [batch, time,
        features] directly costs a transposed copy of the projection (and
        of its gradient, fused with any layer norm's backward pass) that
        is about a fifth of a CPU train step of `LayerNormLSTM` (see
        benchmarks/README.md); only the small [batch, time, features]
        input is transposed here. The matmul is 2-D because XLA's CPU dot
        of the weight gradient transposes a 3-D operand first.
        """
        shape = ops.shape(sequences)
        time_major = ops.reshape(
            ops.transpose(sequences, (1, 0, 2)), (-1, shape[2])
        )
        projected = self.cell.project_inputs(time_major)
        projected = ops.reshape(projected, (shape[1], shape[0], -1))
        return ops.transpose(projected, (1, 0, 2))


class FusedRNNLayer(FusedRNN):
    """Base of the fused layers that build their own cell, like keras.LSTM.

    A subclass names its cell class in `cell_class`; the constructor takes
    `units`, the RNN arguments and every argument of the cell, builds the
    cell (named `<cell class in snake case>`), and `get_config` returns the
    cell's arguments flat, next to the RNN ones, so that
    `cls.from_config(layer.get_config())` rebuilds it. Helper for the zoo
    fused layers (`PeepholeLSTM`, `CIFGLSTM`, `LayerNormLSTM`, ...):

        @keras.saving.register_keras_serializable(package="zoo")
        class PeepholeLSTM(FusedRNNLayer):
            cell_class = PeepholeLSTMCell
    """

    cell_class = None

    def __init__(
        self,
        units,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        hoist_inputs="auto",
        activity_regularizer=None,
        name=None,
        dtype=None,
        trainable=True,
        **cell_kwargs,
    ):
        if self.cell_class is None:
            raise ValueError(f"{type(self).__name__} must set `cell_class`.")
        cell = self.cell_class(
            units,
            dtype=dtype,
            trainable=trainable,
            name=_snake_case(self.cell_class.__name__),
            **cell_kwargs,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            zero_output_for_mask=zero_output_for_mask,
            hoist_inputs=hoist_inputs,
            activity_regularizer=activity_regularizer,
            name=name,
            dtype=dtype,
            trainable=trainable,
        )

    @property
    def units(self):
        return self.cell.units

    def get_config(self):
        config = super().get_config()
        cell_config = dict(config.pop("cell")["config"])
        for key in ("name", "dtype", "trainable"):
            cell_config.pop(key, None)
        config["activity_regularizer"] = keras.regularizers.serialize(
            self.activity_regularizer
        )
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


@functools.cache
def on_accelerator():
    """Whether Keras sees a GPU or TPU (asked once per process)."""
    if keras.backend.backend() == "torch":  # keras.distribution has no torch devices
        import torch

        return torch.cuda.is_available()
    return any(
        not device.lower().startswith("cpu")
        for device in keras.distribution.list_devices()
    )


def _snake_case(name):
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index and (
            not name[index - 1].isupper()
            or (index + 1 < len(name) and name[index + 1].islower())
        ):
            out.append("_")
        out.append(char.lower())
    return "".join(out)
