"""Levenshtein distance: hand-worked pairs, the textbook recursion, metric properties."""

import doctest
import functools
import importlib

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.training.edit_distance import edit_distance

# `zoo.training.edit_distance` is the function (exported); the module by name:
edit_distance_module = importlib.import_module("zoo.training.edit_distance")


def textbook(first, second):
    """The recursive definition, memoized: an independent reference."""

    @functools.cache
    def distance(i, j):  # between first[:i] and second[:j]
        if i == 0 or j == 0:
            return i + j
        return min(
            distance(i - 1, j) + 1,
            distance(i, j - 1) + 1,
            distance(i - 1, j - 1) + (first[i - 1] != second[j - 1]),
        )

    return distance(len(first), len(second))


@pytest.mark.parametrize(
    "first, second, distance",
    [
        ("", "", 0),
        ("", "abc", 3),
        ("kitten", "sitting", 3),  # k->s, e->i, +g
        ("flaw", "lawn", 2),  # -f, +n
        ("intention", "execution", 5),
        ("abc", "cba", 2),
        (("K", "AE1", "T"), ("K", "AE1", "T"), 0),
        (("K", "AE1", "T"), ("K", "AE2", "T"), 1),  # stress is a substitution
        (("K", "AE1", "T"), ("K", "AE1", "T", "S"), 1),
        (("K", "AE1", "T"), ("AE1", "T"), 1),
        (("T", "AH0", "M", "EY1", "T", "OW2"), ("T", "AH0", "M", "AA1", "T", "OW2"), 1),
        (("HH", "AH0", "L", "OW1"), ("W", "ER1", "L", "D"), 3),
        (["K", "AE1", "T"], ("K", "AE1", "T"), 0),  # lists and tuples alike
    ],
)
def test_hand_worked_distances(first, second, distance):
    assert edit_distance(first, second) == distance
    assert edit_distance(second, first) == distance


SEQUENCES = st.lists(st.sampled_from("abcd"), max_size=8)


@settings(max_examples=300)
@given(SEQUENCES, SEQUENCES)
def test_equals_the_textbook_recursion(first, second):
    assert edit_distance(first, second) == textbook(first, second)


@given(SEQUENCES, SEQUENCES)
def test_symmetric_bounded_and_zero_only_for_equal(first, second):
    distance = edit_distance(first, second)
    assert distance == edit_distance(second, first)
    assert abs(len(first) - len(second)) <= distance <= max(len(first), len(second))
    assert (distance == 0) == (first == second)
    assert edit_distance(first, first) == 0


@given(SEQUENCES, SEQUENCES, SEQUENCES)
def test_triangle_inequality(first, second, third):
    assert edit_distance(first, third) <= (
        edit_distance(first, second) + edit_distance(second, third)
    )


@given(SEQUENCES, SEQUENCES, st.sampled_from("abcd"))
def test_one_edit_changes_the_distance_by_at_most_one(first, second, item):
    distance = edit_distance(first, second)
    assert abs(edit_distance(first + [item], second) - distance) <= 1


def test_docstring_examples_run():
    failures, tried = doctest.testmod(edit_distance_module)
    assert tried and not failures
