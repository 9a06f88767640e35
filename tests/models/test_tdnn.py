import math

import keras
import numpy as np
import pytest

import zoo
from zoo.data.tdnn_examples import tdnn_examples
from zoo.data.text_corpus import TextCorpus
from zoo.models.sampled_softmax import log_uniform_sample
from zoo.models.sampled_softmax import sampled_softmax_loss
from zoo.models.tdnn import TDNN

# ---- numpy reference of Bengio et al.'s equations ------------------------


def set_random_weights(model, seed=0):
    """Random weights, set by hand; returns them as float64 numpy arrays."""
    rng = np.random.default_rng(seed)
    weights = {}
    for variable in model.weights:
        name = variable.path.split("/")[-1]
        value = rng.normal(scale=0.5, size=variable.shape)
        variable.assign(value.astype("float32"))
        weights[name] = value
    return weights


def reference_log_probabilities(weights, contexts, context, dimension, hidden_units):
    """x = [C(w_{t-1}); ...; C(w_{t-N})], h = tanh(d + H x),
    y = b + U h + W x, log softmax(y)."""
    C = weights["embeddings"]
    x = np.concatenate([C[contexts[:, j]] for j in range(context)], axis=1)
    h = np.tanh(weights["hidden_bias"] + x @ weights["hidden_kernel"])
    out = weights["output_weights"]
    U = out[:, :hidden_units]
    y = weights["output_bias"] + h @ U.T
    if out.shape[1] > hidden_units:  # direct connections
        W = out[:, hidden_units:]
        y = y + x @ W.T
    y = y - y.max(axis=1, keepdims=True)
    return y - np.log(np.exp(y).sum(axis=1, keepdims=True)), np.concatenate(
        [h, x] if out.shape[1] > hidden_units else [h], axis=1)


def log_uniform(k, vocabulary_size):
    return (np.log(k + 2.0) - np.log(k + 1.0)) / np.log(vocabulary_size + 1.0)


def reference_sampled_loss(features, targets, out, bias, noise):
    """Sampled softmax, example by example: the true word exact, the noise
    words corrected by their expected count S Q(k)."""
    S, V = len(noise), len(bias)
    losses = []
    for f, t in zip(features, targets):
        logits = [f @ out[t] + bias[t]]
        for n in noise:
            if n != t:  # accidental hits leave the softmax
                logits.append(f @ out[n] + bias[n] - np.log(S * log_uniform(n, V)))
        logits = np.array(logits)
        losses.append(np.log(np.exp(logits).sum()) - logits[0])
    return np.array(losses)


def tiny_model(**kwargs):
    options = dict(vocabulary_size=7, context=3, dimension=4, hidden_units=5, seed=0)
    return TDNN(**{**options, **kwargs})


def numpy(x):
    return keras.ops.convert_to_numpy(x)


# ---- the network -----------------------------------------------------------


@pytest.mark.parametrize("direct_connections", [False, True])
def test_forward_pass_matches_the_equations(direct_connections):
    model = tiny_model(direct_connections=direct_connections)
    weights = set_random_weights(model)
    assert weights["embeddings"].shape == (8, 4)  # vocabulary + the boundary
    assert weights["output_weights"].shape == (7, 5 + 12 * direct_connections)
    contexts = np.random.default_rng(1).integers(0, 8, size=(6, 3))
    expected, _ = reference_log_probabilities(weights, contexts, 3, 4, 5)
    np.testing.assert_allclose(numpy(model(contexts)), expected, rtol=1e-5, atol=1e-5)


def test_full_softmax_loss_is_the_mean_negative_log_likelihood():
    model = tiny_model(softmax="full", dropout=0.5)
    weights = set_random_weights(model)
    rng = np.random.default_rng(2)
    contexts, targets = rng.integers(0, 8, size=(5, 3)), rng.integers(0, 7, size=5)
    log_p, _ = reference_log_probabilities(weights, contexts, 3, 4, 5)
    nll = -log_p[np.arange(5), targets]
    y_pred = model(contexts)
    loss = model.compute_loss(contexts, targets, y_pred)
    assert float(loss) == pytest.approx(nll.mean(), rel=1e-5)
    sample_weight = np.array([1.0, 0.0, 2.0, 1.0, 0.0])
    weighted = (nll * sample_weight).sum() / sample_weight.sum()
    loss = model.compute_loss(contexts, targets, y_pred, sample_weight=sample_weight)
    assert float(loss) == pytest.approx(weighted, rel=1e-5)


def test_sampled_softmax_loss_matches_numpy_given_the_noise():
    rng = np.random.default_rng(3)
    V, F = 9, 4
    features = rng.normal(size=(6, F))
    out, bias = rng.normal(size=(V, F)), rng.normal(size=V)
    targets = np.array([0, 3, 3, 8, 1, 5])
    noise = np.array([3, 0, 7, 7, 2])  # hits for targets 0 and 3; a repeat
    loss = sampled_softmax_loss(
        *(x.astype("float32") for x in (features,)), targets,
        out.astype("float32"), bias.astype("float32"), noise)
    expected = reference_sampled_loss(features, targets, out, bias, noise)
    np.testing.assert_allclose(numpy(loss), expected, rtol=1e-5, atol=1e-5)


def test_sampled_softmax_loss_tends_to_the_full_softmax_loss():
    # Property: the noise estimates Z - exp(y_t) without bias, so with many
    # noise words the loss is -log P(t) (a frequent and a rare target).
    rng = np.random.default_rng(4)
    V, F = 50, 3
    features = rng.normal(size=(2, F))
    out, bias = rng.normal(size=(V, F)), rng.normal(size=V)
    targets = np.array([0, 41])
    y = features @ out.T + bias
    full = np.log(np.exp(y).sum(axis=1)) - y[[0, 1], targets]
    q = log_uniform(np.arange(V), V)
    noise = rng.choice(V, size=200_000, p=q / q.sum())
    loss = sampled_softmax_loss(
        features.astype("float32"), targets, out.astype("float32"), bias.astype("float32"), noise)
    np.testing.assert_allclose(numpy(loss), full, rtol=0.02)


@pytest.mark.parametrize("direct_connections", [False, True])
def test_training_call_and_loss_are_the_sampled_softmax(direct_connections):
    model = tiny_model(num_sampled=5, direct_connections=direct_connections)
    weights = set_random_weights(model, seed=4)
    rng = np.random.default_rng(5)
    contexts, targets = rng.integers(0, 8, size=(4, 3)), rng.integers(0, 7, size=4)
    y_pred = model(contexts, training=True)
    noise = numpy(y_pred["noise_ids"])
    assert noise.shape == (5,) and noise.min() >= 0 and noise.max() < 7
    _, features = reference_log_probabilities(weights, contexts, 3, 4, 5)
    np.testing.assert_allclose(numpy(y_pred["features"]), features, rtol=1e-5, atol=1e-5)
    expected = reference_sampled_loss(
        features, targets, weights["output_weights"], weights["output_bias"], noise).mean()
    loss = model.compute_loss(contexts, targets, y_pred, training=True)
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    # Each training call draws new noise.
    draws = {tuple(numpy(model(contexts, training=True)["noise_ids"])) for _ in range(5)}
    assert len(draws) > 1


def test_log_uniform_noise_follows_zipf():
    V, n = 10, 40_000
    ids = numpy(log_uniform_sample(n, V, seed=keras.random.SeedGenerator(0)))
    q = log_uniform(np.arange(V), V)
    assert q.sum() == pytest.approx(1.0)
    observed = np.bincount(ids, minlength=V)
    chi_square = ((observed - n * q) ** 2 / (n * q)).sum()
    assert chi_square < 27.9  # 99.9th percentile of chi-square, 9 degrees of freedom


def test_dropout_only_in_training():
    model = tiny_model(softmax="full", dropout=0.5)
    contexts = np.random.default_rng(6).integers(0, 8, size=(4, 3))
    np.testing.assert_array_equal(numpy(model(contexts)), numpy(model(contexts)))
    assert not np.allclose(numpy(model(contexts, training=True)), numpy(model(contexts)))


# ---- perplexity -------------------------------------------------------------


def test_perplexity_matches_numpy():
    sentences = [["a", "b", "c", "a"], ["c"], ["b", "b", "a", "d", "c"]]
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    model = TDNN(corpus.vocabulary_size, context=2, dimension=3, hidden_units=4, seed=1)
    weights = set_random_weights(model, seed=7)
    boundary = corpus.vocabulary_size
    rows, targets = [], []
    for sentence in sentences:
        ids = [corpus.words.index(w) for w in sentence]
        padded = [boundary, boundary] + ids
        for t, word in enumerate(ids):
            rows.append([padded[t + 1], padded[t]])  # w_{t-1}, w_{t-2}
            targets.append(word)
    log_p, _ = reference_log_probabilities(weights, np.array(rows), 2, 3, 4)
    expected = math.exp(-log_p[np.arange(len(targets)), targets].mean())
    assert model.perplexity(corpus, batch_size=4) == pytest.approx(expected, rel=1e-5)
    # One sentence given as ids.
    first = [corpus.words.index(w) for w in sentences[0]]
    expected_first = math.exp(-log_p[np.arange(4), targets[:4]].mean())
    assert model.perplexity(first, batch_size=3) == pytest.approx(expected_first, rel=1e-5)


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity():
    model = tiny_model()
    set_random_weights(model)
    model.output_weights.assign(np.zeros((7, 5), "float32"))
    model.output_bias.assign(np.full(7, 3.0, "float32"))  # any constant
    ids = np.random.default_rng(8).integers(0, 7, size=30)
    assert model.perplexity(ids) == pytest.approx(7.0, rel=1e-5)


@pytest.mark.parametrize("softmax", ["sampled", "full"])
def test_training_on_a_cycle_reaches_perplexity_one(softmax):
    corpus = TextCorpus.from_sentences([["a", "b", "c", "d", "e"] * 4] * 20, min_count=1)
    contexts, targets = tdnn_examples(corpus, context=2)
    model = TDNN(5, context=2, dimension=6, hidden_units=12, softmax=softmax, num_sampled=4, seed=2)
    assert model.perplexity(corpus) > 4.0
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    model.fit(contexts, targets, batch_size=50, epochs=5, verbose=0)
    assert model.perplexity(corpus) < 1.1
    # evaluate() scores the full softmax too: its loss is log(perplexity).
    loss = model.evaluate(contexts, targets, batch_size=50, verbose=0)
    assert math.exp(loss) == pytest.approx(model.perplexity(corpus), rel=1e-3)


def test_word_vectors_are_the_embeddings_without_the_boundary():
    model = tiny_model(vocabulary_size=3)
    weights = set_random_weights(model)
    vectors = model.word_vectors(["x", "y", "z"], counts=[3, 2, 1])
    np.testing.assert_allclose(vectors.vectors, weights["embeddings"][:3], rtol=1e-6)
    assert vectors.counts == [3, 2, 1]


# ---- serialization and arguments --------------------------------------------


def test_config_round_trip():
    model = tiny_model(direct_connections=True, softmax="full", num_sampled=7, dropout=0.25, seed=4)
    config = model.get_config()
    clone = TDNN.from_config(config)
    assert clone.get_config() == config
    assert (clone.vocabulary_size, clone.context, clone.dimension,
            clone.hidden_units) == (7, 3, 4, 5)
    assert (clone.direct_connections, clone.softmax, clone.num_sampled, clone.dropout,
            clone.seed) == (True, "full", 7, 0.25, 4)


def test_save_and_load_give_identical_outputs(tmp_path):
    model = tiny_model(direct_connections=True)
    model.compile(optimizer="adam")
    contexts = np.random.default_rng(9).integers(0, 8, size=(4, 3))
    model.fit(contexts, np.array([0, 1, 2, 3]), epochs=1, verbose=0)
    expected = numpy(model(contexts))
    zoo.hub.save(model, tmp_path / "x")
    restored = zoo.load(str(tmp_path / "x"))
    assert isinstance(restored, TDNN)
    np.testing.assert_array_equal(numpy(restored(contexts)), expected)


def test_bad_arguments():
    for name, value in [("vocabulary_size", 0), ("context", 2.0), ("dimension", -1),
                        ("hidden_units", True), ("num_sampled", 0)]:
        with pytest.raises(ValueError, match=f"`{name}` must be a positive integer"):
            TDNN(**{"vocabulary_size": 5, name: value})
    with pytest.raises(ValueError, match="`softmax` must be one of"):
        TDNN(5, softmax="sampled_softmax")
    with pytest.raises(ValueError, match=r"`dropout` must be a float in \[0, 1\)"):
        TDNN(5, dropout=1.0)
    model = tiny_model()
    corpus = TextCorpus.from_sentences([["a", "b"]], min_count=1)
    with pytest.raises(ValueError, match="corpus has 2 words but the model's vocabulary_size is 7"):
        model.perplexity(corpus)
    with pytest.raises(ValueError, match=r"`targets` ids must be in \[0, 6\]"):
        model.perplexity([1, 7])
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        model.perplexity([1, 2], batch_size=0)
    with pytest.raises(ValueError, match="No words"):
        model.perplexity([])
    with pytest.raises(ValueError, match="1-D sequence of int"):
        model.perplexity([[1, 2]])
    with pytest.raises(ValueError, match="2 words for a model of vocabulary_size 7"):
        model.word_vectors(["a", "b"])
    with pytest.raises(ValueError, match="needs the next words"):
        model.compute_loss(np.zeros((1, 3)), None, model(np.zeros((1, 3), "int32")))


# ---- real training (slow) ---------------------------------------------------


def markov_sentences(rng, vocabulary, sentences, length, concentration=0.1):
    """Sentences from a random first-order Markov source, and its
    next-word probabilities P[w_{t-1}] (row `vocabulary`: at a sentence start)."""
    table = rng.dirichlet(np.full(vocabulary, concentration), size=vocabulary + 1)
    text = []
    for _ in range(sentences):
        last, sentence = vocabulary, []
        for _ in range(length):
            last = int(rng.choice(vocabulary, p=table[last]))
            sentence.append(last)
        text.append(sentence)
    return text, table


def true_perplexity(sentences, table, vocabulary):
    log_p = [
        np.log(table[last, word])
        for sentence in sentences
        for last, word in zip([vocabulary] + sentence[:-1], sentence)
    ]
    return math.exp(-np.mean(log_p))


@pytest.mark.slow
def test_recipe_learns_a_markov_chain_to_its_true_perplexity(tmp_path, capsys):
    import importlib.util
    from pathlib import Path

    vocabulary = 30
    sentences, table = markov_sentences(np.random.default_rng(0), vocabulary, 10_000, 20)
    corpus_file = tmp_path / "markov.txt"
    corpus_file.write_text("".join(" ".join(f"w{w}" for w in s) + "\n" for s in sentences))
    recipe = Path(__file__).resolve().parents[2] / "recipes" / "tdnn.py"
    spec = importlib.util.spec_from_file_location("tdnn_recipe", recipe)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = ["--corpus", str(corpus_file), "--min-count", "1", "--context", "2",
            "--dimension", "16", "--hidden-units", "64", "--num-sampled", "64",
            "--batch-size", "256", "--learning-rate", "0.005", "--epochs", "4",
            "--out", str(tmp_path / "tdnn_markov")]
    assert module.main(argv) == 0
    assert "dev perplexity" in capsys.readouterr().out

    dev = sentences[int(len(sentences) * 0.98):]
    expected = true_perplexity(dev, table, vocabulary)
    model = zoo.load(str(tmp_path / "tdnn_markov"))
    metrics = model.card.metrics["dev"]
    assert metrics["unigram_perplexity"] > 2 * expected
    assert 0.95 * expected < metrics["perplexity"] < 1.1 * expected, (metrics, expected)
