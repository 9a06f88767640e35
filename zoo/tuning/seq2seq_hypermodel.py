"""`Seq2SeqHyperModel`: the search space of a `Seq2Seq`, for keras-tuner."""

import keras
import keras_tuner

from zoo.models.seq2seq import CELLS
from zoo.models.seq2seq import NORMALIZERS
from zoo.models.seq2seq import Seq2Seq
from zoo.training.g2p_metrics import word_error_rate
from zoo.training.seq2seq_batches import Seq2SeqBatches
from zoo.tuning.dev_score_logger import DevScoreLogger

#: Encoder and decoder cells searched over: every cell `Seq2Seq` takes,
#: Keras' own and zoo's.
SEQ2SEQ_CELLS = tuple(CELLS)


class Seq2SeqHyperModel(keras_tuner.HyperModel):
    """Builds and trains `Seq2Seq` encoder-decoders for a keras-tuner search.

    The search space, every hyperparameter with a default (the g2p
    recipe's model, scaled to a quick search):

    - `cell`: one of `SEQ2SEQ_CELLS`, default `"lstm"`;
    - `units` (32-256, step 32, default 64): encoder units per direction
      (the decoder has twice as many); `num_layers` (1-3, default 1);
    - `embedding_dim`: 16, 32 or 64, default 32;
    - `attention`: `"luong"` (with `luong_score` `"general"` or `"dot"`,
      default `"general"`) or `"bahdanau"` (with `attention_units` 32-128,
      step 32, default 64), each in the `conditional_scope` of its
      attention; default `"luong"`;
    - `dropout` (0-0.5, step 0.1, default 0.3);
    - `learning_rate`: 1e-4 to 1e-2, log scale, default 2e-3 (Adam, with
      gradient clipping at norm 5).

    `fit` trains on `train_pairs` by teacher forcing (`Seq2SeqBatches`)
    and logs the dev word error rate as `dev_error` after every epoch: the
    objective (`OBJECTIVE`), minimized; a trial's score is its best
    epoch's. A dev source is wrong unless its greedy `transduce` output
    equals one of its references (a source given several times in
    `dev_pairs` has each target as a reference: the CMUdict words with
    several pronunciations).

    Args:
        train_pairs: list of `(source, target)` pairs, each a string (read
            as its characters) or a token list; the vocabularies are built
            from them.
        dev_pairs: list of `(source, target)` pairs, read the same way.
            Source tokens unseen in training read as unknown.
        batch_size: int. Pairs per batch, default 128.
        seed: int. Seed of the models' dropout and batching, default 0.
        normalizer: None or the name of a `Seq2Seq` string normalizer
            (`"g2p_word"`), applied to every source, default None.
        lowercase: bool. Lowercase string sources, default False.
        jit_compile: bool or `"auto"`. The models' `compile` argument,
            default True (XLA, as the g2p recipe) on TensorFlow and JAX;
            `"auto"` (Keras': no XLA on a CPU-only TensorFlow) compiles
            faster, for small searches.

    Example:

    >>> words = ["ab", "ba", "abc", "cab"]
    >>> pairs = [(word, word[::-1]) for word in words]
    >>> hypermodel = Seq2SeqHyperModel(pairs, pairs, batch_size=4, jit_compile="auto")
    >>> hp = keras_tuner.HyperParameters()
    >>> model = hypermodel.build(hp)
    >>> hp.values["cell"], hp.values["units"], hp.values["luong_score"]
    ('lstm', 64, 'general')
    >>> history = hypermodel.fit(hp, model, epochs=1, verbose=0)
    >>> 0 <= history.history["dev_error"][0] <= 1
    True
    """

    OBJECTIVE = keras_tuner.Objective("dev_error", direction="min")

    def __init__(self, train_pairs, dev_pairs, batch_size=128, seed=0, normalizer=None,
                 lowercase=False, jit_compile=None, **kwargs):
        super().__init__(**kwargs)
        self.train_pairs = list(train_pairs)
        self.dev_pairs = list(dev_pairs)
        if not self.train_pairs or not self.dev_pairs:
            raise ValueError("Seq2SeqHyperModel needs training and dev pairs.")
        if normalizer is not None and normalizer not in NORMALIZERS:
            raise ValueError(
                f"`normalizer` must be None or one of {sorted(NORMALIZERS)}, got {normalizer!r}"
            )
        self.batch_size = batch_size
        self.seed = seed
        self.normalizer = normalizer
        self.lowercase = lowercase
        self.jit_compile = (
            keras.backend.backend() != "torch" if jit_compile is None else jit_compile
        )
        self.dev_sources, self.dev_references = self._dev_references()

    def _dev_references(self):
        """The distinct dev sources, and for each the list of its targets."""
        references = {}
        sources = {}
        for source, target in self.dev_pairs:
            key = self._source_key(source)
            sources.setdefault(key, source)
            tokens = tuple(target)  # a string target is its characters
            if tokens not in references.setdefault(key, []):
                references[key].append(tokens)
        return list(sources.values()), list(references.values())

    def _source_key(self, source):
        if not isinstance(source, str):
            return tuple(source)
        if self.normalizer is not None:
            source = NORMALIZERS[self.normalizer](source)
        return source.lower() if self.lowercase else source

    def build(self, hp):
        attention = hp.Choice("attention", ["luong", "bahdanau"], default="luong")
        luong_score, attention_units = "general", None
        with hp.conditional_scope("attention", ["luong"]):
            if attention == "luong":
                luong_score = hp.Choice("luong_score", ["general", "dot"], default="general")
        with hp.conditional_scope("attention", ["bahdanau"]):
            if attention == "bahdanau":
                attention_units = hp.Int("attention_units", 32, 128, step=32, default=64)
        model = Seq2Seq.from_sequences(
            [source for source, _ in self.train_pairs],
            [target for _, target in self.train_pairs],
            cell=hp.Choice("cell", list(SEQ2SEQ_CELLS), default="lstm"),
            units=hp.Int("units", 32, 256, step=32, default=64),
            num_layers=hp.Int("num_layers", 1, 3, default=1),
            embedding_dim=hp.Choice("embedding_dim", [16, 32, 64], default=32),
            attention=attention,
            luong_score=luong_score,
            attention_units=attention_units,
            dropout=hp.Float("dropout", 0.0, 0.5, step=0.1, default=0.3),
            normalizer=self.normalizer,
            lowercase=self.lowercase,
            seed=self.seed,
        )
        learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log", default=2e-3)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate, clipnorm=5.0),
            jit_compile=self.jit_compile,
        )
        return model

    def dev_error(self, model):
        """Dev word error rate of greedy decoding: the fraction of distinct
        dev sources whose output equals none of their references."""
        predictions = model.transduce(self.dev_sources, unknown="replace")
        return word_error_rate(predictions, self.dev_references)

    def fit(self, hp, model, *args, callbacks=(), **kwargs):
        batches = Seq2SeqBatches(
            model,
            [source for source, _ in self.train_pairs],
            [target for _, target in self.train_pairs],
            batch_size=self.batch_size,
            seed=self.seed,
        )
        callbacks = [DevScoreLogger(self.dev_error, name="dev_error"), *(callbacks or ())]
        kwargs.update(batches.fit_arguments())
        return model.fit(callbacks=callbacks, **kwargs)
