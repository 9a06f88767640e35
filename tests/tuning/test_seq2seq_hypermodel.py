"""Seq2SeqHyperModel: the documented defaults, the attention options in
their conditional scopes, several dev references, and a 2-trial search whose
best model loads and scores what its trial recorded."""

import itertools

import keras_tuner
import numpy as np
import pytest

from zoo.layers.bahdanau_attention import BahdanauAttention
from zoo.layers.luong_attention import LuongAttention
from zoo.models.seq2seq import CELLS
from zoo.models.seq2seq import END_ID
from zoo.models.seq2seq import START_ID
from zoo.tuning.seq2seq_hypermodel import SEQ2SEQ_CELLS
from zoo.tuning.seq2seq_hypermodel import Seq2SeqHyperModel
from zoo.tuning.tuner_factory import build_tuner
from zoo.tuning.tuner_factory import ranked_trials

# Every source 3 letters and every target 1 (the first letter): one batch
# shape, one compilation.
WORDS = ["".join(letters) for letters in itertools.product("abcd", repeat=3)]
WORDS = [WORDS[i] for i in np.random.default_rng(0).permutation(len(WORDS))]
TRAIN = [(word, word[0]) for word in WORDS[:48]]
# The last dev source ("dab") has two references, its first and second
# letters: either output is right.
DEV = [(word, word[0]) for word in WORDS[48:55]] + [(WORDS[54], WORDS[54][1])]


def test_every_hyperparameter_has_the_documented_default():
    hp = keras_tuner.HyperParameters()
    model = Seq2SeqHyperModel(TRAIN, DEV).build(hp)
    assert hp.values == {
        "attention": "luong", "luong_score": "general", "cell": "lstm", "units": 64,
        "num_layers": 1, "embedding_dim": 32, "dropout": 0.3, "learning_rate": 0.002,
    }
    assert (model.cell, model.units, model.num_layers, model.embedding_dim) == ("lstm", 64, 1, 32)
    assert (model.attention, model.luong_score, model.dropout) == ("luong", "general", 0.3)
    assert isinstance(model.decoder_cell.attention, LuongAttention)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.002)
    # The cell is itself a hyperparameter: every cell Seq2Seq takes.
    cells = next(entry for entry in hp.space if entry.name == "cell").values
    assert set(cells) == set(SEQ2SEQ_CELLS) == set(CELLS)


def conditions_of(hp):
    return {entry.name: [(c.name, c.values) for c in entry.conditions]
            for entry in hp.space if entry.conditions}


def test_attention_options_are_conditional_on_the_attention(tmp_path):
    hypermodel = Seq2SeqHyperModel(TRAIN, DEV)
    hp = keras_tuner.HyperParameters()
    hypermodel.build(hp)
    assert conditions_of(hp) == {"luong_score": [("attention", ["luong"])]}
    hp.values["luong_score"] = "dot"
    assert hypermodel.build(hp).luong_score == "dot"

    hp = keras_tuner.HyperParameters()
    hp.Fixed("attention", "bahdanau")
    model = hypermodel.build(hp)
    assert hp.values["attention_units"] == 64 and "luong_score" not in hp.values
    assert conditions_of(hp) == {"attention_units": [("attention", ["bahdanau"])]}
    assert isinstance(model.decoder_cell.attention, BahdanauAttention)
    assert model.attention_units == 64

    # A tuner finds both, each under its attention.
    tuner = build_tuner("random", hypermodel, directory=str(tmp_path), max_trials=1)
    assert conditions_of(tuner.oracle.hyperparameters) == {
        "luong_score": [("attention", ["luong"])],
        "attention_units": [("attention", ["bahdanau"])],
    }


def test_dev_references_are_grouped_by_source():
    hypermodel = Seq2SeqHyperModel(TRAIN, DEV)
    assert len(hypermodel.dev_sources) == 7
    assert hypermodel.dev_sources == [word for word, _ in DEV[:7]]
    assert hypermodel.dev_references[6] == [("d",), ("a",)]

    class Transducer:  # stands for a model: its greedy outputs are given
        def __init__(self, last):
            self.outputs = [[word[0]] for word, _ in DEV[:6]] + [[last]]

        def transduce(self, sources, unknown="error"):
            assert unknown == "replace" and sources == hypermodel.dev_sources
            return self.outputs

    assert hypermodel.dev_error(Transducer("d")) == 0
    assert hypermodel.dev_error(Transducer("a")) == 0
    assert hypermodel.dev_error(Transducer("b")) == pytest.approx(1 / 7)


def greedy_outputs(model, sources, steps=6):
    """Greedy decoding by teacher-forced calls: feed the outputs so far and
    take the most likely next token (never padding or <s>), until </s>."""
    source = model.encode(sources)
    target_input = np.zeros((len(sources), steps), "int32")
    target_input[:, 0] = START_ID
    outputs = [[] for _ in sources]
    done = np.zeros(len(sources), bool)
    for step in range(steps):
        logits = np.asarray(model.predict_on_batch(
            {"source": source, "target_input": target_input}))[:, step]
        logits[:, :START_ID + 1] = -np.inf
        tokens = logits.argmax(axis=-1)
        for row, token in enumerate(tokens):
            if not done[row]:
                done[row] = token == END_ID
                if not done[row]:
                    outputs[row].append(int(token))
        if done.all() or step + 1 == steps:
            break
        target_input[:, step + 1] = tokens
    vocabulary = model.vocabularies["target"]
    return [vocabulary.decode(ids) for ids in outputs]


@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer")
def test_two_trial_search_and_the_best_model_rescores(tmp_path):
    hypermodel = Seq2SeqHyperModel(TRAIN, DEV, batch_size=16, seed=1, jit_compile="auto")
    # Search seed 33 draws one-layer models, one with each attention (keeps
    # the test quick: compilation is most of its time).
    tuner = build_tuner("random", hypermodel, directory=str(tmp_path), max_trials=2, seed=33)
    tuner.search(epochs=10, verbose=0)  # epochs are quick once compiled
    ranked = ranked_trials(tuner)
    assert len(ranked) == 2 and ranked[0][1] <= ranked[1][1]  # minimized
    assert {values["attention"] for _, _, values in ranked} == {"luong", "bahdanau"}
    for _, score, _ in ranked:
        assert 0 <= score <= 1
    _, best_score, values = ranked[0]
    assert best_score < 1  # it learned something: the check below is not vacuous

    model = tuner.get_best_models(1)[0]
    assert (model.cell, model.units, model.attention) == (
        values["cell"], values["units"], values["attention"])
    references = {}
    for word, target in DEV:
        references.setdefault(word, set()).add(target)
    sources = list(references)
    outputs = greedy_outputs(model, sources)
    wrong = sum("".join(output) not in references[word] for word, output in zip(sources, outputs))
    assert wrong / len(sources) == pytest.approx(best_score)
