"""The context window of every word of a corpus, as one padded matrix."""

import numpy as np

from zoo.argument_checks import check_positive_integer


def context_windows(ids, sentence_ids, window, rng, dynamic=True):
    """Each word's context words, within a (randomly shrunk) window.

    For the word at position i, its context is the words at i - b .. i + b
    but i itself, within the same sentence, where b is `window`, or with
    `dynamic=True` a size drawn uniformly from 1 .. `window` for each word
    (word2vec's dynamic window: near words count more, since they fall in
    more windows). Vectorized: one numpy pass per offset, no loop over words.

    Args:
        ids: int array [n]. The corpus words (already subsampled, if so).
        sentence_ids: int array [n]. The sentence of each word; windows do
            not cross sentences.
        window: int. The largest distance from a word to its context.
        rng: `numpy.random.Generator`, for the window sizes.
        dynamic: bool. Shrink each window at random, default True.

    Returns:
        `(centers, contexts, mask)`: `centers` int32 [m], the words that
        have at least one context word; `contexts` int32 [m, 2 * window],
        their context words at offsets -window .. -1, 1 .. window (0 where
        there is none); `mask` bool [m, 2 * window], which entries are real.

    Example:

    >>> centers, contexts, mask = context_windows(
    ...     np.array([5, 6, 7]), np.array([0, 0, 1]), window=1,
    ...     rng=np.random.default_rng(0))
    >>> centers.tolist(), contexts.tolist(), mask.tolist()
    ([5, 6], [[0, 6], [5, 0]], [[False, True], [True, False]])
    """
    ids = np.asarray(ids, dtype=np.int32)
    sentence_ids = np.asarray(sentence_ids)
    window = check_positive_integer("window", window)
    n = len(ids)
    if dynamic:
        sizes = rng.integers(1, window + 1, size=n)
    else:
        sizes = np.full(n, window)
    offsets = [*range(-window, 0), *range(1, window + 1)]
    contexts = np.zeros((n, 2 * window), dtype=np.int32)
    mask = np.zeros((n, 2 * window), dtype=bool)
    positions = np.arange(n)
    for column, offset in enumerate(offsets):
        neighbour = positions + offset
        inside = (neighbour >= 0) & (neighbour < n)
        neighbour = np.clip(neighbour, 0, max(n - 1, 0))
        real = inside & (sentence_ids[neighbour] == sentence_ids) & (abs(offset) <= sizes)
        mask[:, column] = real
        contexts[:, column] = np.where(real, ids[neighbour], 0)
    has_context = mask.any(axis=1)
    return ids[has_context], contexts[has_context], mask[has_context]
