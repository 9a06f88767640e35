"""Word2VecHyperModel: the documented defaults, the model choice, and a
2-trial search whose best vectors load and score what their trial recorded."""

import math

import keras_tuner
import numpy as np
import pytest

from zoo.data import TextCorpus
from zoo.data import WordPair
from zoo.models import CBOW
from zoo.models import SkipGram
from zoo.training.word_vector_evaluation import evaluate_word_similarity
from zoo.tuning.tuner_factory import build_tuner
from zoo.tuning.tuner_factory import ranked_trials
from zoo.tuning.word2vec_hypermodel import Word2VecHyperModel

ANIMALS = ["cat", "dog", "cow", "pig"]
TOOLS = ["saw", "axe", "drill", "file"]


def corpus_and_pairs():
    """Sentences about animals or tools, never both; pairs within a topic
    score high, pairs across topics low."""
    rng = np.random.default_rng(0)
    sentences = [list(rng.choice(words, 6)) for _ in range(60) for words in (ANIMALS, TOOLS)]
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    pairs = [WordPair("cat", "dog", 9.0), WordPair("saw", "drill", 8.5),
             WordPair("cow", "pig", 8.0), WordPair("axe", "file", 7.5),
             WordPair("cat", "saw", 2.0), WordPair("pig", "drill", 1.5),
             WordPair("dog", "axe", 1.0), WordPair("cow", "file", 0.5),
             WordPair("Cat", "unicorn", 5.0)]  # one word unknown: skipped
    return corpus, pairs


def test_every_hyperparameter_has_the_documented_default():
    corpus, pairs = corpus_and_pairs()
    hp = keras_tuner.HyperParameters()
    model = Word2VecHyperModel(corpus, pairs).build(hp)
    assert hp.values == {
        "model": "skipgram", "window": 5, "negative": 5, "sample": 1e-3,
        "dimension": 100, "learning_rate": 0.025,
    }
    assert isinstance(model, SkipGram) and model.built
    assert (model.vocabulary_size, model.dimension, model.learning_rate) == (8, 100, 0.025)


def test_the_model_choice_picks_the_class_and_nothing_is_conditional():
    corpus, pairs = corpus_and_pairs()
    hp = keras_tuner.HyperParameters()
    hp.Fixed("model", "cbow")
    model = Word2VecHyperModel(corpus, pairs).build(hp)
    assert isinstance(model, CBOW)
    # SkipGram and CBOW take the same options: every hyperparameter is
    # active whichever model is chosen.
    assert all(not entry.conditions for entry in hp.space)
    assert set(hp.values) == {"model", "window", "negative", "sample", "dimension",
                              "learning_rate"}


def test_too_few_known_pairs_is_an_error():
    corpus, _ = corpus_and_pairs()
    with pytest.raises(ValueError, match="1 of the 2 similarity pairs"):
        Word2VecHyperModel(corpus, [("cat", "dog", 1.0), ("cat", "emu", 2.0)])


def test_two_trial_search_and_the_best_vectors_rescore(tmp_path):
    corpus, pairs = corpus_and_pairs()
    hypermodel = Word2VecHyperModel(corpus, pairs, batch_size=64, seed=1)
    # Search seed 5 draws sample=0 for both trials: any subsampling drops
    # nearly every word of a corpus of 8 frequent words.
    tuner = build_tuner("random", hypermodel, directory=str(tmp_path), max_trials=2, seed=5)
    tuner.search(epochs=2, verbose=0)
    ranked = ranked_trials(tuner)
    assert len(ranked) == 2 and ranked[0][1] >= ranked[1][1]
    for _, score, _ in ranked:
        assert math.isfinite(score) and -1 <= score <= 1
    trial_id, best_score, values = ranked[0]
    assert values["sample"] == 0 and best_score > 0.5  # the topics are learned

    model = tuner.get_best_models(1)[0]
    assert isinstance(model, SkipGram if values["model"] == "skipgram" else CBOW)
    assert model.dimension == values["dimension"]
    # Scored again independently: the recipe's evaluation, on a file.
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{p.first}\t{p.second}\t{p.score}\n" for p in pairs))
    report = evaluate_word_similarity(model.word_vectors(corpus.words), path)
    assert report["pairs"] == 8 and report["oov_pairs"] == 1
    assert report["spearman"] == pytest.approx(best_score, abs=1e-6)
