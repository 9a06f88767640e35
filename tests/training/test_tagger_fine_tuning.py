"""Fine-tuning a SequenceTagger: grown vocabularies keep the old model exact,
new words start as the unknown word, new labels are learned, old data is
kept, and frozen parts do not move."""

import keras
import numpy as np
import pytest
from keras import ops

from zoo.data import TaggedSentence
from zoo.models.tagger_fine_tuning import extend_tagger
from zoo.models.tagger_fine_tuning import freeze_tagger
from zoo.models.sequence_tagger import SequenceTagger
from zoo.training.tagger_batches import TaggerBatches

TINY = dict(word_dim=8, shape_dim=4, character_encoder="cnn", character_dim=4,
            character_units=4, units=12, num_layers=1, dropout=0.0, word_dropout=0.0)
NOUNS = [f"n{i}" for i in range(8)]
VERBS = [f"v{i}" for i in range(8)]
ADJECTIVES = ["big", "red", "old", "shiny"]  # new words, spelled unlike the old ones


def old_sentences(count, seed):
    """DET NOUN VERB (DET NOUN): the old task."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(count):
        tokens = ["the", rng.choice(NOUNS), rng.choice(VERBS)]
        tags = ["DET", "NOUN", "VERB"]
        if rng.random() < 0.5:
            tokens += ["a", rng.choice(NOUNS)]
            tags += ["DET", "NOUN"]
        sentences.append(TaggedSentence([str(t) for t in tokens], {"tag": tags}))
    return sentences


def new_sentences(count, seed):
    """DET ADJ NOUN VERB: new words with a label the old tagger lacks."""
    rng = np.random.default_rng(seed)
    return [
        TaggedSentence(
            ["the", str(rng.choice(ADJECTIVES)), str(rng.choice(NOUNS)), str(rng.choice(VERBS))],
            {"tag": ["DET", "ADJ", "NOUN", "VERB"]},
        )
        for _ in range(count)
    ]


def fit(tagger, sentences, epochs, learning_rate):
    tagger.compile(optimizer=keras.optimizers.Adam(learning_rate), jit_compile="auto")
    batches = TaggerBatches(tagger, sentences, batch_size=32, seed=0)
    tagger.fit(**batches.fit_arguments(), epochs=epochs, verbose=0)


def accuracy(tagger, sentences):
    guesses = tagger.tag([s.tokens for s in sentences])
    pairs = [
        guess == gold
        for sentence, tags in zip(sentences, guesses)
        for guess, gold in zip(tags, sentence.labels["tag"])
    ]
    return float(np.mean(pairs))


@pytest.fixture(scope="module")
def old_tagger():
    keras.utils.set_random_seed(0)
    train = old_sentences(128, seed=1)
    tagger = SequenceTagger.from_sentences(train, head="crf", seed=0, **TINY)
    fit(tagger, train, epochs=25, learning_rate=0.02)
    assert accuracy(tagger, old_sentences(64, seed=2)) == 1.0
    return tagger


def potentials(tagger, token_lists):
    return ops.convert_to_numpy(tagger(tagger.encode(token_lists))["tag"])


def test_grown_copy_computes_the_old_potentials_and_reads_new_words_as_unknown(old_tagger):
    new, added = extend_tagger(old_tagger, new_sentences(32, seed=3))
    assert added["words"] == len(ADJECTIVES) and added["tag"] == 1
    assert added["characters"] > 0 and added["new_columns"] == []
    old_labels = old_tagger.vocabularies["tag"].tokens
    assert new.vocabularies["tag"].tokens == [*old_labels, "ADJ"]
    assert new.vocabularies["words"].tokens[: len(old_tagger.vocabularies["words"])] == (
        old_tagger.vocabularies["words"].tokens
    )
    # Old words: the same potentials for the old labels. New words (unknown
    # to the old tagger, with unknown characters): the same too, because
    # their rows start as the unknown word's and character's.
    sentences = [["the", "n1", "v2", "a", "n3"], ["the", "shiny", "n4", "v5"]]
    before = potentials(old_tagger, sentences)
    after = potentials(new, sentences)
    np.testing.assert_allclose(after[..., : len(old_labels)], before, rtol=1e-5, atol=1e-5)
    # The new label's potential is a constant below every old label's bias
    # (zero kernel column), far below the confident old labels here.
    new_bias = ops.convert_to_numpy(new.potentials[0].bias)
    np.testing.assert_allclose(after[..., -1], new_bias[-1], rtol=1e-6)
    assert new_bias[-1] < new_bias[:-1].min()
    assert new.tag(sentences) == old_tagger.tag(sentences)


def test_fine_tuning_learns_new_words_and_labels_and_keeps_the_old_task(old_tagger):
    keras.utils.set_random_seed(0)
    old_test, new_test = old_sentences(64, seed=4), new_sentences(64, seed=5)
    assert accuracy(old_tagger, new_test) <= 0.75  # it cannot know ADJ
    # Fine-tuning data: the new sentences and a quarter as many old ones.
    data = new_sentences(96, seed=6) + old_sentences(24, seed=7)
    new, _ = extend_tagger(old_tagger, data)
    fit(new, data, epochs=15, learning_rate=0.005)
    assert accuracy(new, new_test) == 1.0
    assert accuracy(new, old_test) >= 0.98


def test_a_new_label_column_gets_its_own_head(old_tagger):
    data = [
        TaggedSentence(s.tokens, {"tag": s.labels["tag"], "chunk": ["B"] + ["I"] * (len(s) - 1)})
        for s in old_sentences(8, seed=8)
    ]
    new, added = extend_tagger(old_tagger, data, label_names=["tag", "chunk"])
    assert new.label_names == ["tag", "chunk"] and added["new_columns"] == ["chunk"]
    assert added["chunk"] == 2 and added["tag"] == 0
    sentence = [data[0].tokens]
    np.testing.assert_allclose(
        potentials(new, sentence), potentials(old_tagger, sentence), rtol=1e-5, atol=1e-5
    )


def test_frozen_parts_do_not_move_and_the_heads_do(old_tagger):
    data = new_sentences(32, seed=9)
    new, _ = extend_tagger(old_tagger, data)
    frozen = freeze_tagger(new, ["embeddings", "encoder"])
    assert "word_embedding" in frozen
    watched = {
        "embedding": new.word_embedding.embeddings,
        "encoder": new.sequence_layers[0].trainable_weights + new.sequence_layers[0].non_trainable_weights,
        "head": new.potentials[0].kernel,
    }
    before = {
        "embedding": ops.convert_to_numpy(watched["embedding"]),
        "encoder": [ops.convert_to_numpy(w) for w in watched["encoder"]],
        "head": ops.convert_to_numpy(watched["head"]),
    }
    fit(new, data, epochs=2, learning_rate=0.01)
    np.testing.assert_array_equal(ops.convert_to_numpy(watched["embedding"]), before["embedding"])
    for weight, value in zip(watched["encoder"], before["encoder"]):
        np.testing.assert_array_equal(ops.convert_to_numpy(weight), value)
    assert not np.allclose(ops.convert_to_numpy(watched["head"]), before["head"])


def test_grown_copy_takes_new_dropout_rates_and_tags_the_same(old_tagger):
    new, _ = extend_tagger(old_tagger, new_sentences(32, seed=3),
                           regularization={"dropout": 0.4, "word_dropout": 0.1})
    assert (old_tagger.dropout, old_tagger.word_dropout) == (0.0, 0.0)
    assert (new.dropout, new.word_dropout) == (0.4, 0.1)
    sentences = [["the", "n1", "v2", "a", "n3"], ["the", "n4", "v5"]]
    size = len(old_tagger.vocabularies["tag"])
    np.testing.assert_allclose(potentials(new, sentences)[..., :size],
                               potentials(old_tagger, sentences), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"Cannot change \['units'\] when fine-tuning"):
        extend_tagger(old_tagger, new_sentences(4, seed=3), regularization={"units": 4})


def test_bad_arguments_say_what_is_wrong(old_tagger):
    with pytest.raises(ValueError, match="Cannot freeze \\['decoder'\\]"):
        freeze_tagger(old_tagger, ["decoder"])
    with pytest.raises(TypeError, match="got a Sequential"):
        extend_tagger(keras.Sequential(), old_sentences(2, seed=0))
    with pytest.raises(ValueError, match="no sentences"):
        extend_tagger(old_tagger, [])
    with pytest.raises(ValueError, match="'chunk' is missing from 2"):
        extend_tagger(old_tagger, old_sentences(2, seed=0), label_names=["chunk"])
