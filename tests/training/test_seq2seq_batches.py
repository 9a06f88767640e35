"""Seq2SeqBatches: every pair once per epoch, shifted targets, little padding."""

import numpy as np
import pytest

from zoo.models.seq2seq import Seq2Seq
from zoo.training.seq2seq_batches import Seq2SeqBatches

LETTERS = "abcdefgh"


def pairs(count, seed=0):
    rng = np.random.default_rng(seed)
    words = ["".join(rng.choice(list(LETTERS), int(rng.integers(1, 14)))) for _ in range(count)]
    # Targets of a different length than the source: the letters doubled, uppercased.
    return words, [[c.upper() for c in w for _ in (0, 1)] for w in words]


@pytest.fixture(scope="module")
def model():
    words, prons = pairs(60)
    return Seq2Seq.from_sequences(words, prons, units=4, embedding_dim=4)


def test_each_pair_once_per_epoch_with_shifted_targets(model):
    words, prons = pairs(60)
    batches = Seq2SeqBatches(model, words, prons, batch_size=7, multiple=4, seed=0)
    source_vocabulary = model.vocabularies["source"]
    target_vocabulary = model.vocabularies["target"]
    for _ in range(2):
        seen = []
        for index in range(len(batches)):
            x, y = batches[index]
            source, target_input = x["source"], x["target_input"]
            assert source.shape[1] % 4 == 0 and target_input.shape == y.shape
            assert y.shape[1] % 4 == 0 and y.shape[1] - 4 < (y != 0).sum(axis=1).max()
            for row in range(len(source)):
                word = "".join(source_vocabulary.decode([int(i) for i in source[row] if i]))
                length = int((y[row] != 0).sum())
                expected = prons[words.index(word)]
                assert target_vocabulary.decode(y[row, : length - 1].tolist()) == expected
                assert target_vocabulary.decode([int(y[row, length - 1])]) == ["</s>"]
                # The decoder input is <s> followed by the output shifted right.
                assert target_input[row, 0] == target_vocabulary.lookup("<s>")
                np.testing.assert_array_equal(target_input[row, 1:length], y[row, : length - 1])
                assert (target_input[row, length:] == 0).all() and (y[row, length:] == 0).all()
                seen.append(word)
        assert sorted(seen) == sorted(words)
        batches.on_epoch_end()


def test_batches_group_similar_target_lengths(model):
    words, prons = pairs(60)
    batches = Seq2SeqBatches(model, words, prons, batch_size=10, shuffle=False)
    spans = []
    for index in range(len(batches)):
        lengths = (batches[index][1] != 0).sum(axis=1)
        spans.append(lengths.max() - lengths.min())
    # Random batches of 10 would span most of the 2..27 range.
    assert np.mean(spans) <= 4


def test_mismatched_lists_are_an_error(model):
    with pytest.raises(ValueError, match="same length"):
        Seq2SeqBatches(model, ["ab", "ba"], [["A"]])
