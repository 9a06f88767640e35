import keras
import numpy as np
import pytest

from zoo.models.token_sampling import check_sampling
from zoo.models.token_sampling import next_tokens
from zoo.models.token_sampling import sampling_uniforms

LOGITS = np.array([2.0, 0.5, 1.0, -1.0, 3.0, 0.0], "float32")
ALLOWED = np.array([True, True, True, True, False, True])  # id 4 (the largest) is forbidden


def draw(count, inverse_temperature, top_k, seed=0):
    logits = np.tile(LOGITS, (count, 1))
    uniforms = sampling_uniforms(count, seed)[0]
    tokens = next_tokens(logits, uniforms, np.full(count, inverse_temperature, "float32"),
                         ALLOWED, np.full(count, top_k, "int32"))
    return keras.ops.convert_to_numpy(tokens)


def expected_probabilities(temperature, top_k):
    logits = np.where(ALLOWED, LOGITS.astype(np.float64), -np.inf)
    kept = np.argsort(-logits)[:top_k]
    p = np.zeros(len(LOGITS))
    p[kept] = np.exp(logits[kept] / temperature)
    return p / p.sum()


@pytest.mark.parametrize("temperature, top_k", [(1.0, 6), (0.5, 6), (2.0, 3)])
def test_samples_follow_the_tempered_top_k_softmax(temperature, top_k):
    count = 20_000
    tokens = draw(count, 1 / temperature, top_k)
    p = expected_probabilities(temperature, top_k)
    observed = np.bincount(tokens, minlength=len(p))
    assert observed[p == 0].sum() == 0  # never forbidden, never outside the top k
    support = p > 0
    chi_square = ((observed[support] - count * p[support]) ** 2 / (count * p[support])).sum()
    assert chi_square < 20.5  # 99.9th percentile, at most 4 degrees of freedom


def test_greedy_choices():
    greedy = 0  # the largest allowed logit
    assert (draw(50, 0.0, 6) == greedy).all()  # temperature 0
    assert (draw(50, 1.0, 1) == greedy).all()  # top_k = 1
    assert (draw(50, 1e4, 6) == greedy).all()  # temperature -> 0


def test_uniforms_are_seeded():
    np.testing.assert_array_equal(sampling_uniforms(5, 3), sampling_uniforms(5, 3))
    assert sampling_uniforms(5, 3).shape == (1, 5)
    assert not np.array_equal(sampling_uniforms(5, 3), sampling_uniforms(5, 4))


def test_bad_sampling_arguments():
    for temperature in (-1, float("nan"), float("inf"), "1", True):
        with pytest.raises(ValueError, match="`temperature` must be a finite number >= 0"):
            check_sampling(temperature, None, 10)
    for top_k in (0, 11, 2.5, True):
        with pytest.raises(ValueError, match=r"`top_k` must be None or an integer in \[1, 10\]"):
            check_sampling(1.0, top_k, 10)
    check_sampling(0, 10, 10)
