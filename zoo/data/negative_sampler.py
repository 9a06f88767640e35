"""Noise words for negative sampling."""

import numpy as np


class NegativeSampler:
    """Draws noise words from the smoothed unigram distribution P(w) ~ count(w)^power.

    word2vec's negative sampling (Mikolov et al. 2013) contrasts each true
    (word, context) pair with `k` noise words drawn from the unigram
    distribution raised to the 3/4 power, which samples rare words more
    often than their frequency. Draws are exact (inverse CDF by binary
    search), not from word2vec's rounded 10^8-entry table, and vectorized.

    Args:
        counts: int array [vocabulary]. Each word's corpus count.
        power: float. The smoothing exponent, default 0.75.

    Example:

    >>> sampler = NegativeSampler([16, 1], power=0.5)
    >>> sampler.probabilities.round(3).tolist()
    [0.8, 0.2]
    >>> sampler.sample((2, 3), np.random.default_rng(0)).shape
    (2, 3)
    """

    def __init__(self, counts, power=0.75):
        counts = np.asarray(counts, dtype=np.float64)
        if counts.ndim != 1 or len(counts) == 0 or np.any(counts < 0) or counts.sum() <= 0:
            raise ValueError(
                "counts must be a non-empty 1-D array of non-negative counts "
                "with a positive sum"
            )
        weights = counts**power
        self.probabilities = weights / weights.sum()
        self._cumulative = np.cumsum(self.probabilities)
        self._cumulative[-1] = 1.0

    def sample(self, shape, rng):
        """int32 word ids of the given shape, drawn with `rng` (a numpy Generator)."""
        uniform = rng.random(shape)
        ids = np.searchsorted(self._cumulative, uniform, side="right")
        return np.minimum(ids, len(self._cumulative) - 1).astype(np.int32)
