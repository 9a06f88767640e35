"""Training batches for `SkipGram` and `CBOW`, made in numpy, only as wide as their contexts."""

import numpy as np

from zoo.argument_checks import check_positive_integer
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

    Batches are narrow. The dynamic window (a size drawn in 1..`window` per
    center) and sentence ends leave about half of the `2 * window` context
    slots empty, and the step's cost (the gather and scatter-add of the
    context vectors) grows with the width. So each row's real contexts
    come first (left-aligned, `context_mask` 1 then 0), the shuffled rows
    of a chunk are grouped by their number of contexts (a stable sort, so
    each group stays shuffled) and cut into batches, and a batch is as
    wide as its widest row: `contexts` is [batch_size, w] with
    1 <= w <= `max_width`, so the train step compiles at most `max_width`
    times. The batches of a chunk are yielded in a random order, not by
    width. Rows of a chunk that do not fill a batch (drawn at random) go
    on to the next chunk; the last batch of an epoch is padded with rows
    whose `context_mask` is 0, which train nothing.

    With `max_width` below `2 * window`, a center with more contexts is
    split over several rows (each with its own noise words), which only
    skip-gram allows (its pairs train independently; CBOW averages all of
    a center's contexts). A batch then holds at most `batch_size *
    max_width` pairs: grouping by width puts twice the average number of
    pairs in the widest batches, and the summed updates of a word that
    occurs in many of them can diverge (`train_word2vec` uses `max_width =
    window` for `SkipGram`).

    Args:
        corpus: `zoo.data.TextCorpus`.
        batch_size: int. Rows (center words) per batch.
        window: int. Largest context distance, default 5.
        negative: int. Noise words per row, default 5.
        sample: float. Subsampling threshold, default 1e-3 (0: none).
        seed: int or None. Seeds all the sampling.
        max_width: int or None. Most contexts per row, default `2 *
            window` (a center's contexts are never split).

    Example:

    >>> import zoo
    >>> corpus = zoo.data.TextCorpus.from_sentences(
    ...     [["a", "b", "c"]] * 4 + [["d", "e"]] * 4, min_count=1)
    >>> batches = Word2VecBatches(corpus, batch_size=8, window=1, sample=0, seed=0)
    >>> for batch, words in batches.epoch():
    ...     print(words, batch["contexts"].shape, batch["context_mask"].sum(axis=1))
    8.0 (8, 2) [1. 1. 1. 1. 2. 2. 2. 2.]
    8.0 (8, 1) [1. 1. 1. 1. 1. 1. 1. 1.]
    4.0 (8, 1) [1. 1. 1. 1. 0. 0. 0. 0.]
    """

    def __init__(
        self, corpus, batch_size, window=5, negative=5, sample=1e-3, seed=None, max_width=None
    ):
        check_positive_integer("batch_size", batch_size)
        check_positive_integer("window", window)
        max_width = 2 * window if max_width is None else max_width
        check_positive_integer("max_width", max_width)
        if not isinstance(negative, int) or negative < 0:
            raise ValueError(f"`negative` must be a non-negative integer, got {negative!r}")
        self.corpus = corpus
        self.batch_size = batch_size
        self.window = window
        self.negative = negative
        self.max_width = min(max_width, 2 * window)
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
        corpus words (before subsampling) the batch stands for; over an
        epoch the words add up to the corpus's."""
        held = None  # the last batch, kept back for the words of trailing empty chunks
        for batch, words in self._batches():
            if batch is None:
                if held is not None:
                    held = (held[0], held[1] + words)
                continue
            if held is not None:
                yield held
            held = (batch, words)
        if held is not None:
            yield held

    def _batches(self):
        """`(batch, words)` in training order, then `(None, words)` for the
        words of the last chunks if they gave no rows."""
        pending = None  # rows left over from the previous chunks
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
            # Each row stands for an equal share of the chunk's words.
            row_words = np.full(len(centers), (end - begin) / len(centers))
            rows = (centers, *_left_aligned(contexts, mask), row_words)
            if self.max_width < 2 * self.window:
                rows = _split_rows(*rows, self.max_width)
            if pending is not None:
                rows = tuple(np.concatenate(pair) for pair in zip(pending, rows))
            order = self.rng.permutation(len(rows[0]))
            full = len(order) // self.batch_size * self.batch_size
            pending = tuple(r[order[full:]] for r in rows)
            # Rows with equal context counts side by side, each run shuffled.
            order = order[:full][np.argsort(rows[2][order[:full]], kind="stable")]
            centers, contexts, sizes, row_words = (r[order] for r in rows)
            for start in self.rng.permutation(full // self.batch_size) * self.batch_size:
                batch = slice(start, start + self.batch_size)
                yield (
                    self._batch(centers[batch], contexts[batch], sizes[batch]),
                    float(row_words[batch].sum()) + unclaimed_words,
                )
                unclaimed_words = 0.0
        if pending is not None and len(pending[0]):
            centers, contexts, sizes, words = pending
            yield self._batch(centers, contexts, sizes), float(words.sum()) + unclaimed_words
        elif unclaimed_words:
            yield None, unclaimed_words

    def _batch(self, centers, contexts, sizes):
        """A batch of `batch_size` rows (padded with empty rows), cut at its widest row."""
        missing = self.batch_size - len(centers)
        if missing:
            centers = np.concatenate([centers, np.zeros(missing, centers.dtype)])
            contexts = np.concatenate(
                [contexts, np.zeros((missing, contexts.shape[1]), contexts.dtype)]
            )
            sizes = np.concatenate([sizes, np.zeros(missing, sizes.dtype)])
        width = int(sizes.max())
        return {
            "center": centers,
            "contexts": np.ascontiguousarray(contexts[:, :width]),
            "context_mask": (np.arange(width) < sizes[:, None]).astype(np.float32),
            "negatives": self.sampler.sample((len(centers), self.negative), self.rng),
        }


def _left_aligned(contexts, mask):
    """`(contexts, sizes)`: each row's real contexts first, in their order
    (0 after them), and how many there are (the smallest unsigned dtype:
    numpy sorts small integers by radix)."""
    sizes = mask.sum(axis=1).astype(np.min_scalar_type(mask.shape[1]))
    real = np.flatnonzero(mask)  # row-major: row by row, left to right
    starts = np.cumsum(sizes, dtype=np.intp) - sizes
    columns = np.arange(len(real)) - np.repeat(starts, sizes)
    aligned = np.zeros_like(contexts)
    aligned[real // mask.shape[1], columns] = contexts.ravel()[real]
    return aligned, sizes


def _split_rows(centers, contexts, sizes, row_words, width):
    """Rows of more than `width` contexts cut into rows of at most `width`
    (the same center, the row's words shared out), `contexts` `width` wide."""
    pieces = -(-sizes.astype(np.intp) // width)  # ceil(sizes / width) >= 1
    parts = []
    for piece in range(-(-contexts.shape[1] // width)):
        rows = pieces > piece
        columns = contexts[rows, piece * width : (piece + 1) * width]
        columns = np.pad(columns, ((0, 0), (0, width - columns.shape[1])))
        parts.append((
            centers[rows],
            columns,
            np.minimum(sizes[rows] - piece * width, width).astype(sizes.dtype),
            row_words[rows] / pieces[rows],
        ))
    return tuple(np.concatenate(part) for part in zip(*parts))


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
