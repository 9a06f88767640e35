"""Hyperparameter search with keras-tuner: a HyperModel per model family.

    from zoo.tuning import TaggerHyperModel, build_tuner
    tuner = build_tuner("random", TaggerHyperModel(train, dev), directory="tuning",
                        max_trials=20)
    tuner.search(epochs=10)
    print(trials_table(tuner))

The families: `TaggerHyperModel`, `Seq2SeqHyperModel`, `LanguageModelHyperModel`
and `Word2VecHyperModel`. `zoo tune tagger|seq2seq|lm|word2vec --train ... --dev ...`
runs the same from the command line.
"""

from zoo.tuning.dev_score_logger import DevScoreLogger
from zoo.tuning.language_model_hypermodel import LANGUAGE_MODEL_CELLS
from zoo.tuning.language_model_hypermodel import LanguageModelHyperModel
from zoo.tuning.seq2seq_hypermodel import SEQ2SEQ_CELLS
from zoo.tuning.seq2seq_hypermodel import Seq2SeqHyperModel
from zoo.tuning.tagger_hypermodel import TAGGER_CELLS
from zoo.tuning.tagger_hypermodel import TaggerHyperModel
from zoo.tuning.tuner_factory import TUNERS
from zoo.tuning.tuner_factory import build_tuner
from zoo.tuning.tuner_factory import ranked_trials
from zoo.tuning.tuner_factory import trials_table
from zoo.tuning.word2vec_hypermodel import Word2VecHyperModel
