"""A plain-text corpus, counted and encoded as one array of word ids."""

import collections
import numbers
import os

import numpy as np

from zoo.argument_checks import check_positive_integer
from zoo.data.data_format_error import numbered_lines

MAX_SENTENCE_LENGTH = 10_000


class TextCorpus:
    """The words of a text corpus as word ids, with their vocabulary and counts.

    The input is sentences of whitespace-separated tokens: a plain-text
    file with one sentence (or paragraph) per line, as word2vec and gensim's
    `LineSentence` read it, or any iterable of token lists. Words seen fewer
    than `min_count` times are dropped from the sentences before training,
    as word2vec does (so windows reach across them); everything else is kept
    in order. Sentences longer than `max_sentence_length` are split into
    pieces of that length (gensim truncates them instead).

    The vocabulary is ordered by descending count, ties alphabetically, so
    the same corpus always gives the same ids.

    Attributes:
        words: list of str. The vocabulary, most frequent first.
        counts: int64 array [len(words)]. Each word's count in the corpus.
        ids: int32 array. Every kept word of the corpus, as ids, in order.
        sentence_starts: int64 array [sentences + 1]. Sentence `s` is
            `ids[sentence_starts[s]:sentence_starts[s + 1]]`.
        total_words: int. Tokens read, the dropped rare ones included.

    Example:

    >>> corpus = TextCorpus.from_sentences(
    ...     [["the", "cat", "sat"], ["the", "dog", "sat", "down"]], min_count=2)
    >>> corpus.words, corpus.counts.tolist()
    (['sat', 'the'], [2, 2])
    >>> corpus.ids.tolist(), corpus.sentence_starts.tolist()
    ([1, 0, 1, 0], [0, 2, 4])
    >>> corpus.total_words
    7
    """

    def __init__(self, words, counts, ids, sentence_starts, total_words):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        self.ids = np.asarray(ids, dtype=np.int32)
        self.sentence_starts = np.asarray(sentence_starts, dtype=np.int64)
        self.total_words = int(total_words)

    @classmethod
    def from_file(
        cls,
        path,
        min_count=5,
        max_vocabulary=None,
        lowercase=False,
        max_sentence_length=MAX_SENTENCE_LENGTH,
        max_words=None,
    ):
        """Read a UTF-8 text file: one sentence per line, tokens split on whitespace.

        The file is streamed twice (once to count, once to encode), never
        held whole in memory as strings.

        With `max_words`, only the first lines are read: whole lines, up to
        and including the line at which the number of tokens read reaches
        `max_words`. Tokens are counted before `min_count` drops any, so
        `total_words` is `max_words` plus less than one line.

        Args:
            path: str or path-like.
            min_count: int. Drop words seen fewer times, default 5.
            max_vocabulary: int or None. Keep at most this many of the most
                frequent words, default no limit.
            lowercase: bool. Lowercase every token first, default False.
            max_sentence_length: int. Longer lines are split, default 10000.
            max_words: int or None. Stop after the line that brings the
                tokens read to this many; 0 or None (the default) reads the
                whole file.

        Raises:
            DataFormatError: a line is not UTF-8 (names the line and byte).
            ValueError: the file has no words, or none that occurs
                `min_count` times, or `max_words` is not a non-negative
                integer.

        Example:

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "corpus.txt")
        >>> _ = open(path, "w").write("a b c\\nb c\\nc a b a\\n")
        >>> corpus = TextCorpus.from_file(path, min_count=1, max_words=4)
        >>> corpus.total_words, corpus.number_of_sentences  # the first 2 lines
        (5, 2)
        """
        path = os.fspath(path)
        max_words = _check_max_words(max_words)

        def sentences():
            words_read = 0
            for _, line in numbered_lines(path):
                if max_words is not None and words_read >= max_words:
                    return
                tokens = line.lower().split() if lowercase else line.split()
                words_read += len(tokens)
                yield tokens

        return cls._build(
            sentences, path, min_count, max_vocabulary, max_sentence_length
        )

    @classmethod
    def from_sentences(
        cls,
        sentences,
        min_count=5,
        max_vocabulary=None,
        lowercase=False,
        max_sentence_length=MAX_SENTENCE_LENGTH,
    ):
        """Build from token lists (a list, or any iterable: it is read once
        into a list when it cannot be iterated twice).

        Args are as in `from_file`.
        """
        if iter(sentences) is sentences:
            sentences = list(sentences)

        def token_lists():
            for tokens in sentences:
                if isinstance(tokens, str):
                    raise TypeError(
                        "from_sentences takes lists of tokens, got the string "
                        f"{tokens[:40]!r}; split it first (or use from_file)"
                    )
                yield [t.lower() for t in tokens] if lowercase else tokens

        return cls._build(
            token_lists, "the sentences", min_count, max_vocabulary, max_sentence_length
        )

    @classmethod
    def from_tfds(
        cls,
        name,
        split="train",
        feature="text",
        data_dir=None,
        min_count=5,
        max_vocabulary=None,
        lowercase=False,
        max_sentence_length=MAX_SENTENCE_LENGTH,
    ):
        """Read a tensorflow-datasets text dataset (e.g. `"lm1b"`), one
        example per sentence, its `feature` split on whitespace.

        The dataset must already be prepared in `data_dir` (or the tfds
        default) when there is no network.
        """
        import tensorflow_datasets as tfds

        dataset = tfds.load(name, split=split, data_dir=data_dir)

        def sentences():
            for example in tfds.as_numpy(dataset):
                text = example[feature].decode("utf-8")
                yield text.lower().split() if lowercase else text.split()

        return cls._build(
            sentences, f"tfds {name}[{split}]", min_count, max_vocabulary, max_sentence_length
        )

    @classmethod
    def _build(cls, sentences, source, min_count, max_vocabulary, max_sentence_length):
        min_count = check_positive_integer("min_count", min_count)
        max_sentence_length = check_positive_integer("max_sentence_length", max_sentence_length)
        counter = collections.Counter()
        for tokens in sentences():
            counter.update(tokens)
        total_words = sum(counter.values())
        if total_words == 0:
            raise ValueError(f"{source} has no words: nothing to train on")
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        kept = [(word, count) for word, count in ranked if count >= min_count]
        if max_vocabulary is not None:
            kept = kept[: int(max_vocabulary)]
        if not kept:
            word, count = ranked[0]
            raise ValueError(
                f"No word of {source} occurs min_count={min_count} times (the "
                f"most frequent, {word!r}, occurs {count}); lower min_count or "
                "use a larger corpus"
            )
        words = [word for word, _ in kept]
        index = {word: i for i, word in enumerate(words)}
        pieces, starts, length = [], [0], 0
        for tokens in sentences():
            encoded = [index[t] for t in tokens if t in index]
            for begin in range(0, len(encoded), max_sentence_length):
                piece = encoded[begin : begin + max_sentence_length]
                pieces.append(np.asarray(piece, dtype=np.int32))
                length += len(piece)
                starts.append(length)
        ids = np.concatenate(pieces) if pieces else np.zeros([0], np.int32)
        return cls(words, [c for _, c in kept], ids, starts, total_words)

    def with_base_vocabulary(self, words, counts=None, min_count=1, max_new_words=None):
        """This corpus encoded over `words` first, then its own new words.

        For continued training: word `i` of `words` keeps id `i`; the words
        of this corpus that `words` lacks and that it holds at least
        `min_count` times follow, most frequent first (ties alphabetically),
        at most `max_new_words` of them; the other words are dropped from
        the sentences. A word's count is its count in `words`' corpus plus
        its count here, so noise words and subsampling reflect both.

        Build this corpus with `min_count=1`: words it dropped are lost,
        old words included.

        Args:
            words: sequence of str. The base vocabulary, in id order.
            counts: sequence of int or None. Their counts (None: zero).
            min_count: int. New words seen fewer times here are dropped,
                default 1.
            max_new_words: int or None. Add at most this many new words,
                default no limit.

        Returns:
            A new `TextCorpus`.

        Example:

        >>> corpus = TextCorpus.from_sentences([["the", "cat", "sat"]], min_count=1)
        >>> grown = corpus.with_base_vocabulary(["dog", "the"], counts=[3, 9])
        >>> grown.words, grown.counts.tolist(), grown.ids.tolist()
        (['dog', 'the', 'cat', 'sat'], [3, 10, 1, 1], [1, 2, 3])
        """
        words = list(words)
        counts = np.zeros(len(words), np.int64) if counts is None else np.asarray(counts, np.int64)
        if counts.shape != (len(words),):
            raise ValueError(f"{len(counts)} counts for {len(words)} base words")
        if int(min_count) < 1:
            raise ValueError(f"min_count must be at least 1, got {min_count}")
        base = {word: i for i, word in enumerate(words)}
        new = sorted(
            (
                (word, int(count))
                for word, count in zip(self.words, self.counts.tolist())
                if word not in base and count >= min_count
            ),
            key=lambda item: (-item[1], item[0]),
        )
        if max_new_words is not None:
            new = new[: int(max_new_words)]
        index = {**base, **{word: len(words) + i for i, (word, _) in enumerate(new)}}
        new_ids = np.array([index.get(word, -1) for word in self.words], np.int64)
        grown_counts = np.concatenate([counts, np.zeros(len(new), np.int64)])
        np.add.at(grown_counts, new_ids[new_ids >= 0], self.counts[new_ids >= 0])
        ids = new_ids[self.ids] if len(self.ids) else np.zeros([0], np.int64)
        kept = ids >= 0
        kept_before = np.concatenate([[0], np.cumsum(kept)])
        return TextCorpus(
            words + [word for word, _ in new],
            grown_counts,
            ids[kept],
            kept_before[self.sentence_starts],
            self.total_words,
        )

    @property
    def vocabulary_size(self):
        return len(self.words)

    @property
    def number_of_sentences(self):
        return len(self.sentence_starts) - 1

    def sentence_ids(self):
        """int32 array like `ids`: the sentence number of each word."""
        lengths = np.diff(self.sentence_starts)
        return np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)

    def __repr__(self):
        return (
            f"TextCorpus({len(self.ids):,} words in {self.number_of_sentences:,} "
            f"sentences, vocabulary {self.vocabulary_size:,})"
        )


def _check_max_words(max_words):
    """`max_words` as a positive int, or None for no limit (0 or None)."""
    if max_words is None:
        return None
    if (
        isinstance(max_words, bool)
        or not isinstance(max_words, numbers.Integral)
        or max_words < 0
    ):
        raise ValueError(
            "`max_words` must be a non-negative integer (0 or None: the whole "
            f"file), got {max_words!r}"
        )
    return int(max_words) or None
