"""`CBOW`: word2vec's continuous bag of words with negative sampling."""

import keras
from keras import ops

from zoo.models.word2vec_model import Word2VecModel


@keras.saving.register_keras_serializable(package="zoo")
class CBOW(Word2VecModel):
    """Continuous bag of words with negative sampling (Mikolov et al. 2013).

    The "soft bag of words" of the lectures: the mean of the input vectors
    of a word's context predicts the word. For center word w with output
    vector u_w, context words c_1..c_m and k noise words n_1..n_k:

        h = (1/m) sum_i v_{c_i}
        loss = -log sigma(u_w . h) - sum_j log sigma(-u_{n_j} . h)

    With g_j = label_j - sigma(u_j . h), sparse SGD with step `lr` gives

        u_j += lr * g_j h        v_{c_i} += lr * sum_j g_j u_j

    Every context word gets the whole gradient of h, not its 1/m share of
    the mean's: that is what word2vec.c and gensim (`cbow_mean=1`) do, and
    with the 1/m share the input vectors learn m times slower (measured:
    WordSim-353 0.42 instead of gensim's 0.56 on the same corpus).

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
        The scores u . h [B, k+1] (true word first); the mean loss is added
        with `add_loss`.

    Example:

    >>> import zoo
    >>> corpus = zoo.data.TextCorpus.from_sentences(
    ...     [["a", "b", "c", "d"]] * 50, min_count=1)
    >>> model = CBOW(corpus.vocabulary_size, dimension=8, seed=1)
    >>> history = zoo.training.train_word2vec(
    ...     model, corpus, epochs=2, window=2, sample=0, batch_size=16, verbose=0)
    >>> model.word_vectors(corpus.words).most_similar("a", topn=1)[0][0] in "bcd"
    True
    """

    def negative_sampling_step(self, tables, inputs, training):
        input_table, output_table = tables
        center = ops.cast(inputs["center"], "int32")
        contexts = ops.cast(inputs["contexts"], "int32")
        context_mask = ops.cast(inputs["context_mask"], "float32")
        negatives = ops.cast(inputs["negatives"], "int32")
        targets, labels, weights = self.targets_and_weights(center, negatives)

        context_vectors = ops.take(input_table, contexts, axis=0)
        sizes = ops.maximum(ops.sum(context_mask, axis=1), 1.0)
        hidden = ops.einsum("bc,bcd->bd", context_mask, context_vectors) / sizes[:, None]
        target_vectors = ops.take(output_table, targets, axis=0)
        scores = ops.einsum("bd,bkd->bk", hidden, target_vectors)
        # A padding row (no context at all) predicts nothing.
        weights = weights * ops.cast(ops.sum(context_mask, axis=1) > 0, "float32")[:, None]
        losses = ops.sum(self.negative_sampling_loss(scores, labels, weights), axis=1)
        if training:
            steps = (labels - ops.sigmoid(scores)) * weights * inputs["learning_rate"][:, None]
            hidden_update = ops.einsum("bk,bkd->bd", steps, target_vectors)
            context_updates = context_mask[:, :, None] * hidden_update[:, None, :]
            input_table = self.scatter_add(input_table, contexts, context_updates)
            output_table = self.scatter_add(
                output_table, targets, steps[:, :, None] * hidden[:, None, :]
            )
        return scores, losses, (input_table, output_table)

    def scores_shape(self, shapes):
        batch_size, negative = shapes["negatives"]
        return (batch_size, negative + 1)
