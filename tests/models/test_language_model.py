import keras
import numpy as np
import pytest

import language_model_reference as reference
import zoo
from zoo.data.bptt_batches import BPTTBatches
from zoo.models.language_model import LanguageModel
from zoo.models.sequence_tagger import SEQUENCE_LAYERS


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def tiny_model(**kwargs):
    # 9 ids, 3 embedding dimensions and 4 units unless a test needs other
    # sizes: JAX compiles the initializers once per shape.
    options = dict(vocabulary_size=9, embedding_dim=3, units=4, num_layers=2, seed=0)
    return LanguageModel(**{**options, **kwargs})


# ---- the network against numpy ---------------------------------------------


@pytest.mark.parametrize(
    "cell, options, projection",
    [
        ("lstm", {}, False),
        ("gru", {}, False),
        ("lstm", {"tie_embeddings": True}, True),  # 4 units, 3 dimensions
        ("gru", {"tie_embeddings": True, "embedding_dim": 4}, False),
    ],
)
def test_loss_matches_a_numpy_rnn_and_softmax(cell, options, projection):
    model = tiny_model(cell=cell, **options)
    assert (model.projection is not None) == projection
    reference.set_random_weights(model)
    weights = reference.model_weights(model)
    rng = np.random.default_rng(1)
    tokens = rng.integers(1, 9, size=(3, 6))
    targets = rng.integers(1, 9, size=(3, 6))
    tokens[1, 4:] = targets[1, 4:] = 0  # a padded row
    tokens[2, 2:] = targets[2, 2:] = 0
    logits, states = reference.forward(weights, tokens, cell, units=4)
    expected = reference.masked_cross_entropy(logits, targets)
    got_logits, got_states = model.logits_and_states(tokens)
    loss = model.compute_loss(tokens, targets, got_logits)
    assert float(loss) == pytest.approx(expected, rel=1e-5)
    real = tokens != 0
    np.testing.assert_allclose(numpy(got_logits)[real], logits[real], rtol=1e-4, atol=1e-5)
    for got_layer, want_layer in zip(got_states, states):
        for got, want in zip(got_layer, want_layer):
            np.testing.assert_allclose(numpy(got), want, rtol=1e-4, atol=1e-5)
    # Weighted by rows: sum(w * m * nll) / sum(w * m).
    row_weights = np.array([1.0, 0.0, 2.0])
    nll = -np.take_along_axis(reference.log_softmax(logits), targets[..., None], -1)[..., 0]
    weighted = (nll * real * row_weights[:, None]).sum() / (real * row_weights[:, None]).sum()
    loss = model.compute_loss(tokens, targets, got_logits, sample_weight=row_weights)
    assert float(loss) == pytest.approx(weighted, rel=1e-5)


# Keras' own cells and two zoo cells (the zoo cells share one `call`).
@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn", "peephole_lstm", "layer_norm_gru"])
def test_one_step_at_a_time_matches_the_sequence_pass(cell):
    # `generate` runs the cells step by step; `forward` runs the layers.
    assert cell in SEQUENCE_LAYERS
    model = tiny_model(cell=cell, num_layers=1)
    reference.set_random_weights(model, scale=0.3)
    tokens = np.random.default_rng(2).integers(1, 9, size=(2, 5))
    logits, final_states = model.logits_and_states(tokens)
    states = model.zero_states(2)
    for t in range(5):
        step_logits, states = model.step(tokens[:, t], states)
        np.testing.assert_allclose(numpy(step_logits), numpy(logits)[:, t], rtol=1e-4, atol=1e-5)
    for got_layer, want_layer in zip(states, final_states):
        for got, want in zip(got_layer, want_layer):
            np.testing.assert_allclose(numpy(got), numpy(want), rtol=1e-4, atol=1e-5)


# ---- truncated BPTT ------------------------------------------------------------


def test_fit_refuses_to_shuffle_the_stream():
    model = tiny_model()
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="must be read in order"):
        model.fit(BPTTBatches(np.arange(1, 7) % 6 + 1, batch_size=1, bptt=2), shuffle=True)


# ---- dropout -------------------------------------------------------------------------


def test_dropouts_are_variational_and_only_in_training():
    model = tiny_model(embedding_dropout=0.5, input_dropout=0.5, recurrent_dropout=0.3,
                       output_dropout=0.3, num_layers=1, seed=3)
    tokens = np.array([[1, 2, 1, 2, 1, 2, 3, 3]] * 4)
    assert not np.allclose(numpy(model(tokens, training=True)), numpy(model(tokens)))
    plain = numpy(model.embed(tokens))
    only_types = tiny_model(embedding_dropout=0.5, num_layers=1, seed=3)
    only_types.set_weights(model.get_weights())
    for _ in range(3):
        dropped = numpy(only_types.embed(tokens, training=True))
        kept = np.abs(dropped).sum(axis=-1) > 0
        for token in (1, 2, 3):  # a word type is dropped everywhere or nowhere
            assert len(set(kept[tokens == token].tolist())) == 1
        np.testing.assert_allclose(dropped[kept], 2 * plain[kept], rtol=1e-6)
    only_units = tiny_model(input_dropout=0.5, num_layers=1, seed=3)
    only_units.set_weights(model.get_weights())
    zeros = numpy(only_units.embed(tokens, training=True)) == 0
    assert (zeros == zeros[:, :1]).all()  # the same units at every step


# ---- serialization and arguments -------------------------------------------------------


def test_config_round_trip():
    model = tiny_model(level="char", cell="gru", tie_embeddings=True,
                       embedding_dropout=0.1, input_dropout=0.2, recurrent_dropout=0.25,
                       output_dropout=0.3, seed=7)
    config = model.get_config()
    clone = LanguageModel.from_config(config)
    assert clone.get_config() == config
    assert (clone.level, clone.cell, clone.tie_embeddings, clone.recurrent_dropout) == (
        "char", "gru", True, 0.25)


def test_bad_arguments():
    for name, value in [("vocabulary_size", 0), ("embedding_dim", 2.0), ("units", -1),
                        ("num_layers", True)]:
        with pytest.raises(ValueError, match=f"`{name}` must be a positive integer"):
            LanguageModel(**{"vocabulary_size": 5, name: value})
    with pytest.raises(ValueError, match="`level` must be one of"):
        LanguageModel(5, level="byte")
    with pytest.raises(ValueError, match="`cell` must be one of"):
        LanguageModel(5, cell="transformer")
    with pytest.raises(ValueError, match=r"`output_dropout` must be a float in \[0, 1\)"):
        LanguageModel(5, output_dropout=1.0)
    model = tiny_model()
    with pytest.raises(ValueError, match="needs the next tokens"):
        model.compute_loss(np.ones((1, 2)), None, np.zeros((1, 2, 9), "float32"))
    with pytest.raises(ValueError, match=r"Token ids must be in \[1, 8\]"):
        model.token_log_probabilities([1, 9])
    with pytest.raises(ValueError, match="No tokens"):
        model.token_log_probabilities([])
    with pytest.raises(ValueError, match="has 3 entries, the model's vocabulary_size is 9"):
        model.set_vocabulary(zoo.data.Vocabulary(["<eos>"]))
    with model.carrying_states(batch_size=2):
        with pytest.raises(ValueError, match="The batch has 3 rows but the carried states have 2"):
            model(np.ones((3, 2), "int32"), training=True)
