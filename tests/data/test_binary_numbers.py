"""Bits of Python ints, checked against Python's own `bin`."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo.data.binary_numbers import addition_sequences
from zoo.data.binary_numbers import all_addition_pairs
from zoo.data.binary_numbers import bits_to_int
from zoo.data.binary_numbers import int_to_bits
from zoo.data.binary_numbers import random_addition_pairs


@given(st.integers(min_value=0, max_value=2**300))
def test_bits_are_bin_reversed_and_invert(number):
    length = number.bit_length() + 3
    bits = int_to_bits(number, length)
    expected = bin(number)[2:][::-1].ljust(length, "0")
    assert "".join(map(str, bits)) == expected
    assert bits_to_int(bits) == number


def test_bad_numbers_are_refused():
    with pytest.raises(ValueError, match="non-negative"):
        int_to_bits(-1, 4)
    with pytest.raises(ValueError, match="does not fit"):
        int_to_bits(16, 4)


def test_addition_sequences_hold_operands_and_sum():
    bit_pairs, sum_bits = addition_sequences([(5, 3), (1, 0)])
    assert bit_pairs.shape == (2, 4, 2) and sum_bits.shape == (2, 4)
    assert bit_pairs[0, :, 0].tolist() == [1, 0, 1, 0]
    assert bit_pairs[0, :, 1].tolist() == [1, 1, 0, 0]
    assert sum_bits[0].tolist() == [0, 0, 0, 1]


def test_all_pairs_and_random_pairs():
    assert len(all_addition_pairs(3)) == 64
    pairs = random_addition_pairs(50, 1000, seed=3)
    assert all(a < 2**1000 and b < 2**1000 for a, b in pairs)
    assert max(a.bit_length() for a, _ in pairs) == 1000
    assert pairs == random_addition_pairs(50, 1000, seed=3)
    assert np.std([a % 7 for a, _ in pairs]) > 0
