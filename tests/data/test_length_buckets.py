"""Length-bucketed batches: properties that hold for any lengths, and less padding."""

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data import length_buckets
from zoo.data.length_buckets import bucket_batches
from zoo.data.length_buckets import ladder_length
from zoo.data.length_buckets import padded_length


def padding(batches, lengths):
    """Padded positions: per batch, examples times the longest, minus the tokens."""
    return sum(len(b) * max(lengths[i] for i in b) - sum(lengths[i] for i in b) for b in batches)


@settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 300), max_size=200),
    batch_size=st.integers(1, 40),
    max_tokens=st.none() | st.integers(1, 2000),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_index_once_and_the_limits_hold(lengths, batch_size, max_tokens, shuffle, seed):
    batches = bucket_batches(lengths, batch_size, max_tokens, shuffle=shuffle, seed=seed)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert 1 <= len(batch) <= batch_size
        assert all(type(i) is int for i in batch)
        if max_tokens is not None and len(batch) > 1:
            assert len(batch) * max(lengths[i] for i in batch) <= max_tokens
    assert batches == bucket_batches(lengths, batch_size, max_tokens, shuffle=shuffle, seed=seed)


def test_a_seed_fixes_the_batches_and_different_seeds_differ():
    lengths = np.random.default_rng(0).integers(1, 60, 500)
    first = bucket_batches(lengths, 16, seed=1)
    assert first == bucket_batches(lengths, 16, seed=1)
    assert first != bucket_batches(lengths, 16, seed=2)
    assert bucket_batches(lengths, 16, shuffle=False) == bucket_batches(lengths, 16, shuffle=False)


def test_without_shuffle_batches_go_from_short_to_long_in_a_stable_order():
    lengths = [3, 1, 2, 1, 3, 2]
    assert bucket_batches(lengths, batch_size=2, shuffle=False) == [[1, 3], [2, 5], [0, 4]]


def test_an_example_longer_than_max_tokens_gets_its_own_batch():
    lengths = [10, 500, 12, 11]
    batches = bucket_batches(lengths, batch_size=8, max_tokens=100, shuffle=False)
    assert batches == [[0, 3, 2], [1]]
    assert bucket_batches([], batch_size=8) == []


def test_bucketing_pads_far_less_than_random_batches_on_skewed_lengths():
    rng = np.random.default_rng(0)
    lengths = np.minimum(1 + rng.lognormal(2.5, 0.8, 4000).astype(int), 200).tolist()
    random_order = rng.permutation(len(lengths)).tolist()
    random_batches = [random_order[i : i + 32] for i in range(0, len(lengths), 32)]
    bucketed = bucket_batches(lengths, batch_size=32, seed=0)
    assert len(bucketed) == len(random_batches)
    assert padding(bucketed, lengths) < 0.1 * padding(random_batches, lengths)


def test_noise_and_shuffle_vary_batches_across_epochs():
    lengths = [5] * 64
    epochs = [bucket_batches(lengths, batch_size=8, seed=seed) for seed in range(3)]
    assert epochs[0] != epochs[1] != epochs[2]
    assert bucket_batches(lengths, batch_size=8, shuffle=False)[0] == list(range(8))


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ({"lengths": [1, -2]}, "non-negative"),
        ({"lengths": [1.5, 2.0]}, "sequence of ints"),
        ({"lengths": [[1, 2]]}, "sequence of ints"),
        ({"lengths": [1], "batch_size": 0}, "`batch_size` must be a positive integer"),
        ({"lengths": [1], "max_tokens": 0}, "`max_tokens` must be a positive integer, got 0"),
        ({"lengths": [1], "max_tokens": 99.5}, "`max_tokens` must be a positive integer, got 99.5"),
        ({"lengths": [1], "noise": 1.5}, "noise"),
    ],
)
def test_bad_arguments_are_refused(arguments, expected):
    with pytest.raises(ValueError, match=expected):
        bucket_batches(**arguments)


@given(st.integers(0, 10_000), st.integers(1, 64))
def test_padded_length_is_the_next_multiple(length, multiple):
    padded = padded_length(length, multiple)
    assert padded % multiple == 0
    assert padded >= max(length, multiple)
    assert padded < max(length, 1) + multiple


def test_padded_length_values_and_errors():
    assert [padded_length(n) for n in (0, 1, 8, 9, 16, 17)] == [8, 8, 8, 16, 16, 24]
    assert padded_length(np.int64(5), multiple=4) == 8
    with pytest.raises(ValueError, match="multiple"):
        padded_length(3, multiple=0)
    with pytest.raises(ValueError, match="non-negative"):
        padded_length(-1)


@given(st.integers(0, 100_000), st.sampled_from([1, 2, 4, 8, 16]), st.sampled_from([1, 2, 4, 8]))
def test_ladder_length_pads_less_than_a_fraction(length, minimum, steps):
    padded = ladder_length(length, minimum, steps)
    assert padded % minimum == 0
    assert padded >= max(length, minimum)
    # Less than one rung of padding: `minimum`, or 1/steps of the length.
    assert padded - max(length, 1) < max(minimum, length / steps)
    # A rung maps to itself, and longer inputs never get shorter rungs.
    assert ladder_length(padded, minimum, steps) == padded
    assert ladder_length(length + 1, minimum, steps) >= padded


def test_ladder_has_few_rungs_per_doubling():
    rungs = sorted({ladder_length(n) for n in range(1, 1025)})
    assert rungs[:9] == [4, 8, 12, 16, 20, 24, 28, 32, 40]
    # 8 multiples of 4 up to 32, then 4 per doubling up to 1024.
    assert len(rungs) == 8 + 4 * 5
    for minimum in (0, 3):
        with pytest.raises(ValueError, match="minimum must be a power of two"):
            ladder_length(3, minimum=minimum)
    with pytest.raises(ValueError, match="steps_per_doubling must be a power of two"):
        ladder_length(3, steps_per_doubling=6)
    with pytest.raises(ValueError, match="non-negative"):
        ladder_length(-1)


def test_docstring_examples_run():
    failures, tried = doctest.testmod(length_buckets)
    assert tried and not failures
