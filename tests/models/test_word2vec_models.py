import warnings

import keras
import numpy as np
import pytest
import word2vec_reference as reference

from zoo.data import TextCorpus
from zoo.models import CBOW
from zoo.models import SkipGram
from zoo.training import train_word2vec

MODELS = {"skip_gram": (SkipGram, reference.skip_gram_step), "cbow": (CBOW, reference.cbow_step)}


def model_with_random_tables(cls, vocabulary=7, dimension=4, seed=0):
    model = cls(vocabulary, dimension, seed=seed)
    model.build()
    rng = np.random.default_rng(seed)
    model.input_embeddings.assign(rng.normal(size=(vocabulary, dimension)).astype("float32"))
    model.output_embeddings.assign(rng.normal(size=(vocabulary, dimension)).astype("float32"))
    return model


@pytest.mark.parametrize("name", MODELS)
def test_one_step_matches_the_numpy_equations(name):
    cls, step = MODELS[name]
    model = model_with_random_tables(cls)
    inputs = keras.ops.convert_to_numpy(model.input_embeddings).astype("float64")
    outputs = keras.ops.convert_to_numpy(model.output_embeddings).astype("float64")
    model.compile(optimizer="sgd", jit_compile=True)
    rng = np.random.default_rng(1)
    # Batches of any width (Word2VecBatches cuts each at its widest row),
    # through the same compiled model. Small vocabulary: repeated words in
    # a batch, noise equal to the center.
    for width in (4, 1, 3):
        batch = reference.make_batch(rng, 7, batch=6, width=width, negative=3)
        batch["negatives"][0, 0] = batch["center"][0]
        expected_inputs, expected_outputs, expected_loss = step(inputs, outputs, batch)
        loss = model.train_on_batch(batch)
        inputs = keras.ops.convert_to_numpy(model.input_embeddings).astype("float64")
        outputs = keras.ops.convert_to_numpy(model.output_embeddings).astype("float64")
        np.testing.assert_allclose(inputs, expected_inputs, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(outputs, expected_outputs, rtol=1e-4, atol=1e-5)
        assert float(loss) == pytest.approx(expected_loss, rel=1e-4)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("jit_compile", [True, False])
def test_stacked_batches_are_steps_in_order(name, jit_compile):
    cls, step = MODELS[name]
    model = model_with_random_tables(cls)
    inputs = keras.ops.convert_to_numpy(model.input_embeddings).astype("float64")
    outputs = keras.ops.convert_to_numpy(model.output_embeddings).astype("float64")
    rng = np.random.default_rng(4)
    batches = [reference.make_batch(rng, 7, batch=5, width=3, negative=2) for _ in range(3)]
    losses = []
    for i, batch in enumerate(batches):
        batch["learning_rate"][:] = 0.3 - 0.1 * i  # a decaying rate within the call
        inputs, outputs, loss = step(inputs, outputs, batch)
        losses.append(loss)
    stacked = {name: np.stack([batch[name] for batch in batches]) for name in batches[0]}
    model.compile(optimizer="sgd", jit_compile=jit_compile)
    loss = model.train_on_batch(stacked)
    # Each step saw the tables the one before left: the 3 numpy steps in order.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model.input_embeddings), inputs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model.output_embeddings), outputs, rtol=1e-4, atol=1e-5)
    assert float(loss) == pytest.approx(np.mean(losses), rel=1e-4)
    scores = model(stacked)
    assert tuple(scores.shape) == ((3, 5, 3) if name == "cbow" else (3, 5, 3, 3))


@pytest.mark.parametrize("name", MODELS)
def test_fit_and_train_on_batch_do_not_warn_about_trainable_weights(name):
    # The tables are non-trainable by design; Keras' TensorFlow trainer
    # would warn so on every traced train step.
    model = model_with_random_tables(MODELS[name][0])
    model.compile(optimizer="sgd")
    batch = reference.make_batch(np.random.default_rng(2), 7, batch=6, width=2, negative=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.train_on_batch(batch)
        model.fit(batch, batch_size=6, epochs=1, verbose=0)
    assert not [w for w in caught if "trainable weights" in str(w.message)]


@pytest.mark.parametrize("name", MODELS)
def test_inference_changes_nothing(name):
    cls, _ = MODELS[name]
    model = model_with_random_tables(cls)
    before = keras.ops.convert_to_numpy(model.input_embeddings).copy()
    batch = reference.make_batch(np.random.default_rng(2), 7, batch=3, width=2, negative=2)
    model(batch)
    model.predict(batch, verbose=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model.input_embeddings), before)


def planted_corpus(seed=0):
    """Two topics of 6 words; a sentence draws all its words from one topic."""
    rng = np.random.default_rng(seed)
    topics = [[f"{t}{i}" for i in range(6)] for t in "xy"]
    return [list(rng.choice(topics[s % 2], size=8)) for s in range(600)], topics


@pytest.mark.parametrize("name", MODELS)
def test_training_recovers_planted_topics(name):
    cls, _ = MODELS[name]
    sentences, topics = planted_corpus()
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    model = cls(corpus.vocabulary_size, dimension=10, seed=3)
    history = train_word2vec(
        model, corpus, epochs=4, window=3, negative=4, sample=0, batch_size=64,
        learning_rate=0.05, seed=4, verbose=0)
    assert history["loss"][-1] < history["loss"][0]
    vectors = model.word_vectors(corpus.words, corpus.counts)
    for topic in topics:
        for word in topic:
            neighbours = [w for w, _ in vectors.most_similar(word, topn=5)]
            assert set(neighbours) <= set(topic), (word, neighbours)


@pytest.mark.parametrize("name", MODELS)
def test_config_round_trip(name):
    cls, _ = MODELS[name]
    model = cls(11, dimension=3, learning_rate=0.05, seed=2)
    clone = cls.from_config(model.get_config())
    assert (clone.vocabulary_size, clone.dimension, clone.learning_rate, clone.seed) == (11, 3, 0.05, 2)


def test_bad_arguments_and_mismatched_corpus():
    with pytest.raises(ValueError, match="vocabulary_size"):
        SkipGram(0)
    with pytest.raises(ValueError, match="dimension"):
        CBOW(5, dimension=2.5)
    with pytest.raises(ValueError, match="`learning_rate` must be a positive number, got 0"):
        SkipGram(5, learning_rate=0)
    with pytest.raises(ValueError, match="`learning_rate` must be a positive number, got '0.1'"):
        CBOW(5, learning_rate="0.1")
    corpus = TextCorpus.from_sentences([["a", "b"]], min_count=1)
    with pytest.raises(ValueError, match="vocabulary_size 5 but the corpus has 2"):
        train_word2vec(SkipGram(5), corpus, verbose=0)
    with pytest.raises(ValueError, match="2 words for a model of vocabulary_size 5"):
        SkipGram(5).word_vectors(["a", "b"])


class Recorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch", batch, logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch", epoch, logs["loss"]))


def test_callbacks_see_batches_and_epochs_and_can_stop_training():
    from zoo.training import NonFiniteLossStop

    sentences, _ = planted_corpus()
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    recorder = Recorder()
    history = train_word2vec(
        SkipGram(corpus.vocabulary_size, dimension=4, seed=0), corpus, epochs=2, window=2,
        negative=2, sample=0, batch_size=256, seed=0, verbose=0, callbacks=[recorder])
    epochs = [event for event in recorder.events if event[0] == "epoch"]
    batches = [event for event in recorder.events if event[0] == "batch"]
    assert [epoch for _, epoch, _ in epochs] == [0, 1]
    assert [loss for _, _, loss in epochs] == pytest.approx(history["loss"])
    assert [batch for _, batch, _ in batches] == list(range(len(batches)))
    # An absurd step overflows float32 at once: the NaN stop ends training
    # after the bad batch instead of running all 3 epochs.
    model = SkipGram(corpus.vocabulary_size, dimension=4, seed=0)
    stop = NonFiniteLossStop()
    history = train_word2vec(
        model, corpus, epochs=3, window=2, negative=2, sample=0, batch_size=256,
        learning_rate=1e30, seed=0, verbose=0, callbacks=[stop])
    assert stop.stopped_at is not None and model.stop_training
    assert len(history["loss"]) == stop.stopped_at[0]


def test_a_corpus_that_subsampling_empties_is_a_clear_error():
    corpus = TextCorpus.from_sentences([["a", "b"]] * 2, min_count=1)
    with pytest.raises(ValueError, match=r"produced no training pairs: subsampling \(sample=0.001\)"):
        train_word2vec(SkipGram(corpus.vocabulary_size, dimension=2, seed=0), corpus,
                       sample=1e-3, batch_size=4, seed=0, verbose=0)
