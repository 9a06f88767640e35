"""The textbook parity RNN: the parity of bit strings of any length."""

import keras
from keras import ops

from zoo.data.parity_strings import as_bits
from zoo.data.parity_strings import parity_sequences
from zoo.data.parity_strings import shorten
from zoo.models.noisy_state_rnn_classifier import NoisyStateRNNClassifier


@keras.saving.register_keras_serializable(package="zoo")
class ParityRNN(NoisyStateRNNClassifier):
    """An RNN that reads a bit string and outputs its running parity.

    Parity (is the number of ones odd?) is the lectures' example of a
    function a fixed-width MLP learns badly, since flipping any one input
    bit flips the answer, while one recurrent step does it for any length:
    the RNN reads one bit `x_t` per step, keeps the parity of the bits so
    far in its state, and outputs, at every step, the probability that the
    prefix `x_1 ... x_t` holds an odd number of ones:

        h_t = tanh(W x_t + U h_{t-1} + b) (+ noise_t in training)
        p_t = sigmoid(v . h_t + c)  the probability that x_1 xor ... xor x_t = 1

    The parity of the whole string is `p_T > 0.5`. Trained on strings of at
    most 8 bits, it gives the exact parity of strings of any length,
    provided its two parity states are stable attractors; Gaussian noise
    on the state during training (`state_noise`, see `NoisyStateCell`)
    gives them the margin that makes this hold for 1,000-bit strings and
    beyond (the shipped `parity` checkpoint: 1,000/1,000 random 1,000-bit
    strings and two 100,000-bit ones, see `recipes/parity.py`).
    Zero bits appended to a string keep its parity, so strings of different
    lengths share a batch zero-padded on the right (no mask needed).
    The network itself is `NoisyStateRNNClassifier`'s.

    `parity(bits)` and `running_parity(bits)` take a str like `"1011"` or a
    list of 0/1 ints, read left to right; anything else raises a ValueError
    that names the bad character or item and its position.

    Args:
        units: int. Hidden units, default 8.
        state_noise: float. Standard deviation of the noise added to the
            hidden state in training, default 0.3.
        seed: int. Seed of the noise, default None.

    Call arguments:
        bits: float tensor `[batch, time, 1]`, the bits in reading order
            (see `zoo.data.parity_strings.parity_sequences`).

    Returns:
        `[batch, time]` probabilities that the running parity is 1.

    Example:

    >>> import zoo
    >>> model = zoo.load("parity")
    >>> model.parity("1011")
    1
    >>> model.parity([1, 0, 0, 1])
    0
    >>> model.running_parity("1011")
    [1, 1, 0, 1]
    >>> bits = "10" * 500 + "1"                 # 501 ones in 1,001 bits
    >>> model.parity(bits)
    1
    >>> import numpy as np
    >>> untrained = ParityRNN(units=2)
    >>> tuple(untrained(np.zeros((3, 7, 1), "float32")).shape)
    (3, 7)
    """

    demo_inputs = ("1011", "0000", f"{3**630:b}")

    readout_name = "parity"

    def __init__(self, units=8, state_noise=0.3, seed=None, **kwargs):
        super().__init__(units=units, state_noise=state_noise, seed=seed, **kwargs)

    def running_parity_many(self, bit_strings, batch_size=256):
        """Running parities (lists of 0/1 ints) of many bit strings.

        Each string is a str like `"1011"` or a list of 0/1 ints; strings
        of different lengths are fine. Raises ValueError on bad input.
        """
        if isinstance(bit_strings, str):
            raise ValueError(
                f"Expected a list of bit strings, got the str {shorten(bit_strings)!r}: "
                "use `parity(bits)` / `running_parity(bits)` for one string"
            )
        rows = [as_bits(bits) for bits in bit_strings]
        results = []
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            # Zeros appended keep the parity; padding to a power of two of
            # steps lets one compiled predict function serve many lengths.
            longest = max(len(bits) for bits in chunk)
            steps = max(16, 1 << (longest - 1).bit_length())
            inputs, _ = parity_sequences(chunk, length=steps)
            probabilities = ops.convert_to_numpy(self.predict_on_batch(inputs))
            results.extend(
                (row[: len(bits)] > 0.5).astype(int).tolist()
                for row, bits in zip(probabilities, chunk)
            )
        return results

    def parity_many(self, bit_strings, batch_size=256):
        """The parity (0 or 1) of each bit string, computed by the RNN."""
        return [
            running[-1] for running in self.running_parity_many(bit_strings, batch_size)
        ]

    def running_parity(self, bits):
        """The parity of every prefix of `bits` (a list of 0/1 ints)."""
        return self.running_parity_many([bits])[0]

    def parity(self, bits):
        """The parity of `bits`, a str like `"1011"` or a list of 0/1 ints:
        1 if it holds an odd number of ones, else 0."""
        return self.parity_many([bits])[0]

    def predict_text(self, inputs):
        """For `zoo predict`: each input is a bit string like "1011"."""
        strings = [text.strip() for text in inputs]
        parities = self.parity_many(strings)
        lines = []
        for text, parity in zip(strings, parities):
            ones = text.count("1")
            verdict = "correct" if parity == ones % 2 else "WRONG"
            lines.append(
                f"parity({shorten(text)}) = {parity}  ({verdict}: "
                f"{plural(ones, 'one')} in {plural(len(text), 'bit')})"
            )
        return lines


def plural(count, noun):
    """`"1 bit"`, `"1,000 bits"`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
