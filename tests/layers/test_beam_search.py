"""Beam and greedy search against exhaustive enumeration of every output of
a tiny recurrent model, a plain-Python beam search, and each other."""

import itertools

import keras
import numpy as np
import pytest
from keras import ops

from zoo.layers.beam_search import beam_search
from zoo.layers.beam_search import greedy_search
from zoo.layers.beam_search import length_penalty

VOCABULARY, END, START, HIDDEN = 4, 3, 0, 3
MAX_LENGTH = 3
# Sequences of at most 3 tokens over 3 non-end tokens: 1 + 3 + 9 ending
# with END, 27 cut at the maximum length.
ALL_COUNT = 40


def tiny_model(seed):
    """A recurrent model whose next-token distribution depends on the
    whole history: h' = tanh(h W + E[y]), log p = log_softmax(h' U + b)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1.0, size=(HIDDEN, HIDDEN))
    E = rng.normal(scale=1.0, size=(VOCABULARY, HIDDEN))
    U = rng.normal(scale=2.0, size=(HIDDEN, VOCABULARY))
    b = rng.normal(scale=0.5, size=VOCABULARY)
    h0 = rng.normal(size=(2, HIDDEN))  # a batch of two examples
    return W, E, U, b, h0


def keras_step(W, E, U, b):
    W, E, U, b = (ops.convert_to_tensor(a, "float32") for a in (W, E, U, b))

    def step(ids, state):
        h = ops.tanh(ops.matmul(state[0], W) + ops.take(E, ids, axis=0))
        return ops.log_softmax(ops.matmul(h, U) + b, axis=-1), [h]

    return step


def numpy_step(W, E, U, b, token, h):
    h = np.tanh(h @ W + E[token])
    logits = h @ U + b
    logits = logits - logits.max()
    return logits - np.log(np.exp(logits).sum()), h


def gnmt(length, alpha):
    return ((5.0 + length) / 6.0) ** alpha


def log_probability(model, h, tokens):
    W, E, U, b, _ = model
    total, previous = 0.0, START
    for token in tokens:
        log_p, h = numpy_step(W, E, U, b, previous, h)
        total += log_p[token]
        previous = token
    return total


def enumerate_all(model, h, alpha, max_length=MAX_LENGTH):
    """(score, tokens) of every possible output, best first."""
    words = [t for t in range(VOCABULARY) if t != END]
    outputs = []
    for n in range(1, max_length + 1):
        outputs += [prefix + (END,) for prefix in itertools.product(words, repeat=n - 1)]
    outputs += list(itertools.product(words, repeat=max_length))
    scored = [(log_probability(model, h, y) / gnmt(len(y), alpha), y) for y in outputs]
    return sorted(scored, reverse=True)


def python_beam_search(model, h, width, alpha, max_length=MAX_LENGTH):
    """The textbook algorithm on Python lists: extend, keep the best."""
    W, E, U, b, _ = model
    beams = [((), 0.0, h, False)]
    for _ in range(max_length):
        if all(done for *_, done in beams):
            break
        candidates = []
        for tokens, log_p, state, done in beams:
            if done:
                candidates.append((tokens, log_p, state, done))
                continue
            step_log_p, new_state = numpy_step(W, E, U, b, tokens[-1] if tokens else START, state)
            for token in range(VOCABULARY):
                candidates.append(
                    (tokens + (token,), log_p + step_log_p[token], new_state, token == END)
                )
        candidates.sort(key=lambda c: c[1] / gnmt(len(c[0]), alpha), reverse=True)
        beams = candidates[:width]
    return [(log_p / gnmt(len(tokens), alpha), tokens) for tokens, log_p, _, _ in beams]


def run_beam(model, width, alpha, max_length=MAX_LENGTH, compiled=False):
    W, E, U, b, h0 = model
    step = keras_step(W, E, U, b)

    def search(h0):
        return beam_search(
            step, [ops.repeat(h0, width, axis=0)], ops.full((2,), START, "int32"),
            END, max_length, width, alpha,
        )

    results = compile_fn(search)(h0.astype("float32")) if compiled else search(h0.astype("float32"))
    return [np.asarray(r) for r in results]


def run_greedy(model, alpha, max_length=MAX_LENGTH, compiled=False):
    W, E, U, b, h0 = model
    step = keras_step(W, E, U, b)

    def search(h0):
        return greedy_search(
            step, [h0], ops.full((2,), START, "int32"), END, max_length, alpha
        )

    results = compile_fn(search)(h0.astype("float32")) if compiled else search(h0.astype("float32"))
    return [np.asarray(r) for r in results]


def compile_fn(fn):
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    import jax

    return jax.jit(fn)


def hypotheses(ids, lengths, scores, row):
    return [
        (float(scores[row, k]), tuple(ids[row, k, : lengths[row, k]].tolist()))
        for k in range(ids.shape[1])
    ]


def assert_same_ranking(got, want):
    assert [tokens for _, tokens in got] == [tokens for _, tokens in want]
    np.testing.assert_allclose([s for s, _ in got], [s for s, _ in want], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_a_beam_wide_enough_is_exhaustive_search(seed, alpha):
    model = tiny_model(seed)
    ids, lengths, scores = run_beam(model, ALL_COUNT, alpha, compiled=True)
    for row in range(2):
        want = enumerate_all(model, model[4][row], alpha)
        assert len(want) == ALL_COUNT
        assert_same_ranking(hypotheses(ids, lengths, scores, row), want)
        # After the end token (or the maximum length) only padding.
        for k in range(ALL_COUNT):
            assert np.all(ids[row, k, lengths[row, k]:] == 0)


@pytest.mark.parametrize("width", [2, 3])
@pytest.mark.parametrize("alpha", [0.0, 0.8])
def test_narrow_beams_prune_like_the_textbook_algorithm(width, alpha):
    model = tiny_model(seed=2)
    ids, lengths, scores = run_beam(model, width, alpha, max_length=4)
    for row in range(2):
        want = python_beam_search(model, model[4][row], width, alpha, max_length=4)
        assert_same_ranking(hypotheses(ids, lengths, scores, row), want)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_width_one_equals_greedy(seed):
    model = tiny_model(seed)
    beam_ids, beam_lengths, beam_scores = run_beam(model, 1, 0.7, max_length=4)
    ids, lengths, scores = run_greedy(model, 0.7, max_length=4, compiled=True)
    np.testing.assert_array_equal(beam_ids[:, 0], ids)
    np.testing.assert_array_equal(beam_lengths[:, 0], lengths)
    np.testing.assert_allclose(beam_scores[:, 0], scores, rtol=1e-5, atol=1e-6)
    for row in range(2):  # greedy = the argmax at every step
        W, E, U, b, h0 = model
        h, previous, tokens = h0[row], START, []
        while len(tokens) < 4 and (not tokens or tokens[-1] != END):
            log_p, h = numpy_step(W, E, U, b, previous, h)
            previous = int(np.argmax(log_p))
            tokens.append(previous)
        assert ids[row, : lengths[row]].tolist() == tokens
        want_score = log_probability(model, h0[row], tokens) / gnmt(len(tokens), 0.7)
        np.testing.assert_allclose(scores[row], want_score, rtol=1e-5)


def test_compiled_equals_eager():
    model = tiny_model(seed=6)
    eager = run_beam(model, 3, 0.5)
    compiled = run_beam(model, 3, 0.5, compiled=True)
    for got, want in zip(compiled, eager):
        np.testing.assert_allclose(got, want, rtol=1e-6)


# A bigram model over {1: "a", 2: end}: from the start, end .45 and a .55;
# after "a", a .8 and end .2 (token 0 is never likely).
BIGRAM = np.log(np.array([[1e-9, 0.55, 0.45], [1e-9, 0.8, 0.2], [1e-9, 0.5, 0.5]]))


def bigram_search(width, alpha, greedy=False):
    table = ops.convert_to_tensor(BIGRAM, "float32")

    def step(ids, state):
        return ops.take(table, ids, axis=0), state

    start = ops.zeros((1,), "int32")
    if greedy:
        ids, lengths, scores = (
            np.asarray(r) for r in greedy_search(step, [ops.zeros((1, 1))], start, 2, 3, alpha)
        )
        return ids[0, : lengths[0]].tolist(), float(scores[0])
    ids, lengths, scores = beam_search(
        step, [ops.zeros((width, 1))], start, 2, 3, width, alpha
    )
    ids, lengths = np.asarray(ids), np.asarray(lengths)
    return ids[0, 0, : lengths[0, 0]].tolist(), float(np.asarray(scores)[0, 0])


def test_length_penalty_favours_longer_outputs():
    # alpha = 0: "end" right away (log .45 = -0.80) beats "a a a"
    # (log .352 = -1.04); with alpha = 2 "a a a" scores -1.04 / (8/6)**2.
    assert bigram_search(2, 0.0) == ([2], pytest.approx(np.log(0.45), rel=1e-5))
    tokens, score = bigram_search(2, 2.0)
    assert tokens == [1, 1, 1]
    assert score == pytest.approx(np.log(0.55 * 0.8 * 0.8) / (8 / 6) ** 2, rel=1e-5)
    # Greedy takes "a" first and never finds the best alpha = 0 output.
    assert bigram_search(1, 0.0, greedy=True)[0] == [1, 1, 1]
    assert bigram_search(1, 0.0)[0] == [1, 1, 1]


def test_length_penalty_is_gnmt():
    np.testing.assert_allclose(
        np.asarray(length_penalty(np.array([1, 3, 10]), 0.6)),
        ((5 + np.array([1, 3, 10])) / 6) ** 0.6, rtol=1e-6,
    )


def test_validation():
    step = keras_step(*tiny_model(0)[:4])
    state = [np.zeros((2, HIDDEN), "float32")]
    start = np.zeros(2, "int32")
    with pytest.raises(ValueError, match="max_length"):
        greedy_search(step, state, start, END, 0)
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(step, state, start, END, 3, 0)
