"""Bit strings and running parities, checked against Python's sum(bits) % 2."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo.data.parity_strings import all_bit_strings
from zoo.data.parity_strings import as_bits
from zoo.data.parity_strings import parity_sequences
from zoo.data.parity_strings import random_bit_strings

bit_lists = st.lists(st.integers(min_value=0, max_value=1), min_size=1, max_size=300)


@given(bit_lists)
def test_strings_lists_and_arrays_give_the_same_bits(bits):
    text = "".join(map(str, bits))
    assert as_bits(text).tolist() == bits
    assert as_bits(bits).tolist() == bits
    assert as_bits(tuple(bits)).tolist() == bits
    assert as_bits(np.array(bits, np.int64)).tolist() == bits
    assert as_bits(text).dtype == np.uint8


@given(st.lists(bit_lists, min_size=1, max_size=8))
def test_running_parity_is_the_parity_of_every_prefix(strings):
    inputs, running = parity_sequences(strings)
    longest = max(len(bits) for bits in strings)
    assert inputs.shape == (len(strings), longest, 1) and running.shape == inputs.shape[:2]
    assert inputs.dtype == running.dtype == np.float32
    for row, bits in enumerate(strings):
        padded = bits + [0] * (longest - len(bits))
        assert inputs[row, :, 0].tolist() == padded
        expected = [sum(padded[: t + 1]) % 2 for t in range(longest)]
        assert running[row].tolist() == expected
        # Zero padding keeps the parity: the last step is the string's parity.
        assert running[row, -1] == sum(bits) % 2


def test_explicit_length_pads_and_too_short_length_is_refused():
    inputs, running = parity_sequences(["11", "1"], length=5)
    assert inputs[:, :, 0].tolist() == [[1, 1, 0, 0, 0], [1, 0, 0, 0, 0]]
    assert running.tolist() == [[1, 0, 0, 0, 0], [1, 1, 1, 1, 1]]
    with pytest.raises(ValueError, match="shorter than the longest bit string"):
        parity_sequences(["1011"], length=3)
    with pytest.raises(ValueError, match="at least one bit string"):
        parity_sequences([])


def test_all_bit_strings_are_every_string_once():
    strings = all_bit_strings(3)
    assert strings == ["000", "001", "010", "011", "100", "101", "110", "111"]
    assert len(set(all_bit_strings(8))) == 256
    with pytest.raises(ValueError, match="positive integer"):
        all_bit_strings(0)


def test_random_bit_strings_are_reproducible_and_varied():
    strings = random_bit_strings(50, 1000, seed=3)
    assert len(strings) == 50 and all(len(s) == 1000 for s in strings)
    assert set("".join(strings)) == {"0", "1"}
    assert strings == random_bit_strings(50, 1000, seed=3)
    assert strings != random_bit_strings(50, 1000, seed=4)
    parities = [sum(map(int, s)) % 2 for s in strings]
    assert 0 < sum(parities) < 50
    with pytest.raises(ValueError, match="positive integer"):
        random_bit_strings(5, -1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("10a1", r"'a' at position 2 of '10a1'"),
        ("1011 0", r"' ' at position 4"),
        ("1" * 100 + "2", r"'2' at position 100"),
        ("", "at least one bit"),
        ([], "at least one bit"),
        ([1, 0, 2], r"got 2 \(int\) at position 2"),
        ([1, "0"], r"got '0' \(str\) at position 1"),
        ([1, True], r"got True \(bool\) at position 1"),
        ((0, 1.0), r"got 1.0 \(float\) at position 1"),
        (1011, "a str like '1011' or a list of 0/1 ints, got int 1011"),
        (None, "got NoneType None"),
        (b"1011", "got bytes"),
        (np.zeros((2, 2), np.int64), r"1-D with an integer dtype, got shape \(2, 2\)"),
        (np.array([0.0, 1.0]), "dtype float64"),
        (np.array([0, 3]), r"got 3 \(int\) at position 1"),
        (np.array([], np.int64), "at least one bit"),
    ],
)
def test_bad_bits_are_refused_naming_the_culprit(bad, message):
    with pytest.raises(ValueError, match=message):
        as_bits(bad)
