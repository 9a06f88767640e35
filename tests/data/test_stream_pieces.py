import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data.stream_pieces import line_start_pieces

BREAK = 2


def test_pieces_by_hand():
    ids = [5, 6, 2, 7, 8, 9, 2, 5, 2, 6]
    assert line_start_pieces(ids, 2, BREAK) == [(0, 7), (7, 10)]  # 5 -> next line start 7
    assert line_start_pieces(ids, 3, BREAK) == [(0, 7), (7, 9), (9, 10)]
    assert line_start_pieces(ids, 50, BREAK) == [(0, 3), (3, 7), (7, 9), (9, 10)]
    # Without line breaks the pieces start where they would.
    assert line_start_pieces([4, 5, 6, 7, 8], 2, BREAK) == [(0, 3), (3, 5)]
    assert line_start_pieces([4, 5], 5, BREAK) == [(0, 1), (1, 2)]


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(st.integers(2, 4), min_size=1, max_size=40), pieces=st.integers(1, 8))
def test_pieces_cover_the_stream_once_in_order(ids, pieces):
    bounds = line_start_pieces(ids, pieces, BREAK)
    assert 1 <= len(bounds) <= pieces
    assert bounds[0][0] == 0 and bounds[-1][1] == len(ids)
    for (_, stop), (start, _) in zip(bounds, bounds[1:]):
        assert stop == start
    assert all(start < stop for start, stop in bounds)
    line_starts = {i + 1 for i, token in enumerate(ids[:-1]) if token == BREAK}
    for start, _ in bounds[1:]:
        # A piece starts at a line start unless none is left after it.
        assert start in line_starts or not any(s > start for s in line_starts)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`pieces` must be a positive integer"):
        line_start_pieces(np.array([1, 2]), 0, BREAK)
