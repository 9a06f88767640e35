"""`Word2VecModel`: the base of `SkipGram` and `CBOW` (embeddings, sparse SGD).

Subclasses implement `negative_sampling_step(tables, inputs, training)`:
the scores of the true and noise words, the per-example loss, and the two
embedding tables after the step's sparse updates (unchanged unless
training), and `scores_shape(shapes)`.
"""

import contextlib
import warnings

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.argument_checks import check_positive_number


class Word2VecModel(keras.Model):
    """Input and output word embeddings trained by sparse SGD with negative sampling.

    word2vec (Mikolov et al. 2013) keeps two tables: input vectors `v`
    (the word vectors users keep) and output vectors `u` (the "context"
    side, initialized to zero). With negative sampling, a true (word,
    context) pair scores `s = u . v` and is pushed towards sigma(s) = 1,
    while `k` noise words are pushed towards sigma(s) = 0:

        loss = -log sigma(u_o . v) - sum_k log sigma(-u_k . v)

    The gradient touches only the rows of the words in the batch, so the
    model updates them in place itself (plain SGD, scatter-add of
    `learning_rate * gradient`) instead of handing dense gradients to a
    Keras optimizer: both tables are non-trainable variables updated
    inside `call(training=True)`. It therefore trains with `fit` or
    `train_on_batch` under any optimizer (which has nothing to do), and the
    step compiles with XLA. Updates of a word that occurs several times in
    a batch are summed, as in word2vec's lock-free (Hogwild) threads.

    Inputs are a dict of

        center        int [batch]             the predicted word
        contexts      int [batch, width]      its context words
        context_mask  float [batch, width]    1 for real context entries
        negatives     int [batch, k]          noise words
        learning_rate float [batch] optional  the SGD step (else the model's)

    as `zoo.training.Word2VecBatches` produces them (real contexts first;
    the width changes from batch to batch, and a compiled step compiles
    once per width); a noise word equal to the center word is ignored, as
    in word2vec.

    Stacked inputs, each with a leading `steps` axis (`center` [steps,
    batch], ...), run `steps` SGD steps one after the other in one call,
    each seeing the tables the previous one left: the same as `steps`
    calls, without a trip back to Python between them (a loop inside the
    compiled step; `train_word2vec`'s `steps_per_execution`). The scores
    and losses are then stacked the same way.

    Args:
        vocabulary_size: int. Number of words.
        dimension: int. Size of the word vectors, default 100.
        learning_rate: float. SGD step when the inputs give none, default
            0.025 (`train_word2vec` decays it linearly, as word2vec does).
        seed: int or None. Seeds the initial input vectors.
    """

    def __init__(
        self, vocabulary_size, dimension=100, learning_rate=0.025, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        check_positive_integer("vocabulary_size", vocabulary_size)
        check_positive_integer("dimension", dimension)
        self.vocabulary_size = vocabulary_size
        self.dimension = dimension
        self.learning_rate = check_positive_number("learning_rate", learning_rate)
        self.seed = seed

    # Keras' TensorFlow trainer warns "The model does not have any trainable
    # weights" when it traces a train step: true, and by design (the update
    # is the model's own, above), so training here does not say it.
    def fit(self, *args, **kwargs):
        with _without_no_trainable_weights_warning():
            return super().fit(*args, **kwargs)

    def train_on_batch(self, *args, **kwargs):
        with _without_no_trainable_weights_warning():
            return super().train_on_batch(*args, **kwargs)

    def build(self, input_shape=None):
        shape = (self.vocabulary_size, self.dimension)
        # word2vec.c's initialization: inputs uniform in +-0.5/dimension,
        # outputs zero.
        bound = 0.5 / self.dimension
        self.input_embeddings = self.add_weight(
            shape=shape,
            initializer=keras.initializers.RandomUniform(-bound, bound, seed=self.seed),
            trainable=False,
            name="input_embeddings",
        )
        self.output_embeddings = self.add_weight(
            shape=shape, initializer="zeros", trainable=False, name="output_embeddings"
        )
        self.built = True

    def call(self, inputs, training=False):
        inputs = dict(inputs)
        if inputs.get("learning_rate") is None:
            inputs["learning_rate"] = ops.full(ops.shape(inputs["center"]), self.learning_rate)
        inputs["learning_rate"] = ops.cast(inputs["learning_rate"], "float32")
        # Values, not variables: the steps carry them through their loop and
        # update them functionally (only `training` writes them back).
        tables = (
            ops.convert_to_tensor(self.input_embeddings),
            ops.convert_to_tensor(self.output_embeddings),
        )
        if len(inputs["center"].shape) == 1:
            scores, losses, tables = self.negative_sampling_step(tables, inputs, training)
        else:
            scores, losses, tables = self.steps_in_order(tables, inputs, training)
        if training:
            self.input_embeddings.assign(tables[0])
            self.output_embeddings.assign(tables[1])
        self.add_loss(ops.mean(losses))
        return scores

    def steps_in_order(self, tables, inputs, training):
        """`negative_sampling_step` on `inputs[name][i]` for each i of the
        leading axis, in order, in a compiled loop: the stacked scores and
        losses, and the tables after the last step."""
        steps, batch_size = ops.shape(inputs["center"])[:2]
        shapes = {name: ops.shape(value)[1:] for name, value in inputs.items()}
        scores = ops.zeros((steps, *self.scores_shape(shapes)))
        losses = ops.zeros((steps, batch_size))

        def step(i, carry):
            tables, scores, losses = carry
            step_inputs = {name: ops.take(value, i, axis=0) for name, value in inputs.items()}
            step_scores, step_losses, tables = self.negative_sampling_step(
                tables, step_inputs, training
            )
            start = [i] + [0] * (len(scores.shape) - 1)
            scores = ops.slice_update(scores, start, step_scores[None])
            losses = ops.slice_update(losses, [i, 0], step_losses[None])
            return tables, scores, losses

        tables, scores, losses = ops.fori_loop(0, steps, step, (tables, scores, losses))
        return scores, losses, tables

    def negative_sampling_step(self, tables, inputs, training):
        """One step on `inputs` (one batch, `learning_rate` included) from
        `tables` = (input, output) table values: `(scores, losses,
        tables)`, the tables updated when training."""
        raise NotImplementedError

    def scores_shape(self, shapes):
        """The shape of one step's scores, from its inputs' `shapes` (a dict)."""
        raise NotImplementedError

    # Shared math for the subclasses.

    @staticmethod
    def targets_and_weights(center, negatives):
        """The output words `[center, negatives...]` [B, k+1], their labels
        (1 for the center) and weights (0 for a noise word equal to the center)."""
        targets = ops.concatenate([center[:, None], negatives], axis=1)
        is_center = ops.concatenate(
            [ops.ones_like(center[:, None]), ops.zeros_like(negatives)], axis=1
        )
        labels = ops.cast(is_center, "float32")
        weights = ops.cast(
            ops.logical_or(is_center > 0, ops.not_equal(targets, center[:, None])),
            "float32",
        )
        return targets, labels, weights

    @staticmethod
    def negative_sampling_loss(scores, labels, weights):
        """-log sigma(s) for true words, -log sigma(-s) for noise, weighted."""
        signs = 2.0 * labels - 1.0
        return -ops.log_sigmoid(signs * scores) * weights

    def scatter_add(self, table, ids, updates):
        """`table` with `updates` added to its rows `ids`, duplicates summed."""
        flat_ids = ops.reshape(ids, (-1, 1))
        flat_updates = ops.reshape(updates, (-1, self.dimension))
        return ops.scatter_update(table, flat_ids, flat_updates, reduction="add")

    def word_vectors(self, words, counts=None):
        """The input vectors as a `zoo.models.WordVectors` for `words` (in id order)."""
        from zoo.models.word_vectors import WordVectors

        if len(words) != self.vocabulary_size:
            raise ValueError(
                f"{len(words)} words for a model of vocabulary_size "
                f"{self.vocabulary_size}"
            )
        vectors = ops.convert_to_numpy(self.input_embeddings)
        return WordVectors.from_arrays(words, vectors, counts=counts)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "dimension": self.dimension,
            "learning_rate": self.learning_rate,
            "seed": self.seed,
        }


@contextlib.contextmanager
def _without_no_trainable_weights_warning():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The model does not have any trainable weights")
        yield
