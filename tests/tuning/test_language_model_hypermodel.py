"""LanguageModelHyperModel: the documented defaults, tied embeddings at any
sizes, and a 2-trial search whose best model loads and scores what its
trial recorded."""

import math

import keras
import keras_tuner
import numpy as np
import pytest

from zoo.models.sequence_tagger import SEQUENCE_LAYERS
from zoo.tuning.language_model_hypermodel import LANGUAGE_MODEL_CELLS
from zoo.tuning.language_model_hypermodel import LanguageModelHyperModel
from zoo.tuning.tuner_factory import build_tuner
from zoo.tuning.tuner_factory import ranked_trials

TRAIN = "the cat sat on the mat\nthe dog sat on the log\na cat saw a dog\n" * 6
DEV = "the dog sat on the mat\na cat sat on the log\n"


def test_every_hyperparameter_has_the_documented_default():
    hp = keras_tuner.HyperParameters()
    model = LanguageModelHyperModel(TRAIN, DEV).build(hp)
    assert hp.values == {
        "cell": "lstm", "units": 128, "num_layers": 1, "embedding_dim": 128,
        "tie_embeddings": True, "embedding_dropout": 0.1, "input_dropout": 0.3,
        "recurrent_dropout": 0.0, "output_dropout": 0.5, "learning_rate": 0.002,
    }
    assert (model.level, model.cell, model.units, model.num_layers, model.embedding_dim) == (
        "word", "lstm", 128, 1, 128)
    assert model.tie_embeddings and model.projection is None  # equal sizes: no projection
    assert (model.embedding_dropout, model.input_dropout, model.output_dropout) == (0.1, 0.3, 0.5)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)
    # The cell is itself a hyperparameter, zoo cells included.
    cells = next(entry for entry in hp.space if entry.name == "cell").values
    assert set(cells) == set(LANGUAGE_MODEL_CELLS) == set(SEQUENCE_LAYERS)
    assert {"peephole_lstm", "cifg_lstm", "coupled_gru", "layer_norm_lstm"} <= set(cells)


def test_character_level_defaults():
    hp = keras_tuner.HyperParameters()
    hypermodel = LanguageModelHyperModel(TRAIN, DEV, level="char")
    model = hypermodel.build(hp)
    assert hp.values["embedding_dim"] == 32 and model.level == "char"
    assert (hypermodel.bptt, hypermodel.min_count, hypermodel.score_rows) == (100, 1, 32)


@pytest.mark.parametrize("tie, embedding_dim", [(True, 64), (False, 64), (True, 128)])
def test_any_sizes_tie_so_nothing_is_conditional(tie, embedding_dim):
    hp = keras_tuner.HyperParameters()
    hp.Fixed("tie_embeddings", tie)
    hp.Fixed("embedding_dim", embedding_dim)
    model = LanguageModelHyperModel(TRAIN, DEV).build(hp)
    assert all(not entry.conditions for entry in hp.space)
    # LanguageModel projects the 128 units to the embedding size where they differ.
    assert (model.projection is not None) == (tie and embedding_dim != 128)
    assert hasattr(model, "output_kernel") == (not tie)
    logits = model(np.array([[3, 4, 5]]))
    assert logits.shape == (1, 3, model.vocabulary_size)


def cross_entropy_of(model, text):
    """Nats per token of `text` read as one stream after a line break, from
    the model's logits and a numpy log-softmax."""
    ids = model.encode(text)
    stream = np.concatenate([[model.line_break_id], ids])[None, :].astype("int32")
    logits = keras.ops.convert_to_numpy(model(stream[:, :-1], training=False))[0]
    logits = logits.astype("float64")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probabilities = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return -float(np.mean(log_probabilities[np.arange(len(ids)), ids]))


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_two_trial_search_and_the_best_model_rescores(tmp_path):
    hypermodel = LanguageModelHyperModel(TRAIN, DEV, batch_size=4, bptt=8, seed=1,
                                         jit_compile="auto")
    # Search seed 2 draws one-layer models of two zoo cells, with recurrent
    # dropout (keeps the test quick: compilation is most of its time).
    tuner = build_tuner("random", hypermodel, directory=str(tmp_path), max_trials=2, seed=2)
    tuner.search(epochs=2, verbose=0)
    ranked = ranked_trials(tuner)
    assert len(ranked) == 2 and ranked[0][1] <= ranked[1][1]  # minimized
    model = tuner.get_best_models(1)[0]
    for _, score, _ in ranked:
        # Above 0, and below a uniform guess over the vocabulary plus a margin.
        assert math.isfinite(score) and 0 < score < math.log(model.vocabulary_size) + 1
    _, best_score, values = ranked[0]
    assert {trial[2]["cell"] for trial in ranked} == {"layer_norm_simple_rnn", "cifg_lstm"}
    assert (model.cell, model.units, model.num_layers) == (
        values["cell"], values["units"], values["num_layers"])
    assert cross_entropy_of(model, DEV) == pytest.approx(best_score, rel=1e-4)
