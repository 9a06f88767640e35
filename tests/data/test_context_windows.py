import numpy as np
import pytest

from zoo.data import context_windows


def brute_force(ids, sentence_ids, sizes, window):
    """Reference: each word's context, word by word."""
    rows = []
    for i in range(len(ids)):
        row = []
        for offset in [*range(-window, 0), *range(1, window + 1)]:
            j = i + offset
            real = (
                0 <= j < len(ids)
                and sentence_ids[j] == sentence_ids[i]
                and abs(offset) <= sizes[i]
            )
            row.append(ids[j] if real else None)
        rows.append((ids[i], row))
    return [(c, row) for c, row in rows if any(x is not None for x in row)]


def as_rows(centers, contexts, mask):
    return [
        (int(c), [int(x) if m else None for x, m in zip(row, mask_row)])
        for c, row, mask_row in zip(centers, contexts, mask)
    ]


def test_fixed_window_by_hand():
    # Sentence 0: 10 11 12; sentence 1: 13 (alone, so it has no context).
    centers, contexts, mask = context_windows(
        np.array([10, 11, 12, 13]), np.array([0, 0, 0, 1]), window=2,
        rng=np.random.default_rng(0), dynamic=False)
    assert as_rows(centers, contexts, mask) == [
        (10, [None, None, 11, 12]),
        (11, [None, 10, 12, None]),
        (12, [10, 11, None, None]),
    ]


def test_dynamic_windows_match_the_brute_force_reference():
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 50, size=300)
    sentence_ids = np.sort(rng.integers(0, 20, size=300))
    window = 4
    got = context_windows(ids, sentence_ids, window, np.random.default_rng(7))
    # The same generator state gives the same window sizes.
    sizes = np.random.default_rng(7).integers(1, window + 1, size=300)
    assert as_rows(*got) == brute_force(ids, sentence_ids, sizes, window)


def test_dynamic_window_sizes_are_uniform_in_one_to_window():
    n, window = 60_000, 5
    _, _, mask = context_windows(
        np.arange(n), np.zeros(n), window, np.random.default_rng(0))
    inner = mask[window:-window]
    sizes = inner[:, window:].sum(axis=1)  # right side: 1..b, contiguous
    assert np.array_equal(sizes, inner[:, :window].sum(axis=1))
    counts = np.bincount(sizes, minlength=window + 1)
    assert counts[0] == 0
    expected = len(sizes) / window
    chi_square = np.sum((counts[1:] - expected) ** 2 / expected)
    assert chi_square < 18.5  # 99.9% quantile, 4 dof


def test_bad_window():
    with pytest.raises(ValueError, match="window"):
        context_windows(np.arange(3), np.zeros(3), 0, np.random.default_rng(0))
