"""Fixed-size training batches for `SkipGram` and `CBOW`, made in numpy."""

import numpy as np

from zoo.data.context_windows import context_windows
from zoo.data.frequent_word_subsampling import keep_probabilities
from zoo.data.negative_sampler import NegativeSampler

CHUNK_WORDS = 1 << 20


class Word2VecBatches:
    """One epoch of word2vec training data at a time, in batches of `batch_size` centers.

    Each epoch walks the corpus in chunks of about a million words (whole
    sentences): it subsamples frequent words (`keep_probabilities`), finds
    every remaining word's context in a dynamic window (`context_windows`),
    shuffles the chunk's centers, and cuts them into batches, each with
    `negative` noise words per center (`NegativeSampler`). Every step is
    vectorized numpy; nothing loops over words in Python. Each epoch draws
    fresh subsamples, windows and noise.

    Every batch has the same shapes (so the train step compiles once): the
    last one of an epoch is padded with rows whose `context_mask` is 0,
    which train nothing.

    Args:
        corpus: `zoo.data.TextCorpus`.
        batch_size: int. Center words per batch.
        window: int. Largest context distance, default 5.
        negative: int. Noise words per center, default 5.
        sample: float. Subsampling threshold, default 1e-3 (0: none).
        seed: int or None. Seeds all the sampling.

    Example:

    >>> import zoo
    >>> corpus = zoo.data.TextCorpus.from_sentences([["a", "b", "c"]] * 4, min_count=1)
    >>> batches = Word2VecBatches(corpus, batch_size=8, window=1, sample=0, seed=0)
    >>> [(words, batch["contexts"].shape) for batch, words in batches.epoch()]
    [(8.0, (8, 2)), (4.0, (8, 2))]
    """

    def __init__(self, corpus, batch_size, window=5, negative=5, sample=1e-3, seed=None):
        for name, value in (("batch_size", batch_size), ("window", window)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer, got {value!r}")
        if not isinstance(negative, int) or negative < 0:
            raise ValueError(f"`negative` must be a non-negative integer, got {negative!r}")
        self.corpus = corpus
        self.batch_size = batch_size
        self.window = window
        self.negative = negative
        self.keep = keep_probabilities(corpus.counts, sample)
        self.sampler = NegativeSampler(corpus.counts)
        self.rng = np.random.default_rng(seed)
        self.sentence_ids = corpus.sentence_ids()
        self.chunk_bounds = _chunk_bounds(corpus.sentence_starts, CHUNK_WORDS)

    @property
    def words_per_epoch(self):
        return len(self.corpus.ids)

    def epoch(self):
        """Yield `(batch, words)`: a dict of numpy arrays, and how many
        corpus words (before subsampling) the batch stands for."""
        pending = None  # rows left over from the previous chunk
        unclaimed_words = 0.0  # words of chunks that gave no rows
        for begin, end in self.chunk_bounds:
            ids = self.corpus.ids[begin:end]
            kept = self.rng.random(len(ids)) < self.keep[ids]
            centers, contexts, mask = context_windows(
                ids[kept], self.sentence_ids[begin:end][kept], self.window, self.rng
            )
            if not len(centers):
                unclaimed_words += end - begin
                continue
            order = self.rng.permutation(len(centers))
            # Each row stands for an equal share of the chunk's words.
            row_words = np.full(len(centers), (end - begin) / len(centers))
            rows = (centers[order], contexts[order], mask[order], row_words)
            if pending is not None:
                rows = tuple(np.concatenate(pair) for pair in zip(pending, rows))
            full = len(rows[0]) // self.batch_size * self.batch_size
            for start in range(0, full, self.batch_size):
                *batch_rows, words = (r[start : start + self.batch_size] for r in rows)
                yield self._batch(*batch_rows), float(words.sum()) + unclaimed_words
                unclaimed_words = 0.0
            pending = tuple(r[full:] for r in rows)
        if pending is not None and len(pending[0]):
            *batch_rows, words = pending
            yield (
                self._batch(*_pad(batch_rows, self.batch_size)),
                float(words.sum()) + unclaimed_words,
            )

    def _batch(self, centers, contexts, mask):
        return {
            "center": centers,
            "contexts": contexts,
            "context_mask": mask.astype(np.float32),
            "negatives": self.sampler.sample((len(centers), self.negative), self.rng),
        }


def _chunk_bounds(sentence_starts, chunk_words):
    """`[(begin, end)]` word ranges of whole sentences, about `chunk_words` each."""
    bounds, begin = [], 0
    total = int(sentence_starts[-1])
    while begin < total:
        target = begin + chunk_words
        index = int(np.searchsorted(sentence_starts, target, side="left"))
        end = int(sentence_starts[min(index, len(sentence_starts) - 1)])
        if end <= begin:
            end = total
        bounds.append((begin, end))
        begin = end
    return bounds


def _pad(rows, size):
    centers, contexts, mask = rows
    missing = size - len(centers)
    return (
        np.concatenate([centers, np.zeros(missing, centers.dtype)]),
        np.concatenate([contexts, np.zeros((missing, contexts.shape[1]), contexts.dtype)]),
        np.concatenate([mask, np.zeros((missing, mask.shape[1]), mask.dtype)]),
    )
