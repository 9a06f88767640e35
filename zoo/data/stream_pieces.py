"""Cutting a token stream into contiguous pieces that start at line starts."""

import numpy as np

from zoo.argument_checks import check_positive_integer


def line_start_pieces(ids, pieces, line_break_id):
    """`(start, stop)` bounds of at most `pieces` contiguous, non-empty pieces of `ids`.

    Piece k starts at the first line start (the position after a
    `line_break_id`) at or after k * len(ids) / pieces, so that a model can
    read each piece as a text that begins after a line break; where no line
    break follows, the piece starts at that position itself. Together the
    pieces cover `ids` once, in order. Scoring them side by side in one
    batch is how `LanguageModel.token_log_probabilities(rows=...)` scores a
    long text fast.

    Example:

    >>> ids = [5, 6, 2, 7, 8, 9, 2, 5, 2, 6]
    >>> line_start_pieces(ids, 3, line_break_id=2)
    [(0, 7), (7, 9), (9, 10)]
    >>> line_start_pieces(ids, 1, line_break_id=2)
    [(0, 10)]
    """
    ids = np.asarray(ids)
    pieces = check_positive_integer("pieces", pieces)
    line_starts = np.flatnonzero(ids[:-1] == line_break_id) + 1
    starts = [0]
    for k in range(1, pieces):
        target = max(-(-k * len(ids) // pieces), starts[-1] + 1)
        after = line_starts[np.searchsorted(line_starts, target):]
        start = int(after[0]) if len(after) else target
        if starts[-1] < start < len(ids):
            starts.append(start)
    return list(zip(starts, starts[1:] + [len(ids)]))
