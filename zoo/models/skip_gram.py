"""`SkipGram`: word2vec's skip-gram with negative sampling."""

import keras
from keras import ops

from zoo.models.word2vec_model import Word2VecModel


@keras.saving.register_keras_serializable(package="zoo")
class SkipGram(Word2VecModel):
    """Skip-gram with negative sampling (Mikolov et al. 2013).

    Each word predicts the words around it. For a center word w with
    output vector u_w and each context word c in its window, with input
    vector v_c, and k noise words n_1..n_k drawn from the unigram^0.75
    distribution:

        loss(c, w) = -log sigma(u_w . v_c) - sum_j log sigma(-u_{n_j} . v_c)

    As in word2vec.c the context word's input vector predicts the center
    word; the k noise words of a row are shared by all its context words
    (Ji et al. 2016, "Parallelizing Word2Vec in shared and distributed
    memory"), which turns the step into small matrix products
    [contexts, dim] x [dim, k+1] and touches each output row once per row
    of contexts instead of once per pair. A row holds a center's contexts,
    or some of them: the pairs are independent, so `train_word2vec` splits
    a center's contexts over rows of at most `window`. The gradients, with
    g = label - sigma(s), applied by sparse SGD with step `lr`:

        v_c += lr * sum_j g_{c,j} u_j        u_j += lr * sum_c g_{c,j} v_c

    Args:
        vocabulary_size: int. Number of words.
        dimension: int. Size of the word vectors, default 100.
        learning_rate: float. SGD step when the batch gives none, default
            0.025.
        seed: int or None. Seeds the initial input vectors.

    Call arguments:
        inputs: dict of `center` [B], `contexts` [B, W], `context_mask`
            [B, W], `negatives` [B, k] and optionally `learning_rate` [B]
            (see `Word2VecModel`).
        training: bool. Apply the SGD updates (fit/train_on_batch do).

    Returns:
        The scores u . v [B, W, k+1] (true word first); the mean loss is
        added with `add_loss`.

    Example:

    >>> import zoo
    >>> corpus = zoo.data.TextCorpus.from_sentences(
    ...     [["a", "b", "c", "d"]] * 50, min_count=1)
    >>> model = SkipGram(corpus.vocabulary_size, dimension=8, seed=1)
    >>> history = zoo.training.train_word2vec(
    ...     model, corpus, epochs=2, window=2, sample=0, batch_size=16, verbose=0)
    >>> vectors = model.word_vectors(corpus.words, corpus.counts)
    >>> vectors.vector("a").shape
    (8,)
    """

    def negative_sampling_step(self, tables, inputs, training):
        input_table, output_table = tables
        center = ops.cast(inputs["center"], "int32")
        contexts = ops.cast(inputs["contexts"], "int32")
        context_mask = ops.cast(inputs["context_mask"], "float32")
        negatives = ops.cast(inputs["negatives"], "int32")
        targets, labels, weights = self.targets_and_weights(center, negatives)

        context_vectors = ops.take(input_table, contexts, axis=0)
        target_vectors = ops.take(output_table, targets, axis=0)
        scores = ops.einsum("bcd,bkd->bck", context_vectors, target_vectors)
        pair_weights = context_mask[:, :, None] * weights[:, None, :]
        losses = ops.sum(
            self.negative_sampling_loss(scores, labels[:, None, :], pair_weights),
            axis=(1, 2),
        ) / ops.maximum(ops.sum(context_mask, axis=1), 1.0)
        if training:
            steps = (labels[:, None, :] - ops.sigmoid(scores)) * pair_weights
            steps = steps * inputs["learning_rate"][:, None, None]
            context_updates = ops.einsum("bck,bkd->bcd", steps, target_vectors)
            target_updates = ops.einsum("bck,bcd->bkd", steps, context_vectors)
            input_table = self.scatter_add(input_table, contexts, context_updates)
            output_table = self.scatter_add(output_table, targets, target_updates)
        return scores, losses, (input_table, output_table)

    def scores_shape(self, shapes):
        batch_size, width = shapes["contexts"]
        return (batch_size, width, shapes["negatives"][1] + 1)
