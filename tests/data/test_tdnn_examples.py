import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data.tdnn_examples import next_word_examples
from zoo.data.tdnn_examples import tdnn_examples
from zoo.data.text_corpus import TextCorpus


def word_by_word(sentences, context, boundary):
    """Reference: a Python loop over every word of every sentence."""
    contexts, targets = [], []
    for sentence in sentences:
        for t, word in enumerate(sentence):
            contexts.append(
                [sentence[t - j] if t - j >= 0 else boundary for j in range(1, context + 1)]
            )
            targets.append(word)
    return contexts, targets


def test_small_corpus_by_hand():
    # Counts: the 3, cat 2, sat 2, a 1 -> ids the=0, cat=1, sat=2, a=3;
    # boundary id 4.
    corpus = TextCorpus.from_sentences(
        [["the", "cat", "sat"], ["a", "cat"], ["the", "sat", "the"]], min_count=1)
    assert corpus.words == ["the", "cat", "sat", "a"]
    contexts, targets = tdnn_examples(corpus, context=3)
    assert contexts.dtype == np.int32 and targets.dtype == np.int32
    assert targets.tolist() == [0, 1, 2, 3, 1, 0, 2, 0]
    assert contexts.tolist() == [
        [4, 4, 4],  # the  (sentence start)
        [0, 4, 4],  # cat  <- the
        [1, 0, 4],  # sat  <- cat the
        [4, 4, 4],  # a    (new sentence: nothing from "sat" leaks in)
        [3, 4, 4],  # cat  <- a
        [4, 4, 4],  # the
        [0, 4, 4],  # sat  <- the
        [2, 0, 4],  # the  <- sat the
    ]


def test_empty_sentences_and_context_longer_than_sentences():
    # Sentences: [5 6], [], [7], [8 9 5 6]; boundary 10.
    contexts, targets = next_word_examples(
        np.array([5, 6, 7, 8, 9, 5, 6]), [0, 2, 2, 3, 7], context=2, boundary_id=10)
    assert targets.tolist() == [5, 6, 7, 8, 9, 5, 6]
    assert contexts.tolist() == [[10, 10], [5, 10], [10, 10], [10, 10], [8, 10], [9, 8], [5, 9]]


def test_a_slice_at_a_sentence_start_is_the_examples_of_the_later_sentences():
    corpus = TextCorpus.from_sentences([["a", "b", "c"], ["c", "b"], ["a"]], min_count=1)
    contexts, targets = tdnn_examples(corpus, context=2)
    start = corpus.sentence_starts[1]
    later = TextCorpus.from_sentences([["c", "b"], ["a"]], min_count=1)
    # Same ids: map the later corpus's words onto the full vocabulary.
    mapping = np.array([corpus.words.index(w) for w in later.words] + [corpus.vocabulary_size])
    later_contexts, later_targets = tdnn_examples(later, context=2)
    assert contexts[start:].tolist() == mapping[later_contexts].tolist()
    assert targets[start:].tolist() == mapping[later_targets].tolist()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 6), max_size=7), min_size=1, max_size=6),
    st.integers(1, 5),
)
def test_matches_the_word_by_word_reference(sentences, context):
    ids = np.array([w for s in sentences for w in s], dtype=np.int64)
    starts = np.cumsum([0] + [len(s) for s in sentences])
    contexts, targets = next_word_examples(ids, starts, context, boundary_id=7)
    expected_contexts, expected_targets = word_by_word(sentences, context, 7)
    assert contexts.shape == (len(ids), context)
    assert contexts.tolist() == expected_contexts
    assert targets.tolist() == expected_targets


def test_bad_arguments():
    with pytest.raises(ValueError, match="`context` must be a positive integer, got 0"):
        next_word_examples([1, 2], [0, 2], 0, 3)
    with pytest.raises(ValueError, match="`context` must be a positive integer"):
        next_word_examples([1, 2], [0, 2], 1.5, 3)
    with pytest.raises(ValueError, match="from 0 to len"):
        next_word_examples([1, 2], [0, 1], 2, 3)
    with pytest.raises(ValueError, match="non-decreasing"):
        next_word_examples([1, 2, 3], [0, 2, 1, 3], 2, 4)
    with pytest.raises(ValueError, match="1-D"):
        next_word_examples([[1, 2]], [0, 2], 2, 3)
