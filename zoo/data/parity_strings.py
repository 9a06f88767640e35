"""Bit strings and their parity: the data of the textbook parity RNN.

The parity of a bit string is 1 if it holds an odd number of ones, else 0:

    parity(x_1 ... x_T) = (x_1 + ... + x_T) mod 2 = x_1 xor ... xor x_T

An RNN reads the string one bit per time step and emits the running parity
`p_t = p_{t-1} xor x_t` (with `p_0 = 0`), keeping `p_{t-1}` in its state.
Appending zeros leaves the parity unchanged, so strings of different lengths
share a batch by zero-padding on the right, and the last step of every row
holds the parity of its whole string.
"""

import numpy as np

from zoo.argument_checks import check_positive_integer

BIT_CHARACTERS = frozenset("01")


def as_bits(bits):
    """The bits of `bits` as a 1-D uint8 array, after checking them.

    Args:
        bits: a non-empty str of '0' and '1' characters, like `"1011"`, or a
            non-empty list, tuple or 1-D integer numpy array of 0/1 ints.

    Raises:
        ValueError: empty input, a wrong type, or a character or item other
            than 0 and 1 (the message names it and its position).

    Example:

    >>> as_bits("1011").tolist()
    [1, 0, 1, 1]
    >>> as_bits([0, 1]).tolist()
    [0, 1]
    """
    if isinstance(bits, str):
        if not bits:
            raise ValueError("A bit string must have at least one bit, got ''")
        if not BIT_CHARACTERS.issuperset(bits):
            position, character = next(
                (i, c) for i, c in enumerate(bits) if c not in BIT_CHARACTERS
            )
            raise ValueError(
                f"A bit string holds only '0' and '1', got {character!r} at "
                f"position {position} of {shorten(bits)!r}"
            )
        return np.frombuffer(bits.encode("ascii"), np.uint8) - np.uint8(ord("0"))
    if isinstance(bits, np.ndarray):
        if bits.ndim != 1 or bits.dtype.kind not in "iu":
            raise ValueError(
                "Bits as a numpy array must be 1-D with an integer dtype, got "
                f"shape {bits.shape} and dtype {bits.dtype}"
            )
        if bits.size == 0:
            raise ValueError("Bits must hold at least one bit, got an empty array")
        bad = np.flatnonzero((bits != 0) & (bits != 1))
        if bad.size:
            position = int(bad[0])
            raise ValueError(
                f"Bits must be 0 or 1 ints, got {bits[position].item()!r} (int) "
                f"at position {position}"
            )
        return bits.astype(np.uint8)
    if not isinstance(bits, (list, tuple)):
        raise ValueError(
            "Bits must be a str like '1011' or a list of 0/1 ints, got "
            f"{type(bits).__name__} {shorten(repr(bits))}"
        )
    if len(bits) == 0:
        raise ValueError(f"Bits must hold at least one bit, got {bits!r}")
    for position, item in enumerate(bits):
        is_int = isinstance(item, (int, np.integer)) and not isinstance(
            item, (bool, np.bool_)
        )
        if not is_int or item not in (0, 1):
            raise ValueError(
                f"Bits must be 0 or 1 ints, got {item!r} "
                f"({type(item).__name__}) at position {position}"
            )
    return np.asarray(bits, np.uint8)


def parity_sequences(bit_strings, length=None):
    """RNN inputs and running-parity targets for each string in `bit_strings`.

    Args:
        bit_strings: iterable of bit strings, each anything `as_bits` takes.
        length: time steps; default the length of the longest string.
            Shorter strings are padded with zeros on the right, which keeps
            their parity: the last step holds the parity of each string.

    Returns:
        `(bits, running_parity)`: float32 arrays `[n, length, 1]` and
        `[n, length]`, where `running_parity[i, t]` is the parity of the
        first `t + 1` bits of string `i`.
    """
    rows = [as_bits(bits) for bits in bit_strings]
    if not rows:
        raise ValueError("`bit_strings` must hold at least one bit string")
    longest = max(len(row) for row in rows)
    if length is None:
        length = longest
    if length < longest:
        raise ValueError(
            f"`length`={length} is shorter than the longest bit string ({longest} bits)"
        )
    bits = np.zeros((len(rows), length), np.uint8)
    for index, row in enumerate(rows):
        bits[index, : len(row)] = row
    running_parity = np.cumsum(bits, axis=1, dtype=np.int64) % 2
    return bits[..., None].astype(np.float32), running_parity.astype(np.float32)


def all_bit_strings(length):
    """Every bit string of exactly `length` bits (2**length strings), in order."""
    check_positive_integer("length", length)
    return [format(number, f"0{length}b") for number in range(1 << length)]


def random_bit_strings(count, length, seed=0):
    """`count` uniformly random bit strings of exactly `length` bits."""
    check_positive_integer("length", length)
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, size=(count, length), dtype=np.uint8)
    return [(row + np.uint8(ord("0"))).tobytes().decode("ascii") for row in bits]


def shorten(text, keep=20):
    """`text`, with its middle elided when longer than `2 * keep` characters."""
    if len(text) <= 2 * keep:
        return text
    return f"{text[:keep]}...{text[-keep:]}"
