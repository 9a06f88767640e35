"""`TDNN`: Bengio et al.'s neural probabilistic language model."""

import math

import keras
import numpy as np
from keras import ops

from zoo.data.tdnn_examples import next_word_examples
from zoo.data.tdnn_examples import tdnn_examples
from zoo.data.text_corpus import TextCorpus
from zoo.layers.recurrent_cell import check_positive_int
from zoo.layers.recurrent_cell import check_rate
from zoo.models.sampled_softmax import log_uniform_sample
from zoo.models.sampled_softmax import sampled_softmax_loss

SOFTMAXES = ("sampled", "full")


@keras.saving.register_keras_serializable(package="zoo")
class TDNN(keras.Model):
    """The time-delay neural network language model (Bengio et al. 2003).

    "A neural probabilistic language model" (JMLR 3): the lectures' TDNN
    predicts a word from the N words before it. Each word has a learned
    embedding C(w) (the projection layer: one-hot -> embedding); the N
    embeddings are concatenated and fed through a tanh hidden layer to a
    softmax over the vocabulary:

        x = [C(w_{t-1}); C(w_{t-2}); ...; C(w_{t-N})]        N * dimension
        h = tanh(d + H x)                                     hidden_units
        y = b + U h (+ W x with direct_connections)           vocabulary_size
        P(w_t | w_{t-1}, ..., w_{t-N}) = softmax(y)_{w_t}

    The output layer is stored as one row per word, `output_weights` =
    [U W] of shape [vocabulary_size, hidden_units (+ N * dimension)], so
    that y = b + output_weights . [h; x].

    The embedding table C has `vocabulary_size + 1` rows: id
    `vocabulary_size` is the sentence boundary that fills the context
    before a sentence's first words (`zoo.data.tdnn_examples`); its
    embedding is learned like any word's, but it is never predicted: the
    softmax covers the `vocabulary_size` words.

    Training (`fit`, any Keras optimizer) minimizes the negative
    log-likelihood of the next word. With `softmax="full"` it is exact.
    With `softmax="sampled"` (the default, for large vocabularies) the
    training loss is the sampled softmax of `zoo.models.sampled_softmax`
    (Jean et al. 2015): the true word against `num_sampled` noise words
    drawn, once per batch, from the log-uniform (Zipfian) distribution over
    ids, which assumes the ids are ranked by frequency as `TextCorpus`
    ranks them; the noise logits are corrected by log(num_sampled Q(k)) and
    noise equal to the true word is masked, so the loss estimates the full
    negative log-likelihood. The noise is drawn inside the model with a
    `keras.random.SeedGenerator`, so it is part of the compiled step on
    every backend and changes at every step. Evaluation (`evaluate`,
    `perplexity`) always uses the full softmax.

    Args:
        vocabulary_size: int. Number of words that can be predicted.
        context: int. N, the number of previous words, default 4.
        dimension: int. Size of the word embeddings C, default 100.
        hidden_units: int. Size of the tanh layer h, default 200.
        direct_connections: bool. Add Bengio's W x term (embeddings straight
            to the output), default False.
        softmax: str. Training loss: "sampled" (default) or "full" (named
            `softmax`, not `loss`: `compile` overwrites a model's `loss`).
        num_sampled: int. Noise words per batch for the sampled softmax,
            default 64.
        dropout: float. Dropout rate on x and on h in training, default 0.
        seed: int or None. Seeds the initial weights, dropout and noise.

    Call arguments:
        contexts: int [batch, context], the previous words, most recent
            first (ids in [0, vocabulary_size]; vocabulary_size is the
            boundary).
        training: bool. With `softmax="sampled"`, `call(training=True)`
            (what `fit` does) skips the full softmax and returns a dict of
            the output layer's input `features` [batch, F] and the batch's
            `noise_ids` [num_sampled], which `compute_loss` scores; so
            compile without metrics, or with `softmax="full"`.

    Returns:
        Log-probabilities of the next word, [batch, vocabulary_size].

    Example:

    >>> import keras
    >>> from zoo.data.tdnn_examples import tdnn_examples
    >>> from zoo.data.text_corpus import TextCorpus
    >>> corpus = TextCorpus.from_sentences([["a", "b", "c", "d"] * 5] * 20, min_count=1)
    >>> contexts, targets = tdnn_examples(corpus, context=2)
    >>> model = TDNN(corpus.vocabulary_size, context=2, dimension=8,
    ...              hidden_units=16, softmax="full", seed=1)
    >>> model.perplexity(corpus) > 3.5  # untrained: about the 4 words
    True
    >>> model.compile(optimizer=keras.optimizers.Adam(0.05))
    >>> history = model.fit(contexts, targets, batch_size=50, epochs=10, verbose=0)
    >>> model.perplexity(corpus) < 1.1
    True
    >>> model.word_vectors(corpus.words).vector("a").shape
    (8,)
    """

    def __init__(
        self,
        vocabulary_size,
        context=4,
        dimension=100,
        hidden_units=200,
        direct_connections=False,
        softmax="sampled",
        num_sampled=64,
        dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for name, value in (
            ("vocabulary_size", vocabulary_size),
            ("context", context),
            ("dimension", dimension),
            ("hidden_units", hidden_units),
            ("num_sampled", num_sampled),
        ):
            check_positive_int(name, value)
        if softmax not in SOFTMAXES:
            raise ValueError(f"`softmax` must be one of {SOFTMAXES}, got {softmax!r}")
        check_rate("dropout", dropout)
        self.vocabulary_size = vocabulary_size
        self.context = context
        self.dimension = dimension
        self.hidden_units = hidden_units
        self.direct_connections = bool(direct_connections)
        self.softmax = softmax
        self.num_sampled = num_sampled
        self.dropout = float(dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.build()

    def _initializer(self, name, offset, **kwargs):
        seed = None if self.seed is None else self.seed + offset
        return keras.initializers.get({"class_name": name, "config": {"seed": seed, **kwargs}})

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.vocabulary_size + 1, self.dimension),
            initializer=self._initializer("RandomUniform", 0, minval=-0.05, maxval=0.05),
            name="embeddings",
        )
        self.hidden_kernel = self.add_weight(
            shape=(self.context * self.dimension, self.hidden_units),
            initializer=self._initializer("GlorotUniform", 1),
            name="hidden_kernel",
        )
        self.hidden_bias = self.add_weight(
            shape=(self.hidden_units,), initializer="zeros", name="hidden_bias"
        )
        self.output_weights = self.add_weight(
            shape=(self.vocabulary_size, self.features_size),
            initializer=self._initializer("GlorotUniform", 2),
            name="output_weights",
        )
        self.output_bias = self.add_weight(
            shape=(self.vocabulary_size,), initializer="zeros", name="output_bias"
        )

    @property
    def features_size(self):
        """F, the size of the output layer's input [h; x]."""
        direct = self.context * self.dimension if self.direct_connections else 0
        return self.hidden_units + direct

    def features(self, contexts, training=False):
        """[h; x] (or h), the output layer's input, [batch, features_size]."""
        x = ops.take(self.embeddings, ops.cast(contexts, "int32"), axis=0)
        x = ops.reshape(x, (-1, self.context * self.dimension))
        if training and self.dropout:
            x = keras.random.dropout(x, self.dropout, seed=self.seed_generator)
        h = ops.tanh(ops.matmul(x, self.hidden_kernel) + self.hidden_bias)
        if training and self.dropout:
            h = keras.random.dropout(h, self.dropout, seed=self.seed_generator)
        return ops.concatenate([h, x], axis=-1) if self.direct_connections else h

    def call(self, contexts, training=False):
        features = self.features(contexts, training)
        if training and self.softmax == "sampled":
            noise_ids = log_uniform_sample(
                self.num_sampled, self.vocabulary_size, self.seed_generator
            )
            return {"features": features, "noise_ids": noise_ids}
        logits = ops.matmul(features, ops.transpose(self.output_weights)) + self.output_bias
        return ops.log_softmax(logits, axis=-1)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean negative log-likelihood of the next words `y` (weighted by
        `sample_weight`: sum(w * nll) / sum(w)); sampled when `y_pred` is
        the training dict of `call`."""
        if y is None:
            raise ValueError("TDNN needs the next words as targets: fit(contexts, targets)")
        targets = ops.reshape(ops.cast(y, "int32"), (-1,))
        if isinstance(y_pred, dict):
            losses = sampled_softmax_loss(
                y_pred["features"],
                targets,
                self.output_weights,
                self.output_bias,
                y_pred["noise_ids"],
            )
        else:
            losses = -ops.take_along_axis(y_pred, targets[:, None], axis=1)[:, 0]
        if sample_weight is None:
            total = ops.mean(losses)
        else:
            weights = ops.reshape(ops.cast(sample_weight, losses.dtype), (-1,))
            total = ops.sum(losses * weights) / ops.maximum(ops.sum(weights), 1e-12)
        for loss in self.losses:
            total = total + loss
        return total

    # ---- evaluation -------------------------------------------------------

    def examples(self, corpus_or_ids):
        """`(contexts, targets)` of a `TextCorpus` or of one sentence of ids."""
        if isinstance(corpus_or_ids, TextCorpus):
            if corpus_or_ids.vocabulary_size != self.vocabulary_size:
                raise ValueError(
                    f"The corpus has {corpus_or_ids.vocabulary_size} words but the "
                    f"model's vocabulary_size is {self.vocabulary_size}"
                )
            return tdnn_examples(corpus_or_ids, self.context)
        ids = np.asarray(corpus_or_ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise ValueError(
                "Expected a TextCorpus or a 1-D sequence of int word ids (one "
                f"sentence), got shape {ids.shape} of dtype {ids.dtype}"
            )
        return next_word_examples(ids, [0, len(ids)], self.context, self.vocabulary_size)

    def target_log_probabilities(self, contexts, targets, batch_size=1024):
        """log P(target | context) of each example, float64 [n], by the full softmax."""
        contexts = np.asarray(contexts)
        targets = np.asarray(targets)
        if (
            contexts.ndim != 2
            or contexts.shape[1] != self.context
            or targets.shape != contexts.shape[:1]
        ):
            raise ValueError(
                f"Expected contexts [n, {self.context}] and targets [n], got "
                f"{contexts.shape} and {targets.shape}"
            )
        check_positive_int("batch_size", batch_size)
        for name, ids, top in (
            ("contexts", contexts, self.vocabulary_size),
            ("targets", targets, self.vocabulary_size - 1),
        ):
            if ids.size and (ids.min() < 0 or ids.max() > top):
                raise ValueError(
                    f"`{name}` ids must be in [0, {top}], got {ids.min()}..{ids.max()}"
                )
        # Every batch padded to one size: one compiled shape.
        batch_size = max(1, min(batch_size, len(targets)))
        scorer = self._scorer()
        results = np.zeros(len(targets))
        for start in range(0, len(targets), batch_size):
            stop = min(start + batch_size, len(targets))
            batch = {
                "contexts": _padded(contexts[start:stop], batch_size).astype("int32"),
                "targets": _padded(targets[start:stop], batch_size).astype("int32"),
            }
            scores = ops.convert_to_numpy(scorer.predict_on_batch(batch))
            results[start:stop] = scores[: stop - start]
        return results

    def perplexity(self, corpus_or_ids, batch_size=1024):
        """exp(mean over predicted words of -log P(w_t | context)), exactly
        (full softmax), of every word of a `TextCorpus` or of one sentence
        (a 1-D sequence of ids).
        """
        contexts, targets = self.examples(corpus_or_ids)
        if not len(targets):
            raise ValueError("No words to compute the perplexity of")
        log_probabilities = self.target_log_probabilities(contexts, targets, batch_size)
        return math.exp(-float(np.mean(log_probabilities)))

    def _scorer(self):
        scorer = self.__dict__.get("_next_word_scorer")
        if scorer is None:
            scorer = _NextWordScorer(self)
            if keras.backend.backend() == "tensorflow":
                scorer.jit_compile = True
            # Kept outside Keras' tracking: it only wraps this model.
            self.__dict__["_next_word_scorer"] = scorer
        return scorer

    def word_vectors(self, words, counts=None):
        """The input embeddings C (without the boundary row) as `WordVectors`."""
        from zoo.models.word_vectors import WordVectors

        if len(words) != self.vocabulary_size:
            raise ValueError(
                f"{len(words)} words for a model of vocabulary_size {self.vocabulary_size}"
            )
        vectors = ops.convert_to_numpy(self.embeddings)[: self.vocabulary_size]
        return WordVectors.from_arrays(words, vectors, counts=counts)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "context": self.context,
            "dimension": self.dimension,
            "hidden_units": self.hidden_units,
            "direct_connections": self.direct_connections,
            "softmax": self.softmax,
            "num_sampled": self.num_sampled,
            "dropout": self.dropout,
            "seed": self.seed,
        }


class _NextWordScorer(keras.Model):
    """`{contexts, targets}` -> log P(target | context) through a `TDNN` (not saved)."""

    def __init__(self, tdnn):
        super().__init__(name=f"{tdnn.name}_scorer")
        self.tdnn = tdnn

    def call(self, inputs):
        log_probabilities = self.tdnn(inputs["contexts"], training=False)
        targets = ops.cast(inputs["targets"], "int32")[:, None]
        return ops.take_along_axis(log_probabilities, targets, axis=1)[:, 0]


def _padded(array, size):
    if len(array) == size:
        return array
    padding = np.zeros((size - len(array),) + array.shape[1:], array.dtype)
    return np.concatenate([array, padding])
