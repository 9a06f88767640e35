import numpy as np
import pytest

from zoo.data import TextCorpus
from zoo.data import keep_probabilities
from zoo.training import Word2VecBatches
from zoo.training import word2vec_batches


def zipf_corpus(words=2000, vocabulary=40, sentence_length=7, seed=0):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocabulary + 1)
    ids = rng.choice(vocabulary, size=words, p=p / p.sum())
    sentences = [
        [f"w{i}" for i in ids[s : s + sentence_length]]
        for s in range(0, words, sentence_length)
    ]
    return TextCorpus.from_sentences(sentences, min_count=1)


def test_batches_have_fixed_shapes_and_cover_every_word_once():
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=64, window=3, negative=4, seed=0)
    epoch = list(batches.epoch())
    for batch, _ in epoch:
        assert batch["center"].shape == (64,)
        assert batch["contexts"].shape == batch["context_mask"].shape == (64, 6)
        assert batch["negatives"].shape == (64, 4)
        assert batch["context_mask"].dtype == np.float32
    words = sum(w for _, w in epoch)
    assert words == pytest.approx(len(corpus.ids))


def test_without_subsampling_every_word_with_a_neighbour_is_a_center_once(monkeypatch):
    monkeypatch.setattr(word2vec_batches, "CHUNK_WORDS", 300)  # several chunks
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=50, window=2, sample=0, seed=1)
    centers = np.concatenate(
        [b["center"][b["context_mask"].sum(axis=1) > 0] for b, _ in batches.epoch()]
    )
    # Sentences have 7 words (the last one 5), so every word has a neighbour.
    assert np.array_equal(np.sort(centers), np.sort(corpus.ids))


def test_padding_rows_train_nothing():
    corpus = zipf_corpus(words=100)
    batches = Word2VecBatches(corpus, batch_size=64, window=2, sample=0, seed=0)
    last, _ = list(batches.epoch())[-1]
    real = int((last["context_mask"].sum(axis=1) > 0).sum())
    assert real == 100 - 64
    assert not last["context_mask"][real:].any()


def test_subsampling_keeps_words_at_the_word2vec_rate():
    corpus = zipf_corpus(words=60_000, vocabulary=20)
    sample = 1e-2
    batches = Word2VecBatches(corpus, batch_size=1000, window=1, sample=sample, seed=2)
    kept = np.zeros(corpus.vocabulary_size)
    for batch, _ in batches.epoch():
        real = batch["context_mask"].sum(axis=1) > 0
        kept += np.bincount(batch["center"][real], minlength=len(kept))
    expected = corpus.counts * keep_probabilities(corpus.counts, sample)
    # Words without a kept neighbour are not centers: allow a few percent.
    np.testing.assert_allclose(kept[:5], expected[:5], rtol=0.08)
    assert kept[0] < 0.5 * corpus.counts[0]


def test_each_epoch_draws_fresh_samples():
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=64, seed=0)
    first = next(batches.epoch())[0]["negatives"]
    second = next(batches.epoch())[0]["negatives"]
    assert not np.array_equal(first, second)


def test_bad_arguments():
    corpus = zipf_corpus(words=50)
    for kwargs, name in (
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 8, "window": 0}, "window"),
        ({"batch_size": 8, "negative": -1}, "negative"),
    ):
        with pytest.raises(ValueError, match=name):
            Word2VecBatches(corpus, **kwargs)
