"""`StepFunctionRNN`: Keras' differentiable time loop around a step function.

A training decoder needs the encoder memory at every step, and a Keras 3
`RNN` has no per-sequence constants. `keras.ops.scan` would take them from
a closure, but on TensorFlow its `tf.while_loop` has no
`maximum_iterations`, so it cannot be differentiated under XLA
(`jit_compile=True`). `keras.layers.RNN` runs Keras' own loop (a
`tf.while_loop` with `maximum_iterations`, `lax.scan` on JAX) that can;
this layer hands that loop a step function plus constants:

    rnn = StepFunctionRNN(step, state_size=[...], output_size=n)
    outputs = rnn(sequences, initial_state=[...], constants=(memory, ...))
        # outputs[:, t] = step(sequences[:, t], states, constants, training)[0]

The constants are set on the cell for the duration of the call (read from
the step function's closure at trace time, so XLA and JAX treat them as
loop invariants, not as loop state to be stacked for the backward pass).
Not serializable: a model builds it from its own configuration.
"""

import keras


class StepFunctionRNN(keras.layers.RNN):
    """`keras.layers.RNN(return_sequences=True)` running `step_fn`."""

    def __init__(self, step_fn, state_size, output_size, **kwargs):
        super().__init__(
            _StepFunctionCell(step_fn, state_size, output_size),
            return_sequences=True,
            **kwargs,
        )

    def call(self, sequences, initial_state, constants=(), training=False):
        self.cell.__dict__["constants"] = tuple(constants)
        try:
            return super().call(sequences, initial_state=list(initial_state), training=training)
        finally:
            self.cell.__dict__["constants"] = None


class _StepFunctionCell(keras.layers.Layer):
    def __init__(self, step_fn, state_size, output_size):
        super().__init__()
        self.__dict__["step_fn"] = step_fn
        self.__dict__["constants"] = None
        self.state_size = list(state_size)
        self.output_size = output_size
        self.built = True

    def build(self, input_shape):
        pass

    def call(self, inputs, states, training=False):
        constants = self.__dict__["constants"]
        if constants is None:
            raise ValueError("StepFunctionRNN must be called with its `constants`.")
        return self.__dict__["step_fn"](inputs, list(states), constants, training)
