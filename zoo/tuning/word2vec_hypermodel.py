"""`Word2VecHyperModel`: the search space of skip-gram and CBOW, for keras-tuner."""

import keras
import keras_tuner
import numpy as np

from zoo.data.text_corpus import TextCorpus
from zoo.data.word_pairs_reader import WordPair
from zoo.data.word_pairs_reader import read_word_pairs
from zoo.models.cbow import CBOW
from zoo.models.skip_gram import SkipGram
from zoo.training.word2vec_training import train_word2vec
from zoo.training.word_vector_evaluation import spearman_correlation

#: The word2vec models searched over, by their `model` value.
WORD2VEC_MODELS = {"skipgram": SkipGram, "cbow": CBOW}


class Word2VecHyperModel(keras_tuner.HyperModel):
    """Builds and trains `SkipGram` and `CBOW` word vectors for a keras-tuner search.

    The search space, every hyperparameter with a default (the word2vec
    recipe's, which are word2vec's and gensim's):

    - `model`: `"skipgram"` or `"cbow"` (`WORD2VEC_MODELS`), default
      `"skipgram"`; the two take the same options, so nothing is
      conditional on it;
    - `dimension` (50-300, step 50, default 100);
    - `window` (2-10, default 5): the largest context distance;
    - `negative` (2-20, default 5): noise words per center word;
    - `sample`: 0, 1e-5, 1e-4 or 1e-3, default 1e-3: the subsampling
      threshold of frequent words (0: none);
    - `learning_rate`: 0.005 to 0.1, log scale, default 0.025: the first
      SGD step, decayed linearly to `min_learning_rate` over the epochs.

    word2vec does not train by `model.fit`: `fit` runs `train_word2vec`
    one epoch at a time (the learning rate decayed over all `epochs`, as
    in one run; fresh subsamples, windows and noise every epoch) and after
    each scores the word vectors on `similarity_pairs`: Spearman's rank
    correlation of their cosines with the human scores, pairs with a word
    outside the vocabulary skipped (as `evaluate_word_similarity` does).
    It logs the score as `dev_similarity`, the objective (`OBJECTIVE`),
    maximized, calls the tuner's callbacks (`on_epoch_end`, which saves the
    best epoch's weights) and returns a `keras.callbacks.History`; a
    trial's score is its best epoch's.

    Args:
        corpus: `zoo.data.TextCorpus`. The training corpus.
        similarity_pairs: list of `zoo.data.WordPair` (or of
            `(first, second, score)`), or the path of a word-pairs file
            (`read_word_pairs`): WordSim-353, SimLex-999, ... At least two
            pairs must have both words in the corpus's vocabulary.
        batch_size: int. Center words per step, default 1024.
        min_learning_rate: float. The SGD step at the end, default 1e-4.
        lowercase: bool. Look the pairs' words up case-insensitively (a
            folded form takes the vector of its most frequent spelling),
            default True.
        seed: int. Seed of the initial vectors, subsampling, windows and
            noise, default 0.
        jit_compile: bool or `"auto"`. The models' `compile` argument,
            default True (XLA, as `train_word2vec`).

    Example:

    >>> corpus = TextCorpus.from_sentences(
    ...     [["a", "b", "c", "d"], ["c", "d", "e", "f"]] * 20, min_count=1)
    >>> pairs = [("a", "b", 9.0), ("a", "f", 1.0), ("c", "d", 8.0)]
    >>> hypermodel = Word2VecHyperModel(corpus, pairs, batch_size=16)
    >>> hp = keras_tuner.HyperParameters()
    >>> _ = hp.Fixed("sample", 0.0)  # a corpus of 6 words: keep them all
    >>> model = hypermodel.build(hp)
    >>> hp.values["model"], hp.values["dimension"], hp.values["learning_rate"]
    ('skipgram', 100, 0.025)
    >>> history = hypermodel.fit(hp, model, epochs=2)
    >>> all(-1 <= score <= 1 for score in history.history["dev_similarity"])
    True
    """

    OBJECTIVE = keras_tuner.Objective("dev_similarity", direction="max")

    def __init__(self, corpus, similarity_pairs, batch_size=1024, min_learning_rate=1e-4,
                 lowercase=True, seed=0, jit_compile=True, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(corpus, TextCorpus):
            raise ValueError(
                f"`corpus` must be a zoo.data.TextCorpus, got {type(corpus).__name__}"
            )
        if isinstance(similarity_pairs, str) or hasattr(similarity_pairs, "__fspath__"):
            similarity_pairs = read_word_pairs(similarity_pairs)
        self.corpus = corpus
        self.similarity_pairs = [WordPair(*pair) for pair in similarity_pairs]
        self.batch_size = batch_size
        self.min_learning_rate = min_learning_rate
        self.lowercase = lowercase
        self.seed = seed
        self.jit_compile = jit_compile
        self.pair_ids, self.pair_scores = self._found_pairs()

    def _found_pairs(self):
        """The word ids `[pairs, 2]` and scores of the pairs in the vocabulary."""
        fold = str.lower if self.lowercase else str
        ids = {}
        for index, word in enumerate(self.corpus.words):
            ids.setdefault(fold(word), index)
        found = [
            ((ids[fold(pair.first)], ids[fold(pair.second)]), float(pair.score))
            for pair in self.similarity_pairs
            if fold(pair.first) in ids and fold(pair.second) in ids
        ]
        if len(found) < 2 or len({score for _, score in found}) < 2:
            raise ValueError(
                f"{len(found)} of the {len(self.similarity_pairs)} similarity pairs have "
                "both words in the corpus's vocabulary; a Spearman correlation needs at "
                "least two, with different scores"
            )
        pair_ids, scores = zip(*found)
        return np.array(pair_ids, "int64"), np.array(scores, "float64")

    def build(self, hp):
        model_class = WORD2VEC_MODELS[
            hp.Choice("model", list(WORD2VEC_MODELS), default="skipgram")
        ]
        hp.Int("window", 2, 10, default=5)
        hp.Int("negative", 2, 20, default=5)
        hp.Choice("sample", [0.0, 1e-5, 1e-4, 1e-3], default=1e-3)
        model = model_class(
            self.corpus.vocabulary_size,
            dimension=hp.Int("dimension", 50, 300, step=50, default=100),
            learning_rate=hp.Float("learning_rate", 0.005, 0.1, sampling="log", default=0.025),
            seed=self.seed,
        )
        model.build()
        # The model updates its own embeddings: the optimizer has nothing to do.
        model.compile(optimizer="sgd", jit_compile=self.jit_compile)
        return model

    def dev_similarity(self, model):
        """Spearman's correlation of the input vectors' cosines with the
        pairs' scores (pairs with a word outside the vocabulary skipped)."""
        vectors = keras.ops.convert_to_numpy(model.input_embeddings)[self.pair_ids]
        first, second = vectors[:, 0], vectors[:, 1]
        norms = np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1)
        cosines = np.sum(first * second, axis=1) / np.maximum(norms, 1e-12)
        return spearman_correlation(self.pair_scores, cosines)

    def fit(self, hp, model, *args, epochs=1, initial_epoch=0, callbacks=(), verbose=0,
            **kwargs):
        """Train `epochs` epochs (from `initial_epoch`, as Hyperband asks),
        scoring after each; returns the `History` of `loss` and
        `dev_similarity`. Other `fit` arguments are ignored."""
        history = keras.callbacks.History()
        callbacks = keras.callbacks.CallbackList([*(callbacks or ()), history], model=model)
        start = model.learning_rate
        decay = (start - self.min_learning_rate) / epochs

        callbacks.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            callbacks.on_epoch_begin(epoch)
            result = train_word2vec(
                model,
                self.corpus,
                epochs=1,
                batch_size=self.batch_size,
                window=hp.get("window"),
                negative=hp.get("negative"),
                sample=hp.get("sample"),
                learning_rate=start - decay * epoch,
                min_learning_rate=start - decay * (epoch + 1),
                seed=self.seed + epoch,
                jit_compile=self.jit_compile,
                verbose=1 if verbose == 1 else 0,
            )
            logs = {"loss": result["loss"][0], "dev_similarity": self.dev_similarity(model)}
            callbacks.on_epoch_end(epoch, logs)
        callbacks.on_train_end()
        return history
