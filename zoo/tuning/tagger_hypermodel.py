"""`TaggerHyperModel`: the search space of a `SequenceTagger`, for keras-tuner."""

import keras
import keras_tuner

from zoo.models.sequence_tagger import SequenceTagger
from zoo.training.tagger_batches import TaggerBatches
from zoo.training.tagger_evaluation import evaluate_tagger
from zoo.tuning.dev_score_logger import DevScoreLogger

#: Sentence cells searched over: Keras' own and zoo's.
TAGGER_CELLS = (
    "lstm", "gru", "peephole_lstm", "cifg_lstm", "coupled_gru",
    "layer_norm_lstm", "layer_norm_gru",
)


class TaggerHyperModel(keras_tuner.HyperModel):
    """Builds and trains `SequenceTagger`s for a keras-tuner search.

    The search space, every hyperparameter with a default (the default
    tagger, scaled to a quick search):

    - `cell`: one of `TAGGER_CELLS`, default `"lstm"`;
    - `units` (32-256, step 32, default 128), `num_layers` (1-3, default 2);
    - `word_dim`: 50 or 100, default 100;
    - `character_encoder`: `"rnn"` (a BiLSTM, with `rnn_character_units`
      32 or 64) or `"cnn"` (with `cnn_character_units` 32 or 64), each
      in the `conditional_scope` of its encoder;
    - `dropout` (0-0.5, default 0.3), `word_dropout` (0-0.1, default 0.05);
    - `head`: `"crf"` or `"softmax"`, default `"crf"`;
    - `learning_rate`: 1e-4 to 1e-2, log scale, default 2e-3 (Adam, with
      gradient clipping at norm 5: recurrent nets need it).

    `fit` trains on `train` and logs the dev accuracy of the first label
    column (span F1 for IOB labels) as `dev_score` after every epoch: the
    objective (`OBJECTIVE`), maximized; a trial's score is its best epoch's.

    Args:
        train: list of `zoo.data.TaggedSentence`, the training data
            (vocabularies are built from it).
        dev: list of `zoo.data.TaggedSentence` with the same label columns.
        label_names: the label columns to predict, default all of train's.
        batch_size: int. Sentences per batch, default 32.
        seed: int. Seed of the models' dropout and batching, default 0.

    Example:

    >>> from zoo.data import TaggedSentence
    >>> data = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})] * 4
    >>> hypermodel = TaggerHyperModel(data, data)
    >>> hp = keras_tuner.HyperParameters()
    >>> tagger = hypermodel.build(hp)
    >>> hp.values["cell"], hp.values["units"], hp.values["learning_rate"]
    ('lstm', 128, 0.002)
    >>> history = hypermodel.fit(hp, tagger, epochs=1, verbose=0)
    >>> 0 <= history.history["dev_score"][0] <= 1
    True
    """

    OBJECTIVE = keras_tuner.Objective("dev_score", direction="max")

    def __init__(self, train, dev, label_names=None, batch_size=32, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.train = list(train)
        self.dev = list(dev)
        if not self.train or not self.dev:
            raise ValueError("TaggerHyperModel needs training and dev sentences.")
        self.label_names = label_names or list(self.train[0].labels)
        self.batch_size = batch_size
        self.seed = seed

    def build(self, hp):
        encoder = hp.Choice("character_encoder", ["rnn", "cnn"], default="rnn")
        with hp.conditional_scope("character_encoder", ["rnn"]):
            if encoder == "rnn":
                character_units = hp.Choice("rnn_character_units", [32, 64], default=32)
        with hp.conditional_scope("character_encoder", ["cnn"]):
            if encoder == "cnn":
                character_units = hp.Choice("cnn_character_units", [32, 64], default=64)
        tagger = SequenceTagger.from_sentences(
            self.train,
            label_names=self.label_names,
            cell=hp.Choice("cell", list(TAGGER_CELLS), default="lstm"),
            units=hp.Int("units", 32, 256, step=32, default=128),
            num_layers=hp.Int("num_layers", 1, 3, default=2),
            word_dim=hp.Choice("word_dim", [50, 100], default=100),
            character_encoder=encoder,
            character_units=character_units,
            dropout=hp.Float("dropout", 0.0, 0.5, step=0.1, default=0.3),
            word_dropout=hp.Float("word_dropout", 0.0, 0.1, step=0.05, default=0.05),
            head=hp.Choice("head", ["crf", "softmax"], default="crf"),
            seed=self.seed,
        )
        learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=2e-3)
        tagger.compile(
            optimizer=keras.optimizers.Adam(learning_rate, beta_2=0.9, clipnorm=5.0),
            jit_compile=keras.backend.backend() != "torch",
        )
        return tagger

    def dev_score(self, tagger):
        """Dev accuracy of the first label column (span F1 for IOB labels)."""
        report = evaluate_tagger(tagger, self.dev)[tagger.label_names[0]]
        return report.get("span_f1", report["accuracy"])

    def fit(self, hp, model, *args, callbacks=(), **kwargs):
        batches = TaggerBatches(model, self.train, batch_size=self.batch_size, seed=self.seed)
        callbacks = [DevScoreLogger(self.dev_score, name="dev_score"), *(callbacks or ())]
        kwargs.update(batches.fit_arguments())
        return model.fit(callbacks=callbacks, **kwargs)
