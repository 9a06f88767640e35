import math

import numpy as np
import pytest

from zoo.data import keep_probabilities


def test_matches_the_word2vec_formula_by_hand():
    counts = [900, 90, 10]
    t = 0.01 * 1000  # sample * total words
    expected = [
        min(1.0, (math.sqrt(count / t) + 1) * t / count) for count in counts
    ]
    # 900: (sqrt(90) + 1) * 10 / 900 = 0.11652...
    assert expected[0] == pytest.approx(0.1165204, abs=1e-6)
    np.testing.assert_allclose(keep_probabilities(counts, 0.01), expected)


def test_frequent_words_are_kept_less_and_rare_ones_always():
    counts = np.array([10**6, 10**5, 10**4, 10, 1])
    keep = keep_probabilities(counts, 1e-3)
    assert np.all(np.diff(keep) >= 0)
    assert keep[-1] == 1.0 and keep[0] < 0.1


def test_sample_zero_keeps_everything_and_negative_is_an_error():
    assert keep_probabilities([5, 1], 0).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="`sample` must be a non-negative number, got -0.001"):
        keep_probabilities([5, 1], -1e-3)
