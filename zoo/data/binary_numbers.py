"""Binary numbers as bit sequences, least-significant bit first.

The data of the textbook binary adder: an RNN reads the bits of two numbers
one position per time step, from the least significant bit, and emits the
bit of the sum at each step, carrying the carry in its state.
"""

import itertools

import numpy as np


def int_to_bits(number, length):
    """The `length` lowest bits of a non-negative int, LSB first, as uint8."""
    if number < 0:
        raise ValueError(f"Only non-negative integers have bits here, got {number}")
    if number >= 1 << length:
        raise ValueError(f"{number} does not fit in {length} bits")
    raw = number.to_bytes((length + 7) // 8, "little")
    bits = np.unpackbits(np.frombuffer(raw, np.uint8), bitorder="little")
    return bits[:length]


def bits_to_int(bits):
    """The int whose bits (LSB first, any 0/1 array) are `bits`."""
    bits = np.asarray(bits, dtype=np.uint8)
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")


def addition_sequences(pairs, length=None):
    """Inputs and targets for adding each `(a, b)` in `pairs`.

    Args:
        pairs: iterable of pairs of non-negative ints.
        length: time steps; default one more than the longest operand, which
            leaves room for the final carry.

    Returns:
        `(bit_pairs, sum_bits)`: float32 arrays `[n, length, 2]` and
        `[n, length]`.
    """
    pairs = [(int(a), int(b)) for a, b in pairs]
    if length is None:
        length = 1 + max(max(a.bit_length(), b.bit_length()) for a, b in pairs)
    bit_pairs = np.zeros((len(pairs), length, 2), np.float32)
    sum_bits = np.zeros((len(pairs), length), np.float32)
    for row, (a, b) in enumerate(pairs):
        bit_pairs[row, :, 0] = int_to_bits(a, length)
        bit_pairs[row, :, 1] = int_to_bits(b, length)
        sum_bits[row] = int_to_bits(a + b, length)
    return bit_pairs, sum_bits


def all_addition_pairs(max_bits):
    """Every pair of numbers of at most `max_bits` bits (4**max_bits pairs)."""
    return list(itertools.product(range(1 << max_bits), repeat=2))


def random_addition_pairs(count, bits, seed=0):
    """`count` pairs of uniformly random `bits`-bit numbers."""
    rng = np.random.default_rng(seed)
    nbytes = (bits + 7) // 8
    mask = (1 << bits) - 1
    return [
        (
            int.from_bytes(rng.bytes(nbytes), "little") & mask,
            int.from_bytes(rng.bytes(nbytes), "little") & mask,
        )
        for _ in range(count)
    ]
