import numpy as np
import pytest

from zoo.data import NegativeSampler


def test_draws_follow_unigram_to_the_three_quarters():
    counts = np.array([1000, 300, 50, 7, 0])
    sampler = NegativeSampler(counts)
    draws = sampler.sample((200_000,), np.random.default_rng(0))
    observed = np.bincount(draws, minlength=len(counts))
    expected_p = counts**0.75 / np.sum(counts**0.75)
    assert observed[4] == 0  # a zero count is never drawn
    expected = expected_p[:4] * len(draws)
    chi_square = np.sum((observed[:4] - expected) ** 2 / expected)
    assert chi_square < 16.3  # 99.9% quantile of chi-square with 3 dof


def test_shape_dtype_and_bad_counts():
    sampler = NegativeSampler([3, 1])
    draws = sampler.sample((4, 5), np.random.default_rng(1))
    assert draws.shape == (4, 5) and draws.dtype == np.int32
    assert set(np.unique(draws)) <= {0, 1}
    for bad in ([], [0, 0], [1, -1], [[1, 2]]):
        with pytest.raises(ValueError, match="counts"):
            NegativeSampler(bad)
