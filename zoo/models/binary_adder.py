"""The textbook binary adder: an RNN that adds numbers of any length."""

import keras
import numpy as np
from keras import ops

from zoo.data.binary_numbers import addition_sequences
from zoo.data.binary_numbers import bits_to_int
from zoo.layers.noisy_state_cell import NoisyStateCell


@keras.saving.register_keras_serializable(package="zoo")
class BinaryAdder(keras.Model):
    """An RNN that reads two binary numbers and writes their sum, bit by bit.

    The lectures' argument for recurrence: an MLP on fixed-width inputs must
    learn addition separately for every bit position and cannot add longer
    numbers than it was built for; an RNN applies one learned step at every
    position, reading the bit pair (a_t, b_t) least-significant bit first
    and keeping the carry in its state:

        h_t = tanh(W x_t + U h_{t-1} + b) (+ noise_t in training)
        s_t = sigmoid(v . h_t + c)         the probability that sum bit t is 1

    Trained on numbers of at most 3 bits, it adds numbers of any length
    exactly, provided its states are stable attractors; Gaussian noise on
    the state during training (`state_noise`, see `NoisyStateCell`) gives
    them the margin that makes this hold for 1,000-bit numbers.

    Args:
        units: int. Hidden units, default 8.
        state_noise: float. Standard deviation of the noise added to the
            hidden state in training, default 0.5.
        seed: int. Seed of the noise, default None.

    Call arguments:
        bit_pairs: float tensor `[batch, time, 2]`, the bits of a and b,
            least-significant first, padded with zeros to one step more than
            the longer operand (room for the last carry).

    Returns:
        `[batch, time]` probabilities of the sum bits.

    Example:

    >>> import zoo
    >>> adder = zoo.load("binary_adder")
    >>> adder.add(2**200 + 1, 3**120) == 2**200 + 1 + 3**120
    True
    >>> untrained = BinaryAdder(units=4)
    >>> tuple(untrained(np.zeros((1, 5, 2), "float32")).shape)
    (1, 5)
    """

    demo_inputs = ("5 7", f"{2**100 + 12345} {3**60}")

    def __init__(self, units=8, state_noise=0.5, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"`units` must be a positive integer, got {units!r}")
        if state_noise < 0:
            raise ValueError(f"`state_noise` must be >= 0, got {state_noise}")
        self.units = units
        self.state_noise = state_noise
        self.seed = seed
        self.rnn = keras.layers.RNN(
            NoisyStateCell(keras.layers.SimpleRNNCell(units)),
            return_sequences=True,
            name="rnn",
        )
        self.readout = keras.layers.Dense(1, activation="sigmoid", name="sum_bit")
        self.noise_seed = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.rnn.build(tuple(input_shape[:-1]) + (input_shape[-1] + self.units,))
        self.readout.build(tuple(input_shape[:-1]) + (self.units,))
        self.built = True

    def call(self, bit_pairs, training=False):
        noise_shape = (ops.shape(bit_pairs)[0], ops.shape(bit_pairs)[1], self.units)
        if training and self.state_noise > 0:
            noise = keras.random.normal(
                noise_shape,
                stddev=self.state_noise,
                dtype=bit_pairs.dtype,
                seed=self.noise_seed,
            )
        else:
            noise = ops.zeros(noise_shape, dtype=bit_pairs.dtype)
        hidden = self.rnn(ops.concatenate([bit_pairs, noise], axis=-1))
        return ops.squeeze(self.readout(hidden), axis=-1)

    def add_many(self, pairs, batch_size=256):
        """Sums of `(a, b)` pairs of non-negative ints, computed by the RNN."""
        pairs = list(pairs)
        sums = []
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start : start + batch_size]
            bit_pairs, _ = addition_sequences(chunk)
            probabilities = ops.convert_to_numpy(self(bit_pairs))
            sums.extend(bits_to_int(row > 0.5) for row in probabilities)
        return sums

    def add(self, a, b):
        """`a + b` for non-negative ints of any length, computed by the RNN."""
        return self.add_many([(a, b)])[0]

    def predict_text(self, inputs):
        """For `zoo predict`: each input is "A B" (two non-negative ints)."""
        pairs = []
        for text in inputs:
            parts = text.replace("+", " ").split()
            if len(parts) != 2 or not all(part.isdigit() for part in parts):
                raise ValueError(
                    f"binary_adder input must be two non-negative integers "
                    f"like '12 30', got {text!r}"
                )
            pairs.append((int(parts[0]), int(parts[1])))
        sums = self.add_many(pairs)
        return [
            f"{a} + {b} = {total}  ({'correct' if total == a + b else 'WRONG'})"
            for (a, b), total in zip(pairs, sums)
        ]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "state_noise": self.state_noise,
            "seed": self.seed,
        }
