"""word2vec's subsampling of frequent words."""

import numpy as np

from zoo.argument_checks import check_non_negative_number


def keep_probabilities(counts, sample=1e-3):
    """The probability that each occurrence of a word is kept for training.

    Frequent words ("the", "of") carry little information per occurrence,
    so word2vec (Mikolov et al. 2013, "Distributed representations of words
    and phrases") drops each occurrence of a word of frequency `f` with a
    probability that grows with `f`. The formula is the one in word2vec.c
    and gensim, with `t = sample * total` the threshold count:

        keep(word) = min(1, (sqrt(count / t) + 1) * t / count)

    Words rarer than about `t` are always kept.

    Args:
        counts: int array [vocabulary]. Each word's count in the corpus.
        sample: float. The threshold frequency `sample`, default 1e-3; 0
            keeps every word.

    Returns:
        float64 array [vocabulary] of probabilities in (0, 1].

    Example:

    >>> keep_probabilities([1000, 10, 1], sample=0.01).round(4).tolist()
    [0.1107, 1.0, 1.0]
    """
    counts = np.asarray(counts, dtype=np.float64)
    sample = check_non_negative_number("sample", sample)
    if sample == 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    keep = (np.sqrt(counts / threshold) + 1.0) * threshold / np.maximum(counts, 1.0)
    return np.minimum(keep, 1.0)
