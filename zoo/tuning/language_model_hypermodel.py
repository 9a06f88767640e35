"""`LanguageModelHyperModel`: the search space of a `LanguageModel`, for keras-tuner."""

import keras
import keras_tuner

from zoo.data.bptt_batches import BPTTBatches
from zoo.data.language_model_tokens import check_level
from zoo.models.language_model import LanguageModel
from zoo.models.sequence_tagger import SEQUENCE_LAYERS
from zoo.tuning.dev_score_logger import DevScoreLogger

#: RNN cells searched over: every sequence layer `LanguageModel` takes,
#: Keras' own and zoo's.
LANGUAGE_MODEL_CELLS = tuple(SEQUENCE_LAYERS)

#: What differs between the levels, as in recipes/lm.py: the default
#: embedding size (the recipe's, halved), the truncated-BPTT chunk, the
#: count below which tokens are unknown, and the held-out pieces scored
#: side by side.
LEVEL_DEFAULTS = {
    "word": {"embedding_dim": 128, "bptt": 35, "min_count": 2, "score_rows": 1},
    "char": {"embedding_dim": 32, "bptt": 100, "min_count": 1, "score_rows": 32},
}


class LanguageModelHyperModel(keras_tuner.HyperModel):
    """Builds and trains `LanguageModel`s for a keras-tuner search.

    The search space, every hyperparameter with a default (the lm
    recipe's model, scaled to a quick search):

    - `cell`: one of `LANGUAGE_MODEL_CELLS`, default `"lstm"`;
    - `units` (32-512, step 32, default 128), `num_layers` (1-3, default 1);
    - `embedding_dim`: 16, 32, 64, 128 or 256, default 128 at the word
      level and 32 at the character level;
    - `tie_embeddings`: bool, default True. Every value of `embedding_dim`
      and `units` can be tied: `LanguageModel` adds a projection where they
      differ, so no constraint or conditional scope is needed;
    - `embedding_dropout` (0-0.2, step 0.05, default 0.1), `input_dropout`
      (0-0.5, step 0.1, default 0.3), `recurrent_dropout` (0-0.3, step 0.1,
      default 0; above 0 Keras' LSTM and GRU run their slower per-gate
      implementation), `output_dropout` (0-0.6, step 0.1, default 0.5);
    - `learning_rate`: 1e-4 to 1e-2, log scale, default 2e-3 (Adam, with
      global gradient clipping at norm 1).

    `fit` trains on `train_text` by truncated BPTT (`BPTTBatches`) and
    logs the held-out cross-entropy (nats per token, `text_metrics`) as
    `dev_cross_entropy` after every epoch: the objective (`OBJECTIVE`),
    minimized; a trial's score is its best epoch's.

    Args:
        train_text: str. The training text, one sentence or paragraph per
            line (the vocabulary is built from it).
        dev_text: str. The held-out text.
        level: `"word"` or `"char"`, default `"word"`.
        batch_size: int. Parallel rows of the token stream, default 32.
        bptt: int. Steps per chunk, default 35 words or 100 characters.
        seed: int. Seed of the models' weights and dropout, default 0.
        min_count: int. Rarer training tokens read as unknown, default 2
            words or 1 character.
        max_vocabulary: int or None. Keep the most frequent tokens only,
            default all.
        score_rows: int. Held-out pieces scored side by side, default 1
            for words (exact: every token scored after all the text before
            it) and 32 for characters (faster, each piece from zero states).
        jit_compile: bool or `"auto"`. The models' `compile` argument,
            default True (XLA, as the lm recipe) on TensorFlow and JAX;
            `"auto"` (Keras': no XLA on a CPU-only TensorFlow) compiles
            faster, for small searches.

    Example:

    >>> text = "the cat sat\\nthe dog sat\\n" * 20
    >>> hypermodel = LanguageModelHyperModel(text, text, level="char",
    ...                                      batch_size=4, bptt=20, jit_compile="auto")
    >>> hp = keras_tuner.HyperParameters()
    >>> model = hypermodel.build(hp)
    >>> hp.values["cell"], hp.values["units"], hp.values["embedding_dim"]
    ('lstm', 128, 32)
    >>> history = hypermodel.fit(hp, model, epochs=1, verbose=0)
    >>> 0 < history.history["dev_cross_entropy"][0] < 5
    True
    """

    OBJECTIVE = keras_tuner.Objective("dev_cross_entropy", direction="min")

    def __init__(self, train_text, dev_text, level="word", batch_size=32, bptt=None, seed=0,
                 min_count=None, max_vocabulary=None, score_rows=None, jit_compile=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.level = check_level(level)
        defaults = LEVEL_DEFAULTS[level]
        if not str(train_text).strip() or not str(dev_text).strip():
            raise ValueError("LanguageModelHyperModel needs a training and a held-out text.")
        self.train_text = train_text
        self.dev_text = dev_text
        self.batch_size = batch_size
        self.bptt = bptt or defaults["bptt"]
        self.seed = seed
        self.min_count = min_count or defaults["min_count"]
        self.max_vocabulary = max_vocabulary
        self.score_rows = score_rows or defaults["score_rows"]
        self.jit_compile = (
            keras.backend.backend() != "torch" if jit_compile is None else jit_compile
        )

    def build(self, hp):
        model = LanguageModel.from_text(
            self.train_text,
            level=self.level,
            min_count=self.min_count,
            max_vocabulary=self.max_vocabulary,
            cell=hp.Choice("cell", list(LANGUAGE_MODEL_CELLS), default="lstm"),
            units=hp.Int("units", 32, 512, step=32, default=128),
            num_layers=hp.Int("num_layers", 1, 3, default=1),
            embedding_dim=hp.Choice(
                "embedding_dim", [16, 32, 64, 128, 256],
                default=LEVEL_DEFAULTS[self.level]["embedding_dim"],
            ),
            tie_embeddings=hp.Boolean("tie_embeddings", default=True),
            embedding_dropout=hp.Float("embedding_dropout", 0.0, 0.2, step=0.05, default=0.1),
            input_dropout=hp.Float("input_dropout", 0.0, 0.5, step=0.1, default=0.3),
            recurrent_dropout=hp.Float("recurrent_dropout", 0.0, 0.3, step=0.1, default=0.0),
            output_dropout=hp.Float("output_dropout", 0.0, 0.6, step=0.1, default=0.5),
            seed=self.seed,
            name=f"{self.level}_lm",
        )
        learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=2e-3)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate, global_clipnorm=1.0),
            jit_compile=self.jit_compile,
        )
        return model

    def dev_cross_entropy(self, model):
        """Held-out cross-entropy, nats per token (`score_rows` pieces)."""
        return model.text_metrics(self.dev_text, rows=self.score_rows)["cross_entropy"]

    def fit(self, hp, model, *args, callbacks=(), **kwargs):
        batches = BPTTBatches(model.encode(self.train_text), self.batch_size, self.bptt)
        callbacks = [
            DevScoreLogger(self.dev_cross_entropy, name="dev_cross_entropy"),
            *(callbacks or ()),
        ]
        return model.fit(batches, callbacks=callbacks, **kwargs)
