"""`TDNN`: Bengio et al.'s neural probabilistic language model."""

import math
import os

import keras
import numpy as np
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.data.tdnn_examples import next_word_examples
from zoo.data.tdnn_examples import tdnn_examples
from zoo.data.text_corpus import TextCorpus
from zoo.data.vocabulary import Vocabulary
from zoo.layers.recurrent_cell import check_rate
from zoo.models.sampled_softmax import log_uniform_sample
from zoo.models.sampled_softmax import sampled_softmax_loss
from zoo.models.unknown_word_error import UnknownWordError

SOFTMAXES = ("sampled", "full")
UNKNOWN_WORDS = ("drop", "error")
WORDS_FILE = "words.txt"


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

    Words: a model made with `TDNN.from_corpus` (or given `set_words`)
    keeps its words, id -> word (`TextCorpus.words`), and saves them with
    it (`assets/words.txt` of a `zoo.save` checkpoint, or in a `.keras`
    file), so a loaded model maps words to ids itself:
    `next_word_probabilities(words)`, `text_metrics(sentences)` and
    `perplexity(sentences)` take words. The vocabulary has no unknown
    word: `TextCorpus` drops the words outside it from the training
    sentences, so that windows reach across them. A word the model does
    not know is therefore dropped from the sentence in the same way
    (`unknown="drop"`, the default: the model sees the context it was
    trained on, and an unknown word is never predicted or scored;
    `text_metrics` counts them), or raises an `UnknownWordError` with
    `unknown="error"`.

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
    >>> model = TDNN.from_corpus(corpus, context=2, dimension=8,
    ...                          hidden_units=16, softmax="full", seed=1)
    >>> model.perplexity(corpus) > 3.5  # untrained: about the 4 words
    True
    >>> model.compile(optimizer=keras.optimizers.Adam(0.05))
    >>> history = model.fit(contexts, targets, batch_size=50, epochs=10, verbose=0)
    >>> model.perplexity(corpus) < 1.1
    True
    >>> model.next_word_probabilities(["c", "d", "a"], topn=1)[0][0]
    'b'
    >>> model.perplexity([["a", "b", "c", "d"]]) < 1.1
    True
    >>> model.word_vectors().vector("a").shape
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
            check_positive_integer(name, value)
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
        self._word_vocabulary = None
        self.build()

    # ---- words ------------------------------------------------------------

    @classmethod
    def from_corpus(cls, corpus, **kwargs):
        """A new model over the words of a `TextCorpus` (`corpus.words`).

        Args:
            corpus: `zoo.data.TextCorpus`, the training corpus.
            **kwargs: the constructor's arguments but `vocabulary_size`.
        """
        model = cls(corpus.vocabulary_size, **kwargs)
        model.set_words(corpus.words)
        return model

    def set_words(self, words):
        """Attach the words, id order (`TextCorpus.words`): `vocabulary_size` str."""
        words = list(words)
        if len(words) != self.vocabulary_size:
            raise ValueError(
                f"{len(words)} words for a model of vocabulary_size {self.vocabulary_size}"
            )
        self._word_vocabulary = Vocabulary(words, padding_token=None, unknown_token=None)

    @property
    def words(self):
        """The words in id order (a new list), or None when the model has none."""
        if self._word_vocabulary is None:
            return None
        return self._word_vocabulary.tokens

    def _require_words(self):
        if self._word_vocabulary is None:
            raise ValueError(
                "This TDNN has no words: build it with `TDNN.from_corpus` or "
                "`set_words(corpus.words)`, or load a checkpoint saved with them."
            )
        return self._word_vocabulary

    def save_assets(self, directory):
        if self._word_vocabulary is not None:
            self._word_vocabulary.save(os.path.join(directory, WORDS_FILE))

    def load_assets(self, directory):
        path = os.path.join(directory, WORDS_FILE)
        if os.path.exists(path):  # checkpoints saved without words have none
            self.set_words(Vocabulary.load(path).tokens)

    def word_ids(self, words, unknown="drop"):
        """The ids of a list of words, int32 [n].

        Args:
            words: list of str, e.g. one sentence.
            unknown: `"drop"` (default): leave out the words the model does
                not know, as `TextCorpus` left them out of the training
                sentences; `"error"`: raise an `UnknownWordError` instead.
        """
        if unknown not in UNKNOWN_WORDS:
            raise ValueError(f"`unknown` must be one of {UNKNOWN_WORDS}, got {unknown!r}")
        if isinstance(words, str):
            raise TypeError(
                f"Expected a list of words, got the string {words[:40]!r}; split it first"
            )
        vocabulary = self._require_words()
        ids = []
        for word in words:
            if word in vocabulary:
                ids.append(vocabulary.lookup(word))
            elif unknown == "error":
                raise UnknownWordError(
                    word,
                    f"{word!r} is not one of this TDNN's {self.vocabulary_size} words "
                    '(pass unknown="drop" to leave it out, as training did)',
                )
        return np.asarray(ids, dtype="int32")

    def next_word_probabilities(self, words, topn=10, unknown="drop"):
        """The most likely next words after the start of a sentence.

        The model reads the last `context` known words of `words`; when
        there are fewer, the sentence boundary fills the rest, as at the
        start of a training sentence (`zoo.data.tdnn_examples`). Unknown
        words are dropped first (by default), so a sentence of unknown words
        only gives the distribution of a sentence's first word.

        Args:
            words: list of str. The sentence so far, in reading order (may
                be empty: the first word of a sentence).
            topn: int or None. How many words to return, default 10; None
                returns all `vocabulary_size`.
            unknown: `"drop"` or `"error"`, as in `word_ids`.

        Returns:
            A list of `(word, probability)`, most probable first (ties by
            id, i.e. the more frequent word first).
        """
        if topn is not None:
            check_positive_integer("topn", topn)
        ids = self.word_ids(words, unknown)[::-1][: self.context]  # most recent first
        row = np.full((1, self.context), self.vocabulary_size, dtype="int32")
        row[0, : len(ids)] = ids
        log_probabilities = ops.convert_to_numpy(self(row, training=False))[0]
        probabilities = np.exp(log_probabilities.astype("float64"))
        order = np.argsort(-probabilities, kind="stable")[:topn]
        ranked = self._word_vocabulary.decode(order)
        return [(word, float(probabilities[i])) for word, i in zip(ranked, order)]

    def text_metrics(self, sentences, unknown="drop", batch_size=1024):
        """Exact metrics (full softmax) of held-out sentences of words.

        Every known word is predicted from the known words before it in its
        sentence (see the class docstring for unknown words).

        Args:
            sentences: list of sentences, each a list of str.
            unknown: `"drop"` or `"error"`, as in `word_ids`.
            batch_size: int. Examples per compiled call, default 1024.

        Returns:
            A dict of `words` (scored), `unknown` (dropped), `cross_entropy`
            (nats per scored word) and `perplexity` (its exp).
        """
        if isinstance(sentences, str) or (
            len(sentences) and isinstance(sentences[0], str)
        ):
            raise TypeError(
                "Expected a list of sentences, each a list of words (e.g. "
                '[["the", "cat", "sat"]]), got a single string or word list'
            )
        pieces = [self.word_ids(sentence, unknown) for sentence in sentences]
        given = sum(len(sentence) for sentence in sentences)
        ids = np.concatenate(pieces) if pieces else np.zeros([0], "int32")
        starts = np.concatenate([[0], np.cumsum([len(p) for p in pieces])])
        if not len(ids):
            raise ValueError("No known words to compute the perplexity of")
        contexts, targets = next_word_examples(
            ids, starts, self.context, self.vocabulary_size
        )
        cross_entropy = -float(
            np.mean(self.target_log_probabilities(contexts, targets, batch_size))
        )
        return {
            "words": int(len(ids)),
            "unknown": int(given - len(ids)),
            "cross_entropy": cross_entropy,
            "perplexity": math.exp(cross_entropy),
        }

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
            if self.words is not None and corpus_or_ids.words != self.words:
                raise ValueError(
                    "The corpus numbers its words differently from the model: "
                    "score sentences of words with `perplexity(sentences)` instead"
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
        check_positive_integer("batch_size", batch_size)
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
        (full softmax), of every word of a `TextCorpus`, of one sentence
        (a 1-D sequence of ids), or of a list of sentences of words
        (`text_metrics`, unknown words dropped).
        """
        if _is_sentences_of_words(corpus_or_ids):
            return self.text_metrics(corpus_or_ids, batch_size=batch_size)["perplexity"]
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

    def word_vectors(self, words=None, counts=None):
        """The input embeddings C (without the boundary row) as `WordVectors`,
        over `words` (default: the model's own)."""
        from zoo.models.word_vectors import WordVectors

        if words is None:
            words = self._require_words().tokens
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


def _is_sentences_of_words(value):
    """True for a non-empty list of sentences whose words are str."""
    return (
        isinstance(value, (list, tuple))
        and len(value) > 0
        and all(isinstance(sentence, (list, tuple)) for sentence in value)
        and any(isinstance(word, str) for sentence in value for word in sentence)
    )


def _padded(array, size):
    if len(array) == size:
        return array
    padding = np.zeros((size - len(array),) + array.shape[1:], array.dtype)
    return np.concatenate([array, padding])
