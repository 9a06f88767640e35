"""A cell wrapper that adds Gaussian noise to the recurrent state in training."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo")
class NoisyStateCell(keras.layers.Layer):
    """Adds precomputed noise to a cell's new state: a robustness regularizer.

    Noise on the hidden state during training forces the recurrence to
    correct small errors instead of amplifying them: its states become
    attractors with a margin around them. A network trained this way on
    short sequences keeps working on sequences hundreds of times longer,
    which is how the textbook binary adder, trained on 3-bit numbers, adds
    1,000-bit numbers.

    The noise enters as part of the step input, so it is drawn for the whole
    sequence before the time loop and the loop stays stateless (which JAX's
    compiled scan needs). Each step input is the concatenation
    `[x_t, noise_t]`, where `noise_t` has the size of the wrapped cell's
    first state; the cell sees `x_t`, and

        h_t = cell(x_t, h_{t-1}) + noise_t

    is both the output and the new first state. Pass zeros as noise at
    inference time.

    Args:
        cell: a Keras RNN cell with a single state (for example
            `keras.layers.SimpleRNNCell` or `keras.layers.GRUCell`).

    Example:

    >>> import keras, numpy as np
    >>> rnn = keras.layers.RNN(NoisyStateCell(keras.layers.SimpleRNNCell(4)))
    >>> x = np.zeros((2, 5, 3), "float32")
    >>> noise = np.random.default_rng(0).normal(size=(2, 5, 4)).astype("float32")
    >>> tuple(rnn(np.concatenate([x, noise], -1)).shape)
    (2, 4)
    """

    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        self.cell = cell
        state_size = keras.tree.flatten(cell.state_size)
        if len(state_size) != 1:
            raise ValueError(
                "NoisyStateCell wraps cells with a single state, got state_size="
                f"{cell.state_size}"
            )
        self.noise_size = int(state_size[0])
        self.state_size = cell.state_size
        self.output_size = self.noise_size

    def build(self, input_shape):
        features = input_shape[-1] - self.noise_size
        if features <= 0:
            raise ValueError(
                f"NoisyStateCell expects step inputs [x_t, noise_t] with "
                f"{self.noise_size} noise features after x_t, got "
                f"{input_shape[-1]} features in all"
            )
        self.cell.build(tuple(input_shape[:-1]) + (features,))

    def call(self, inputs, states, training=False):
        features = ops.shape(inputs)[-1] - self.noise_size
        output, _ = self.cell(inputs[..., :features], states, training=training)
        state = output + inputs[..., features:]
        return state, [state]

    def get_config(self):
        return {
            **super().get_config(),
            "cell": keras.saving.serialize_keras_object(self.cell),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["cell"] = keras.saving.deserialize_keras_object(config["cell"])
        return cls(**config)
