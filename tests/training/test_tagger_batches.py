"""TaggerBatches: every sentence once per epoch, padded, labels aligned."""

import numpy as np
import pytest

from zoo.data import TaggedSentence
from zoo.models.sequence_tagger import SequenceTagger
from zoo.training.tagger_batches import TaggerBatches


def name(index):
    """A distinct word per sentence, without digits (digits normalize to 0)."""
    return "s" + "abcdefghij"[index // 10] + "abcdefghij"[index % 10]


def sentences(count):
    rng = np.random.default_rng(0)
    result = []
    for index in range(count):
        length = int(rng.integers(1, 40))
        tokens = [name(index)] + [f"w{i}" for i in range(1, length)]
        result.append(TaggedSentence(tokens, {"tag": ["A" if i % 2 else "B" for i in range(length)]}))
    return result


@pytest.fixture(scope="module")
def tagger():
    return SequenceTagger.from_sentences(
        sentences(50), word_dim=4, units=4, character_units=4, num_layers=1
    )


def test_each_sentence_once_per_epoch_with_aligned_labels(tagger):
    data = sentences(50) + [TaggedSentence([], {"tag": []})]
    batches = TaggerBatches(tagger, data, batch_size=8, seed=0)
    assert batches.skipped_empty == 1
    for _ in range(2):
        seen = []
        for index in range(len(batches)):
            inputs, labels = batches[index]
            words, tags = inputs["words"], labels["tag"]
            assert words.shape == tags.shape
            # Padded to the batch's longest sentence plus less than a
            # quarter (or 4 steps): the ladder of `ladder_length`.
            longest = int((words != 0).sum(axis=1).max())
            assert longest <= words.shape[1] < longest + max(4, longest / 4)
            assert inputs["word_index"].shape == words.shape
            # Every position's spelling row holds that word's characters.
            characters = tagger.vocabularies["characters"]
            spelled = inputs["characters"][inputs["word_index"][0, 0]]
            assert "".join(characters.decode([int(c) for c in spelled if c])) == tagger.vocabularies["words"].decode([int(words[0, 0])])[0]
            for row in range(words.shape[0]):
                length = int((words[row] != 0).sum())
                assert (words[row, length:] == 0).all()
                first_word = tagger.vocabularies["words"].decode([int(words[row, 0])])[0]
                seen.append(first_word)
                expected = ["A" if i % 2 else "B" for i in range(length)]
                assert tagger.vocabularies["tag"].decode(tags[row, :length].tolist()) == expected
        assert sorted(seen) == sorted(name(i) for i in range(50))
        batches.on_epoch_end()


def test_label_column_of_wrong_length_is_an_error(tagger):
    bad = TaggedSentence.__new__(TaggedSentence)
    bad.tokens, bad.labels, bad.source = ["a", "b"], {"tag": ["A"]}, "x.conllu:7"
    with pytest.raises(ValueError, match="x.conllu:7: label column 'tag' has the wrong length"):
        TaggerBatches(tagger, [bad])


def test_tf_dataset_accepts_every_batch_shape(tagger):
    batches = TaggerBatches(tagger, sentences(50), batch_size=7, seed=1)
    shapes = {inputs["words"].shape for inputs, _ in batches.to_tf_dataset().as_numpy_iterator()}
    assert len(shapes) > 2  # varying batch and time dimensions flowed through
