"""Hyperparameter search with keras-tuner: a HyperModel per model family.

    from zoo.tuning import TaggerHyperModel, build_tuner
    tuner = build_tuner("random", TaggerHyperModel(train, dev), directory="tuning",
                        max_trials=20)
    tuner.search(epochs=10)
    print(trials_table(tuner))

`zoo tune tagger --train ... --dev ...` runs the same from the command line.
"""

from zoo.tuning.dev_score_logger import DevScoreLogger
from zoo.tuning.tagger_hypermodel import TAGGER_CELLS
from zoo.tuning.tagger_hypermodel import TaggerHyperModel
from zoo.tuning.tuner_factory import TUNERS
from zoo.tuning.tuner_factory import build_tuner
from zoo.tuning.tuner_factory import ranked_trials
from zoo.tuning.tuner_factory import trials_table
