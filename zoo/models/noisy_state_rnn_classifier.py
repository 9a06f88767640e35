"""The base of the textbook bit RNNs: a noisy-state SimpleRNN with a sigmoid readout."""

import keras
from keras import ops

from zoo.argument_checks import check_non_negative_number
from zoo.argument_checks import check_positive_integer
from zoo.layers.noisy_state_cell import NoisyStateCell


@keras.saving.register_keras_serializable(package="zoo")
class NoisyStateRNNClassifier(keras.Model):
    """A SimpleRNN with state noise in training and a yes/no answer at every step.

    The shared body of `BinaryAdder` and `ParityRNN`: the RNN reads one
    input vector `x_t` per step, keeps what it must remember in its state
    `h_t`, and outputs, at every step, the probability of a binary answer:

        h_t = tanh(W x_t + U h_{t-1} + b) (+ noise_t in training)
        p_t = sigmoid(v . h_t + c)

    `noise_t` is Gaussian with standard deviation `state_noise`, drawn for
    the whole sequence before the time loop (see `NoisyStateCell`); it makes
    the states attractors with a margin, which is what lets a network
    trained on short sequences stay exact on sequences hundreds of times
    longer. At inference (`training=False`) the noise is zero.

    Subclasses set `readout_name`, the name of the readout layer (and so
    of its weights: `"sum_bit"` for the adder, `"parity"` for the parity
    RNN), and give `units` and `state_noise` their own defaults.

    Args:
        units: int. Hidden units, default 8.
        state_noise: float. Standard deviation of the noise added to the
            hidden state in training, default 0.5.
        seed: int. Seed of the noise, default None.

    Call arguments:
        inputs: float tensor `[batch, time, features]`.
        training: bool. Adds the state noise when true, default False.

    Returns:
        `[batch, time]` probabilities of the answer at every step.

    Example:

    >>> import numpy as np
    >>> model = NoisyStateRNNClassifier(units=3, state_noise=0.5, seed=0)
    >>> x = np.ones((2, 6, 4), "float32")
    >>> tuple(model(x).shape)
    (2, 6)
    >>> clean = keras.ops.convert_to_numpy(model(x))
    >>> noisy = keras.ops.convert_to_numpy(model(x, training=True))
    >>> bool(np.all((clean > 0) & (clean < 1))), bool(np.allclose(clean, noisy))
    (True, False)
    """

    readout_name = "readout"

    def __init__(self, units=8, state_noise=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        check_positive_integer("units", units)
        self.units = units
        self.state_noise = check_non_negative_number("state_noise", state_noise)
        self.seed = seed
        self.rnn = keras.layers.RNN(
            NoisyStateCell(keras.layers.SimpleRNNCell(units)),
            return_sequences=True,
            name="rnn",
        )
        self.readout = keras.layers.Dense(1, activation="sigmoid", name=self.readout_name)
        self.noise_seed = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        # The RNN's step input is [x_t, noise_t]: the features plus `units`.
        self.rnn.build(tuple(input_shape[:-1]) + (input_shape[-1] + self.units,))
        self.readout.build(tuple(input_shape[:-1]) + (self.units,))
        self.built = True

    def call(self, inputs, training=False):
        noise_shape = (ops.shape(inputs)[0], ops.shape(inputs)[1], self.units)
        if training and self.state_noise > 0:
            noise = keras.random.normal(
                noise_shape, stddev=self.state_noise, dtype=inputs.dtype, seed=self.noise_seed
            )
        else:
            noise = ops.zeros(noise_shape, dtype=inputs.dtype)
        hidden = self.rnn(ops.concatenate([inputs, noise], axis=-1))
        return ops.squeeze(self.readout(hidden), axis=-1)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "state_noise": self.state_noise,
            "seed": self.seed,
        }
