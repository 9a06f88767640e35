"""The shipped `skip_gram_en` vectors: what good English vectors must know."""

import pytest

import zoo
from zoo.models import UnknownWordError


@pytest.fixture(scope="module")
def vectors():
    return zoo.load("skip_gram_en")


def test_card_size_and_vocabulary(vectors):
    card = vectors.card
    assert card.headline_metric == "evaluation/wordsim353_spearman"
    total_bytes = sum(entry["bytes"] for entry in card.files.values())
    assert total_bytes <= 30 * 2**20
    assert len(vectors) == card.metrics["training"]["vocabulary"]
    counts = vectors.counts
    assert all(a >= b for a, b in zip(counts, counts[1:]))  # most frequent first
    assert vectors.words[:3] == ["the", "a", "of"]


def test_related_words_are_closer_than_unrelated_ones(vectors):
    related = [("king", "queen"), ("dog", "cat"), ("computer", "program"),
               ("river", "water"), ("red", "blue"), ("walk", "run")]
    unrelated = [("king", "carbon"), ("dog", "tax"), ("computer", "tulip"),
                 ("river", "grammar"), ("red", "lawyer"), ("walk", "theorem")]
    for (a, b), (c, d) in zip(related, unrelated):
        assert vectors.similarity(a, b) > vectors.similarity(c, d) + 0.2, (a, b, c, d)


def test_neighbours_and_analogies(vectors):
    assert "queen" in [w for w, _ in vectors.most_similar("king", topn=5)]
    assert "berlin" in [w for w, _ in vectors.most_similar("paris", topn=10)]
    assert "queen" in [w for w, _ in vectors.analogy("man", "king", "woman", topn=3)]


def test_unknown_words_name_themselves(vectors):
    with pytest.raises(UnknownWordError, match="'King'.*'king'"):
        vectors.vector("King")


def test_wordsim353_score_reproduces_the_card(vectors):
    pytest.importorskip("gensim")
    from gensim.test.utils import datapath

    from zoo.training import evaluate_word_similarity

    report = evaluate_word_similarity(vectors, datapath("wordsim353.tsv"))
    expected = vectors.card.metrics["evaluation"]["wordsim353_spearman"]
    assert report["spearman"] == pytest.approx(expected, abs=5e-5)
    assert report["spearman"] > 0.6
