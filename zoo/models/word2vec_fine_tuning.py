"""Continued training of word vectors: an old vocabulary grown by a new corpus."""

import numpy as np
from keras import ops

from zoo.models.cbow import CBOW
from zoo.models.skip_gram import SkipGram
from zoo.models.word_vectors import WordVectors

#: The word2vec models that continue training, by their recipe name.
WORD2VEC_MODELS = {"skipgram": SkipGram, "cbow": CBOW}

#: The default initial SGD step of continued training: below word2vec's
#: 0.025, so the old vectors move less while the new words find their place.
FINE_TUNING_LEARNING_RATE = 0.01


def extend_word2vec(
    vectors,
    corpus,
    model="skipgram",
    min_count=5,
    max_new_words=None,
    output_vectors=None,
    learning_rate=FINE_TUNING_LEARNING_RATE,
    seed=None,
):
    """A `SkipGram` or `CBOW` that starts from `vectors` and covers `corpus` too.

    The vocabulary is the old one, every old word keeping its id and its
    input vector, followed by the words of `corpus` the old vocabulary
    lacks and that `corpus` holds at least `min_count` times
    (`TextCorpus.with_base_vocabulary`). Each word's count is its old count
    plus its count in `corpus`, so the noise distribution and the
    subsampling of frequent words reflect both corpora. The new rows start
    as word2vec.c starts every word: input vectors uniform in
    +-0.5/dimension, output vectors zero.

    Word vectors (`WordVectors`, what the word2vec recipe writes and
    `zoo.load("skip_gram_en")` returns) keep only the input vectors, not
    the output ("context") vectors that training also needs. Unless
    `output_vectors` gives them, the output vectors of the old words start
    at zero as well, as in a new word2vec run: the first steps then learn
    them from the old input vectors (the gradient of an input vector is a
    sum of output vectors, so the input vectors barely move until the
    output vectors have grown), and the new words are placed among the old
    ones from the contexts they share.

    Args:
        vectors: `zoo.models.WordVectors`, the start (e.g. from `zoo.load`);
            its `counts`, when it has them, are the old counts (else 0).
        corpus: `zoo.data.TextCorpus` of the new text, built with
            `min_count=1` so that old words rare in it are kept.
        model: str. `"skipgram"` or `"cbow"`, the objective to continue
            with, default `"skipgram"`.
        min_count: int. New words seen fewer times in `corpus` are dropped,
            default 5 (word2vec's).
        max_new_words: int or None. Add at most this many new words (the
            most frequent), default no limit.
        output_vectors: float array `[len(vectors), dimension]` or None. The
            old words' output vectors when they are at hand (a model still
            in memory: `ops.convert_to_numpy(model.output_embeddings)`),
            default None (zeros).
        learning_rate: float. The model's initial SGD step, default
            `FINE_TUNING_LEARNING_RATE` (0.01).
        seed: int or None. Seeds the new words' input vectors.

    Returns:
        `(model, grown_corpus)`: the built model, and `corpus` encoded with
        its vocabulary (`grown_corpus.words`, `grown_corpus.counts`) to
        train it on with `zoo.training.train_word2vec`. The new words are
        `grown_corpus.words[len(vectors):]`.

    Raises:
        TypeError: `vectors` is not `WordVectors`.
        ValueError: an unknown `model`, `output_vectors` of the wrong
            shape, or nothing of `corpus` left to train on.

    Example:

    >>> import zoo
    >>> old = zoo.models.WordVectors.from_arrays(
    ...     ["a", "b"], np.eye(2, 8, dtype="float32"), counts=[5, 3])
    >>> corpus = zoo.data.TextCorpus.from_sentences(
    ...     [["a", "b", "c"], ["c", "a"]], min_count=1)
    >>> model, grown = extend_word2vec(old, corpus, min_count=2, seed=1)
    >>> grown.words, grown.counts.tolist()
    (['a', 'b', 'c'], [7, 4, 2])
    >>> history = zoo.training.train_word2vec(
    ...     model, grown, epochs=1, window=2, sample=0, batch_size=4, verbose=0)
    >>> model.word_vectors(grown.words, grown.counts).vector("c").shape
    (8,)
    """
    if not isinstance(vectors, WordVectors):
        raise TypeError(
            f"extend_word2vec continues training from WordVectors, got a {type(vectors).__name__}"
        )
    if model not in WORD2VEC_MODELS:
        raise ValueError(f"`model` must be one of {list(WORD2VEC_MODELS)}, got {model!r}")
    old_size = len(vectors)
    if output_vectors is not None:
        output_vectors = np.asarray(output_vectors, "float32")
        if output_vectors.shape != (old_size, vectors.dimension):
            raise ValueError(
                f"`output_vectors` must have shape {(old_size, vectors.dimension)} (one "
                f"row per old word), got {output_vectors.shape}"
            )
    grown = corpus.with_base_vocabulary(
        vectors.words, vectors.counts, min_count=min_count, max_new_words=max_new_words
    )
    if not len(grown.ids):
        raise ValueError(
            f"No word of {corpus} is an old word or a new one seen min_count={min_count} "
            "times: nothing to train on"
        )
    extended = WORD2VEC_MODELS[model](
        grown.vocabulary_size, vectors.dimension, learning_rate, seed=seed
    )
    extended.build()
    inputs = np.array(ops.convert_to_numpy(extended.input_embeddings))
    inputs[:old_size] = vectors.vectors
    extended.input_embeddings.assign(inputs)
    if output_vectors is not None:
        outputs = np.zeros((grown.vocabulary_size, vectors.dimension), "float32")
        outputs[:old_size] = output_vectors
        extended.output_embeddings.assign(outputs)
    return extended, grown
