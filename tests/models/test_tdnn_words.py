"""`TDNN` words: kept as checkpoint assets, and the word-level API
(`next_word_probabilities`, `text_metrics`, `perplexity` of sentences)
against a model whose next-word distributions are set by hand."""

import math

import keras
import numpy as np
import pytest

import zoo
from zoo.data.text_corpus import TextCorpus
from zoo.models.tdnn import TDNN
from zoo.models.unknown_word_error import UnknownWordError

WORDS = ["a", "b", "c"]
# P(next | previous word), and at a sentence start (boundary context).
START = [0.5, 0.3, 0.2]
AFTER = {"a": [0.1, 0.7, 0.2], "b": [0.25, 0.15, 0.6], "c": [0.6, 0.3, 0.1]}


def markov_tdnn():
    """A TDNN with context 2 whose next word depends on the previous word only.

    C(w) is the one-hot vector of w (the boundary's is 0), H = [I; 0] keeps
    w_{t-1} and ignores w_{t-2}, so h = tanh(1) onehot(w_{t-1}). With
    b = log START and column w of U = (log AFTER[w] - log START) / tanh(1),
    y = b + U h = log AFTER[w_{t-1}] (and log START at a sentence start),
    so softmax(y) is AFTER[w_{t-1}] exactly.
    """
    model = TDNN(3, context=2, dimension=3, hidden_units=3, softmax="full", seed=0)
    model.set_words(WORDS)
    embeddings = np.vstack([np.eye(3), np.zeros((1, 3))])
    hidden_kernel = np.vstack([np.eye(3), np.zeros((3, 3))])
    start = np.log(START)
    output_weights = np.stack(
        [(np.log(AFTER[w]) - start) / np.tanh(1.0) for w in WORDS], axis=1
    )
    for variable, value in [
        (model.embeddings, embeddings),
        (model.hidden_kernel, hidden_kernel),
        (model.hidden_bias, np.zeros(3)),
        (model.output_weights, output_weights),
        (model.output_bias, start),
    ]:
        variable.assign(value.astype("float32"))
    return model


def ranked(probabilities):
    """[(word, p)] most probable first, as the model returns them."""
    order = np.argsort(-np.asarray(probabilities), kind="stable")
    return [(WORDS[i], probabilities[i]) for i in order]


def assert_ranking(actual, expected):
    assert [word for word, _ in actual] == [word for word, _ in expected]
    np.testing.assert_allclose(
        [p for _, p in actual], [p for _, p in expected], rtol=1e-5, atol=1e-6
    )


# ---- next_word_probabilities -------------------------------------------------


def test_next_word_depends_on_the_last_word_read_in_reading_order():
    model = markov_tdnn()
    assert_ranking(model.next_word_probabilities(["a"]), ranked(AFTER["a"]))
    # ["a", "b"]: w_{t-1} is "b" (reversing the context would give AFTER["a"]).
    assert_ranking(model.next_word_probabilities(["a", "b"]), ranked(AFTER["b"]))
    # Longer than the context: only the last two words are read.
    assert_ranking(
        model.next_word_probabilities(["b", "b", "a", "c"]), ranked(AFTER["c"])
    )


def test_an_empty_sentence_gives_the_first_word_distribution():
    model = markov_tdnn()
    assert_ranking(model.next_word_probabilities([]), ranked(START))
    assert_ranking(model.next_word_probabilities([], topn=1), [("a", 0.5)])
    assert len(model.next_word_probabilities([], topn=None)) == 3
    assert len(model.next_word_probabilities([], topn=10)) == 3


def test_unknown_words_are_dropped_or_raise():
    model = markov_tdnn()
    # Dropped, as TextCorpus drops them from training sentences.
    assert_ranking(model.next_word_probabilities(["b", "zebra"]), ranked(AFTER["b"]))
    assert_ranking(model.next_word_probabilities(["zebra"]), ranked(START))
    np.testing.assert_array_equal(model.word_ids(["c", "zebra", "a"]), [2, 0])
    with pytest.raises(UnknownWordError, match="'zebra' is not one of this TDNN's 3 words"):
        model.next_word_probabilities(["b", "zebra"], unknown="error")
    with pytest.raises(ValueError, match="`unknown` must be one of"):
        model.word_ids(["a"], unknown="replace")


# ---- text_metrics and perplexity of sentences --------------------------------


def test_perplexity_of_sentences_is_hand_computed():
    model = markov_tdnn()
    sentences = [["a", "b", "c"], ["c"]]
    # a at a start, b after a, c after b; c at a start.
    log_p = [math.log(0.5), math.log(0.7), math.log(0.6), math.log(0.2)]
    expected = math.exp(-sum(log_p) / 4)
    assert model.perplexity(sentences) == pytest.approx(expected, rel=1e-5)
    # The same words as ids, sentence by sentence, give the same numbers.
    ids = [model.word_ids(s) for s in sentences]
    expected_first = math.exp(-sum(log_p[:3]) / 3)
    assert model.perplexity(ids[0]) == pytest.approx(expected_first, rel=1e-5)


def test_text_metrics_counts_and_skips_unknown_words():
    model = markov_tdnn()
    metrics = model.text_metrics([["a", "zebra", "b"], ["yak"]])
    # "a b": a at a start (0.5), b after a (0.7); "zebra" and "yak" dropped.
    cross_entropy = -(math.log(0.5) + math.log(0.7)) / 2
    assert metrics["words"] == 2 and metrics["unknown"] == 2
    assert metrics["cross_entropy"] == pytest.approx(cross_entropy, rel=1e-5)
    assert metrics["perplexity"] == pytest.approx(math.exp(cross_entropy), rel=1e-5)
    with pytest.raises(UnknownWordError, match="zebra"):
        model.text_metrics([["a", "zebra"]], unknown="error")
    with pytest.raises(ValueError, match="No known words"):
        model.text_metrics([["zebra"]])
    with pytest.raises(TypeError, match="list of sentences"):
        model.text_metrics(["a", "b"])


# ---- words as checkpoint assets ----------------------------------------------


def test_zoo_save_and_load_keep_the_words_and_the_probabilities(tmp_path):
    model = markov_tdnn()
    before = model.next_word_probabilities(["c", "a"], topn=None)
    perplexity = model.perplexity([["a", "b", "c", "a"]])
    folder = zoo.save(model, tmp_path / "tdnn")
    assert (folder / "assets" / "words.txt").is_file()
    restored = zoo.load(str(folder))
    assert isinstance(restored, TDNN)
    assert restored.words == WORDS
    assert restored.next_word_probabilities(["c", "a"], topn=None) == before
    assert restored.perplexity([["a", "b", "c", "a"]]) == perplexity


def test_keras_file_round_trip_keeps_the_words(tmp_path):
    model = markov_tdnn()
    path = tmp_path / "tdnn.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    assert restored.words == WORDS
    assert restored.next_word_probabilities(["b"]) == model.next_word_probabilities(["b"])


def test_a_model_without_words_saves_and_loads_without_them(tmp_path):
    model = TDNN(3, context=2, dimension=3, hidden_units=3, seed=0)
    assert model.words is None
    restored = zoo.load(str(zoo.save(model, tmp_path / "bare")))
    assert restored.words is None
    with pytest.raises(ValueError, match="has no words: build it with `TDNN.from_corpus`"):
        restored.next_word_probabilities(["a"])
    with pytest.raises(ValueError, match="has no words"):
        restored.word_vectors()


# ---- building with words -----------------------------------------------------


def test_from_corpus_takes_the_corpus_words():
    corpus = TextCorpus.from_sentences([["x", "y", "x"], ["z", "x"]], min_count=1)
    model = TDNN.from_corpus(corpus, context=2, dimension=4, hidden_units=5, seed=1)
    assert model.vocabulary_size == 3 and model.words == corpus.words == ["x", "y", "z"]
    # Scoring the corpus and its sentences of words is the same thing.
    assert model.perplexity([["x", "y", "x"], ["z", "x"]]) == pytest.approx(
        model.perplexity(corpus), rel=1e-6
    )
    assert model.word_vectors().words == ["x", "y", "z"]
    reordered = TextCorpus.from_sentences([["z", "z", "z", "y", "y", "x"]], min_count=1)
    assert reordered.words == ["z", "y", "x"]
    with pytest.raises(ValueError, match="numbers its words differently"):
        model.perplexity(reordered)


def test_set_words_checks_them():
    model = TDNN(3, context=2, dimension=3, hidden_units=3)
    with pytest.raises(ValueError, match="2 words for a model of vocabulary_size 3"):
        model.set_words(["a", "b"])
    with pytest.raises(ValueError, match="Duplicate vocabulary token 'a'"):
        model.set_words(["a", "b", "a"])
    with pytest.raises(ValueError, match="`topn` must be a positive integer"):
        markov_tdnn().next_word_probabilities(["a"], topn=0)
    with pytest.raises(TypeError, match="split it first"):
        markov_tdnn().word_ids("a b")
