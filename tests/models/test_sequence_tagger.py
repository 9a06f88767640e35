"""SequenceTagger: right context, CRF and softmax heads, tagging edge cases,
checkpoint round trip, and the loss against a numpy reference."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data import TaggedSentence
from zoo.models.sequence_tagger import SequenceTagger
from zoo.training.tagger_batches import TaggerBatches

TINY = dict(word_dim=8, shape_dim=4, character_encoder="cnn", character_dim=4,
            character_units=4, units=12, num_layers=1, dropout=0.0, word_dropout=0.0)


def right_context_sentences(count, seed):
    """`x` is tagged A when the NEXT word is a1..a3, B when it is b1..b3.

    The a and b words are both tagged N, so nothing to the left of `x`, nor
    the tag that follows it, tells A from B: only the word on its right.
    """
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(count):
        tokens, tags = [], []
        for _ in range(rng.integers(2, 5)):
            if rng.random() < 0.5:
                kind = rng.choice(["a", "b"])
                tokens += ["x", f"{kind}{rng.integers(1, 4)}"]
                tags += [kind.upper(), "N"]
            else:
                tokens.append(f"f{rng.integers(1, 4)}")
                tags.append("F")
        sentences.append(TaggedSentence(tokens, {"tag": tags}))
    return sentences


def fit_on(tagger, sentences, epochs):
    batches = TaggerBatches(tagger, sentences, batch_size=32, seed=0)
    tagger.compile(optimizer=keras.optimizers.Adam(0.02), jit_compile="auto")
    tagger.fit(**batches.fit_arguments(), epochs=epochs, verbose=0)


def accuracy_on_x(tagger, sentences):
    predicted = tagger.tag([s.tokens for s in sentences])
    pairs = [
        (guess, gold)
        for sentence, guesses in zip(sentences, predicted)
        for token, gold, guess in zip(sentence.tokens, sentence.labels["tag"], guesses)
        if token == "x"
    ]
    return np.mean([guess == gold for guess, gold in pairs])


def test_bidirectional_model_uses_right_context_that_a_forward_model_cannot():
    keras.utils.set_random_seed(0)
    train, test = right_context_sentences(256, seed=1), right_context_sentences(100, seed=2)
    accuracies = {}
    for bidirectional in (True, False):
        tagger = SequenceTagger.from_sentences(
            train, head="softmax", bidirectional=bidirectional, seed=0, **TINY
        )
        fit_on(tagger, train, epochs=40)
        accuracies[bidirectional] = accuracy_on_x(tagger, test)
    assert accuracies[True] > 0.97, accuracies
    # Left to right, A and B are indistinguishable at `x`: chance is 1/2.
    assert accuracies[False] < 0.75, accuracies


def test_crf_tagger_learns_and_tags_any_input():
    keras.utils.set_random_seed(0)
    train = right_context_sentences(256, seed=3)
    tagger = SequenceTagger.from_sentences(train, head="crf", seed=0, **TINY)
    fit_on(tagger, train, epochs=40)
    assert accuracy_on_x(tagger, right_context_sentences(100, seed=4)) > 0.97
    result = tagger.tag([[], ["x", "b2"], ["zzz", "ÿ€", "x", "a1"], ["f1"] * 1000])
    assert result[0] == []
    assert result[1] == ["B", "N"]
    assert len(result[2]) == 4 and result[2][2:] == ["A", "N"]
    assert len(result[3]) == 1000 and set(result[3]) <= {"A", "B", "N", "F"}


def test_checkpoint_round_trip_keeps_vocabularies_and_tags(tmp_path):
    train = [
        TaggedSentence(["the", "dog", "runs"], {"pos": ["D", "N", "V"], "x": ["a", "b", "c"]}),
        TaggedSentence(["a", "cat", "sleeps"], {"pos": ["D", "N", "V"], "x": ["a", "b", "c"]}),
    ]
    tagger = SequenceTagger.from_sentences(train, seed=1, **TINY)
    sentences = [["the", "cat", "runs", "UNSEEN"], ["dog"]]
    expected = tagger.tag_all(sentences)
    folder = zoo.save(tagger, str(tmp_path / "tagger"))
    assert (folder / "assets" / "words.txt").exists()
    restored = zoo.load(str(folder))
    assert restored.tag_all(sentences) == expected
    assert restored.tag(sentences, label="x") == [labels["x"] for labels in expected]
    assert restored.vocabularies["words"].tokens == tagger.vocabularies["words"].tokens
    lines = restored.predict_text(["the dog"])
    assert lines[0].startswith("the/") and lines[0].count("/") == 4


def test_softmax_loss_is_masked_token_cross_entropy():
    train = [TaggedSentence(["a", "b", "c"], {"tag": ["X", "Y", "Z"]})]
    tagger = SequenceTagger.from_sentences(train, head="softmax", seed=0, **TINY)
    inputs = tagger.encode([["a", "b", "c"], ["c"]])
    time = inputs["words"].shape[1]
    gold = tagger.encode_labels([["X", "Y", "Z"], ["Y"]], "tag", time)
    logits = keras.ops.convert_to_numpy(tagger(inputs)["tag"]).astype("float64")
    log_probabilities = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    positions = [(0, 0), (0, 1), (0, 2), (1, 0)]  # the four real tokens
    expected = -np.mean([log_probabilities[b, t, gold[b, t]] for b, t in positions])
    loss = tagger.compute_loss(inputs, {"tag": gold}, tagger(inputs))
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)


def test_word_dropout_acts_in_training_only():
    train = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})]
    inputs = None
    outputs = {}
    for rate in (0.0, 0.5):
        tagger = SequenceTagger.from_sentences(train, seed=0, **{**TINY, "word_dropout": rate})
        inputs = tagger.encode([["a", "b"] * 50])
        outputs[rate] = [
            keras.ops.convert_to_numpy(tagger(inputs, training=training)["tag"])
            for training in (False, True)
        ]
    np.testing.assert_allclose(*outputs[0.0], rtol=1e-6)  # no dropout of any kind
    assert not np.allclose(*outputs[0.5])


def test_bad_arguments_and_inputs_give_clear_errors():
    train = [TaggedSentence(["a"], {"tag": ["X"]})]
    with pytest.raises(ValueError, match="`cell` must be one of"):
        SequenceTagger.from_sentences(train, cell="transformer")
    with pytest.raises(ValueError, match="`head` must be one of"):
        SequenceTagger.from_sentences(train, head="hmm")
    with pytest.raises(ValueError, match="missing from 1 training sentences"):
        SequenceTagger.from_sentences(train, label_names=["tag", "ner"])
    with pytest.raises(ValueError, match="no sentences"):
        SequenceTagger.from_sentences([])
    tagger = SequenceTagger.from_sentences(train, **TINY)
    with pytest.raises(ValueError, match="token 1 is ''"):
        tagger.tag([["a", ""]])
    with pytest.raises(ValueError, match="`label` must be one of"):
        tagger.tag([["a"]], label="xpos")
    untrained = SequenceTagger(10, 10, ["tag"], [2], **TINY)
    with pytest.raises(ValueError, match="no vocabularies"):
        untrained.tag([["a"]])


@pytest.mark.parametrize("cell", ["gru", "layer_norm_lstm"])
def test_any_zoo_or_keras_cell_plugs_in(cell):
    train = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})]
    tagger = SequenceTagger.from_sentences(train, cell=cell, **TINY)
    assert len(tagger.tag([["b", "a", "b"]])[0]) == 3


def test_extra_words_join_the_vocabulary_and_take_pretrained_vectors():
    sentences = [TaggedSentence(["The", "dog", "ran"], {"upos": ["DET", "NOUN", "VERB"]})]
    tagger = SequenceTagger.from_sentences(
        sentences, extra_words=["zebra", "The", "Zebra", "born-1984"], units=4, word_dim=3,
        character_units=4, num_layers=1,
    )
    words = tagger.vocabularies["words"]
    # Training words first, then the new ones, normalized and without repeats.
    assert words.tokens == ["[PAD]", "[UNK]", "dog", "ran", "the", "zebra", "born-0000"]
    unknown = words.lookup("[UNK]")
    assert words.lookup("zebra") != unknown
    vectors = {"zebra": np.array([1.0, 2.0, 3.0]), "dog": np.array([0.5, 0.5, 0.5])}
    assert tagger.initialize_word_embeddings(vectors) == 2
    table = np.asarray(tagger.word_embedding.embeddings)
    np.testing.assert_allclose(table[words.lookup("zebra")], [1.0, 2.0, 3.0])
    np.testing.assert_allclose(table[words.lookup("dog")], [0.5, 0.5, 0.5])
    # An unseen capitalized word now reaches its pretrained row.
    encoded_words = tagger.encode_sentence(["Zebra"])[0]
    assert encoded_words == [words.lookup("zebra")]
