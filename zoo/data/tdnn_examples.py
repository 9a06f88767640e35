"""(previous N words, next word) examples of a corpus, for the `TDNN` language model."""

import numpy as np

from zoo.argument_checks import check_positive_integer


def tdnn_examples(corpus, context):
    """Every word of a `TextCorpus` with the `context` words before it.

    Example i predicts `corpus.ids[i]`: every word is a target, and its
    context row holds the words at i - 1, i - 2, ..., i - `context` (most
    recent first, the order of the TDNN's x = [C(w_{t-1}); ...;
    C(w_{t-N})]). Windows never cross a sentence: positions before the
    sentence start hold the boundary id `corpus.vocabulary_size`, so the
    model's embedding table has `vocabulary_size + 1` rows. Since examples
    follow the corpus order, `examples[sentence_starts[s]:]` are the
    examples of sentences s, s + 1, ...: a split by sentences is a slice.

    Args:
        corpus: `zoo.data.TextCorpus`.
        context: int. N, the number of previous words.

    Returns:
        `(contexts, targets)`: int32 [n, context] and int32 [n], n the
        corpus's word count.

    Example:

    >>> from zoo.data import TextCorpus
    >>> corpus = TextCorpus.from_sentences([["a", "b", "c"], ["b", "a"]], min_count=1)
    >>> corpus.words, corpus.vocabulary_size
    (['a', 'b', 'c'], 3)
    >>> contexts, targets = tdnn_examples(corpus, context=2)
    >>> contexts.tolist(), targets.tolist()
    ([[3, 3], [0, 3], [1, 0], [3, 3], [1, 3]], [0, 1, 2, 1, 0])
    """
    return next_word_examples(
        corpus.ids, corpus.sentence_starts, context, boundary_id=corpus.vocabulary_size
    )


def next_word_examples(ids, sentence_starts, context, boundary_id):
    """`tdnn_examples` on raw arrays: word ids and sentence start offsets.

    Args:
        ids: int array [n]. The words of all sentences, in order.
        sentence_starts: int array [sentences + 1], from 0 to n (as
            `TextCorpus.sentence_starts`).
        context: int. N, the number of previous words.
        boundary_id: int. The id filling positions before a sentence start.

    Returns:
        `(contexts, targets)` as in `tdnn_examples`.
    """
    context = check_positive_integer("context", context)
    ids = np.asarray(ids, dtype=np.int32)
    starts = np.asarray(sentence_starts, dtype=np.int64)
    if ids.ndim != 1:
        raise ValueError(f"`ids` must be 1-D, got shape {ids.shape}")
    if starts.ndim != 1 or len(starts) < 1 or starts[0] != 0 or starts[-1] != len(ids):
        raise ValueError(
            f"`sentence_starts` must run from 0 to len(ids)={len(ids)}, got "
            f"{starts[:3].tolist()}...{starts[-1:].tolist()}"
        )
    if np.any(np.diff(starts) < 0):
        raise ValueError("`sentence_starts` must be non-decreasing")
    lengths = np.diff(starts)
    # Each word's distance from the start of its sentence.
    positions = np.arange(len(ids)) - np.repeat(starts[:-1], lengths)
    contexts = np.full((len(ids), context), boundary_id, dtype=np.int32)
    for offset in range(1, context + 1):
        inside = positions >= offset
        contexts[inside, offset - 1] = ids[np.flatnonzero(inside) - offset]
    return contexts, ids.copy()
