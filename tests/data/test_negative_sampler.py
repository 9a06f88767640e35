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


@pytest.mark.parametrize("seed", range(3))
def test_draws_match_random_distributions_with_zeros(seed):
    rng = np.random.default_rng(seed)
    counts = rng.permutation(np.floor(1e6 / np.arange(1, 301) ** 1.1))  # Zipf-like
    counts[rng.choice(300, 40, replace=False)] = 0
    sampler = NegativeSampler(counts)
    draws = sampler.sample((400_000,), np.random.default_rng(seed + 10))
    observed = np.bincount(draws, minlength=len(counts))
    assert observed[counts == 0].sum() == 0
    expected = counts**0.75 / np.sum(counts**0.75) * len(draws)
    # Pool the rare words so every cell expects at least 20 draws.
    order = np.argsort(expected)[::-1]
    cells, pooled_observed, pooled_expected = [], 0, 0.0
    for word in order[counts[order] > 0]:
        pooled_observed += observed[word]
        pooled_expected += expected[word]
        if pooled_expected >= 20:
            cells.append((pooled_observed, pooled_expected))
            pooled_observed, pooled_expected = 0, 0.0
    observed_cells, expected_cells = np.array(cells).T
    chi_square = np.sum((observed_cells - expected_cells) ** 2 / expected_cells)
    dof = len(cells) - 1
    # 99.9% quantile of chi-square, Wilson-Hilferty approximation.
    z = 3.09
    bound = dof * (1 - 2 / (9 * dof) + z * np.sqrt(2 / (9 * dof))) ** 3
    assert chi_square < bound, (chi_square, bound, dof)
