"""The textbook binary adder: an RNN that adds numbers of any length."""

import keras
import numpy as np
from keras import ops

from zoo.data.binary_numbers import addition_sequences
from zoo.data.binary_numbers import bits_to_int
from zoo.models.noisy_state_rnn_classifier import NoisyStateRNNClassifier


@keras.saving.register_keras_serializable(package="zoo")
class BinaryAdder(NoisyStateRNNClassifier):
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
    The network itself is `NoisyStateRNNClassifier`'s.

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

    readout_name = "sum_bit"

    def __init__(self, units=8, state_noise=0.5, seed=None, **kwargs):
        super().__init__(units=units, state_noise=state_noise, seed=seed, **kwargs)

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
