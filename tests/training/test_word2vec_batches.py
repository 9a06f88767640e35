import collections

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


def real_rows(batch):
    """`[(center, [contexts...])]` of the rows with a context, as the mask says."""
    sizes = batch["context_mask"].sum(axis=1).astype(int)
    return [
        (int(center), [int(c) for c in contexts[:size]])
        for center, contexts, size in zip(batch["center"], batch["contexts"], sizes)
        if size
    ]


def real_rows_centers(batch):
    return batch["center"][batch["context_mask"].sum(axis=1) > 0]


def test_batches_are_as_wide_as_their_widest_row_and_cover_every_word_once():
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=64, window=3, negative=4, seed=0)
    epoch = list(batches.epoch())
    for batch, _ in epoch:
        width = batch["contexts"].shape[1]
        assert batch["center"].shape == (64,)
        assert batch["contexts"].shape == batch["context_mask"].shape == (64, width)
        assert batch["negatives"].shape == (64, 4)
        assert batch["context_mask"].dtype == np.float32
        assert 1 <= width <= 6
        assert batch["context_mask"].sum(axis=1).max() == width
    words = sum(w for _, w in epoch)
    assert words == pytest.approx(len(corpus.ids))


def test_real_contexts_come_first_in_every_row():
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=64, window=4, sample=0, seed=3)
    for batch, _ in batches.epoch():
        mask = batch["context_mask"]
        sizes = mask.sum(axis=1)
        # Each row is 1s then 0s: `sizes` real entries, then padding.
        expected = (np.arange(mask.shape[1])[None, :] < sizes[:, None]).astype(np.float32)
        np.testing.assert_array_equal(mask, expected)


def test_window_one_pairs_equal_the_hand_computed_ones(monkeypatch):
    monkeypatch.setattr(word2vec_batches, "CHUNK_WORDS", 5)  # several chunks
    sentences = [["a", "b", "c"], ["d", "e"], ["f"], ["a", "c", "b", "a"], ["e", "d"]]
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    batches = Word2VecBatches(corpus, batch_size=3, window=1, sample=0, seed=5)
    rows = [row for batch, _ in batches.epoch() for row in real_rows(batch)]
    words = corpus.words
    got = collections.Counter((words[c], tuple(words[x] for x in xs)) for c, xs in rows)
    # Each word's left then right neighbour within its sentence ("f" has none).
    expected = collections.Counter([
        ("a", ("b",)), ("b", ("a", "c")), ("c", ("b",)),
        ("d", ("e",)), ("e", ("d",)),
        ("a", ("c",)), ("c", ("a", "b")), ("b", ("c", "a")), ("a", ("b",)),
        ("e", ("d",)), ("d", ("e",)),
    ])
    assert got == expected


def test_max_width_splits_a_centers_contexts_over_rows(monkeypatch):
    monkeypatch.setattr(word2vec_batches, "CHUNK_WORDS", 5)
    sentences = [["a", "b", "c"], ["d", "e"], ["f"], ["a", "c", "b", "a"], ["e", "d"]]
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    batches = Word2VecBatches(corpus, batch_size=3, window=1, sample=0, seed=5, max_width=1)
    epoch = list(batches.epoch())
    assert all(batch["contexts"].shape == (3, 1) for batch, _ in epoch)
    words = corpus.words
    got = collections.Counter(
        (words[c], words[x]) for batch, _ in epoch for c, xs in real_rows(batch) for x in xs
    )
    # Each word and each of its neighbours within its sentence, one pair a row.
    expected = collections.Counter([
        ("a", "b"), ("b", "a"), ("b", "c"), ("c", "b"), ("d", "e"), ("e", "d"),
        ("a", "c"), ("c", "a"), ("c", "b"), ("b", "c"), ("b", "a"), ("a", "b"),
        ("e", "d"), ("d", "e"),
    ])
    assert got == expected
    assert sum(w for _, w in epoch) == pytest.approx(len(corpus.ids))


def test_split_rows_keep_the_pairs_of_a_dynamic_window():
    corpus = zipf_corpus(words=3000, sentence_length=11)  # one chunk
    pairs = {}
    for max_width in (None, 3):
        batches = Word2VecBatches(
            corpus, batch_size=32, window=4, sample=0, seed=6, max_width=max_width)
        epoch = [batch for batch, _ in batches.epoch()]
        assert max(batch["contexts"].shape[1] for batch in epoch) == (max_width or 8)
        pairs[max_width] = collections.Counter(
            (c, x) for batch in epoch for c, xs in real_rows(batch) for x in xs)
    # The same window sizes are drawn first; splitting only regroups them.
    assert pairs[None] == pairs[3]


def test_words_add_up_to_the_corpus_even_when_the_last_chunks_give_no_rows(monkeypatch):
    monkeypatch.setattr(word2vec_batches, "CHUNK_WORDS", 30)
    sentences = [["a", "b", "c", "d"]] * 40 + [["a"]] * 100  # no context in the end
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    for seed in range(3):
        batches = Word2VecBatches(corpus, batch_size=16, window=2, sample=0, seed=seed)
        words = [w for _, w in batches.epoch()]
        assert sum(words) == pytest.approx(260)


def test_without_subsampling_every_word_with_a_neighbour_is_a_center_once(monkeypatch):
    monkeypatch.setattr(word2vec_batches, "CHUNK_WORDS", 300)  # several chunks
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=50, window=2, sample=0, seed=1)
    centers = np.concatenate(
        [b["center"][b["context_mask"].sum(axis=1) > 0] for b, _ in batches.epoch()]
    )
    # Sentences have 7 words (the last one 5), so every word has a neighbour.
    assert np.array_equal(np.sort(centers), np.sort(corpus.ids))


def test_widths_are_interleaved_and_padding_is_mostly_gone():
    corpus = zipf_corpus(words=30_000, vocabulary=200, sentence_length=12)
    batches = Word2VecBatches(corpus, batch_size=64, window=5, sample=0, seed=2)
    epoch = [batch for batch, _ in batches.epoch()]
    widths = [batch["contexts"].shape[1] for batch in epoch]
    assert len(set(widths)) >= 5
    # Sorted or grouped batches would change width fewer times than there
    # are widths; shuffled ones change at most steps.
    changes = sum(a != b for a, b in zip(widths, widths[1:]))
    assert changes > 0.5 * len(widths)
    # Without grouping, about half of the 10 slots are real here.
    mask = np.concatenate([batch["context_mask"].ravel() for batch in epoch])
    assert mask.mean() > 0.95


def test_rows_are_shuffled():
    corpus = zipf_corpus()
    batches = Word2VecBatches(corpus, batch_size=64, window=1, sample=0, seed=0)
    centers = np.concatenate([real_rows_centers(b) for b, _ in batches.epoch()])
    assert len(centers) == len(corpus.ids)
    assert not np.array_equal(centers, corpus.ids)
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
        ({"batch_size": 8, "max_width": 0}, "max_width"),
    ):
        with pytest.raises(ValueError, match=name):
            Word2VecBatches(corpus, **kwargs)
