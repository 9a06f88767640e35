"""`WordVectors`: trained word embeddings with similarity and analogy queries."""

import os

import keras
import numpy as np
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines
from zoo.data.vocabulary import Vocabulary
from zoo.data.word2vec_format import check_word
from zoo.data.word2vec_format import load_word2vec_format
from zoo.data.word2vec_format import save_word2vec_format
from zoo.models.unknown_word_error import UnknownWordError

WORDS_FILE = "words.txt"
COUNTS_FILE = "counts.txt"


@keras.saving.register_keras_serializable(package="zoo")
class WordVectors(keras.Model):
    """Word vectors (skip-gram, CBOW, ...) with similarity and analogy queries.

    One vector per word, in a `keras.layers.Embedding`, with the words (and
    how often each was seen in the training corpus) kept beside it. Queries
    follow gensim's `KeyedVectors`: similarity is the cosine

        cos(u, v) = u . v / (|u| |v|)

    and `most_similar` ranks every word by its cosine with the sum of the
    unit vectors of the `positive` words minus those of the `negative`
    words, leaving the query words out. Analogies are 3CosAdd (Mikolov et
    al. 2013, "Linguistic regularities in continuous space word
    representations"): "a is to b as c is to d" is answered with the word d
    closest to b - a + c.

    Words are case-sensitive and may be any Unicode without ASCII
    whitespace (which the word2vec files could not hold). Ids follow the
    order of `words`; trainers put the most frequent words first, so that
    `restrict_vocab=n` searches the n most frequent.

    Called on int ids it returns their vectors, so it serves as a
    pretrained embedding inside another model (`vectors.trainable = False`
    to keep it frozen). Queries read the weights into numpy once and cache
    them with their unit-normalized rows; call `clear_cache()` after the
    weights change (training, `set_weights`, `load_weights`).

    Args:
        vocabulary_size: int. Number of words.
        dimension: int. Size of each vector.

    Call arguments:
        ids: int tensor of any shape, word ids in `[0, vocabulary_size)`.

    Returns:
        Their vectors, shape `ids.shape + (dimension,)`.

    Example:

    >>> words = ["king", "queen", "man", "woman", "apple"]
    >>> #                      royal  male female fruit
    >>> vectors = np.array([[1.0,   1.0, 0.0,   0.0],
    ...                     [1.0,   0.0, 1.0,   0.0],
    ...                     [0.0,   1.0, 0.0,   0.0],
    ...                     [0.0,   0.0, 1.0,   0.0],
    ...                     [0.0,   0.0, 0.0,   1.0]])
    >>> word_vectors = WordVectors.from_arrays(words, vectors, counts=[9, 8, 7, 6, 5])
    >>> [(word, round(cosine, 3)) for word, cosine in word_vectors.most_similar("king", topn=3)]
    [('man', 0.707), ('queen', 0.5), ('woman', 0.0)]
    >>> word, cosine = word_vectors.analogy("man", "king", "woman")[0]
    >>> word, round(cosine, 3)
    ('queen', 0.959)
    >>> round(word_vectors.similarity("queen", "woman"), 3), len(word_vectors)
    (0.707, 5)
    >>> tuple(word_vectors(np.array([[3, 0]])).shape)
    (1, 2, 4)
    >>> word_vectors.vector("Queen")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    zoo.models.unknown_word_error.UnknownWordError: 'Queen' is not in ... did you mean 'queen'?
    """

    demo_inputs = ("king", "paris", "man:king::woman")

    def __init__(self, vocabulary_size, dimension, **kwargs):
        super().__init__(**kwargs)
        check_positive_integer("vocabulary_size", vocabulary_size)
        check_positive_integer("dimension", dimension)
        self.vocabulary_size = vocabulary_size
        self.dimension = dimension
        self.embedding = keras.layers.Embedding(vocabulary_size, dimension, name="embedding")
        self._vocabulary = None
        self._counts = None
        self._numpy_vectors = None
        self._unit_vectors = None

    # ---- construction ----------------------------------------------------

    @classmethod
    def from_arrays(cls, words, vectors, counts=None, **kwargs):
        """Word vectors from a list of words and a matrix with one row each.

        Args:
            words: sequence of str, in id order (most frequent first, by
                convention); no duplicates, none empty or holding ASCII
                whitespace.
            vectors: float array-like `[len(words), dimension]`, finite.
            counts: sequence of int or None. How often each word was seen
                in the training corpus, default None (unknown).
            **kwargs: passed to the constructor (`name`, ...).

        Returns:
            A built `WordVectors`.

        Raises:
            ValueError: the arguments do not fit together (lengths, shape,
                dtype, duplicate or unwritable words, negative counts,
                non-finite values).
        """
        words = list(words)
        vectors = np.asarray(vectors)
        if vectors.ndim != 2 or vectors.dtype.kind != "f":
            raise ValueError(
                "`vectors` must be a 2-D float array [words, dimension], got "
                f"shape {vectors.shape} of dtype {vectors.dtype} (convert with "
                "`.astype('float32')`)"
            )
        if len(words) != vectors.shape[0]:
            raise ValueError(
                f"{len(words)} words but {vectors.shape[0]} vectors: `vectors` "
                "needs one row per word"
            )
        if not words or not vectors.shape[1]:
            raise ValueError(
                f"Word vectors need at least one word and one dimension, got {vectors.shape}"
            )
        finite = np.isfinite(vectors).all(axis=1)
        if not finite.all():
            bad = int(np.argmin(finite))
            raise ValueError(
                f"The vector of {words[bad]!r} (word {bad}) is not finite (NaN or inf)"
            )
        model = cls(len(words), int(vectors.shape[1]), **kwargs)
        model.set_words(words, counts)
        model.build((None,))
        model.embedding.embeddings.assign(vectors.astype("float32"))
        model.clear_cache()
        return model

    @classmethod
    def load_word2vec_format(cls, path, binary=False, limit=None, **kwargs):
        """Word vectors read from a word2vec text or binary file (no counts).

        See `zoo.data.word2vec_format.load_word2vec_format` for the
        arguments and errors; `**kwargs` go to the constructor.
        """
        words, vectors = load_word2vec_format(path, binary=binary, limit=limit)
        return cls.from_arrays(words, vectors, **kwargs)

    def save_word2vec_format(self, path, binary=False):
        """Write the words and vectors in word2vec text or binary format.

        The bytes are those gensim's `KeyedVectors.save_word2vec_format`
        writes; see `zoo.data.word2vec_format.save_word2vec_format`.
        """
        save_word2vec_format(path, self.words, self.vectors, binary=binary)

    def set_words(self, words, counts=None):
        """Attach the words (in id order) and their corpus counts.

        Raises:
            ValueError: as in `from_arrays`, or the number of words is not
                `vocabulary_size`.
        """
        words = list(words)
        if len(words) != self.vocabulary_size:
            raise ValueError(
                f"{len(words)} words for word vectors of vocabulary_size "
                f"{self.vocabulary_size}"
            )
        seen = {}
        for position, word in enumerate(words):
            check_word(word, position)
            if word in seen:
                raise ValueError(
                    f"The word {word!r} is given twice (as word {seen[word]} and {position})"
                )
            seen[word] = position
        if counts is not None:
            counts = np.asarray(counts)
            if counts.shape != (len(words),) or counts.dtype.kind not in "iu":
                raise ValueError(
                    f"`counts` must be {len(words)} integers (one per word), got "
                    f"shape {counts.shape} of dtype {counts.dtype}"
                )
            if (counts < 0).any():
                bad = int(np.argmin(counts))
                raise ValueError(f"The count of {words[bad]!r} is negative: {counts[bad]}")
            counts = counts.astype("int64")
        self._vocabulary = Vocabulary(words, padding_token=None, unknown_token=None)
        self._counts = counts

    def save_assets(self, directory):
        self._require_words()
        self._vocabulary.save(os.path.join(directory, WORDS_FILE))
        if self._counts is not None:
            with open(os.path.join(directory, COUNTS_FILE), "w", encoding="utf-8") as file:
                file.write("".join(f"{count}\n" for count in self._counts.tolist()))

    def load_assets(self, directory):
        words = Vocabulary.load(os.path.join(directory, WORDS_FILE)).tokens
        counts_path = os.path.join(directory, COUNTS_FILE)
        counts = _read_counts(counts_path) if os.path.exists(counts_path) else None
        if counts is not None and len(counts) != len(words):
            raise DataFormatError(
                counts_path, len(counts), f"{len(counts)} counts for {len(words)} words"
            )
        self.set_words(words, counts)
        if not self.built:
            self.build((None,))
        self.clear_cache()

    # ---- the network -----------------------------------------------------

    def build(self, input_shape=None):
        self.embedding.build(input_shape)
        self.built = True

    def call(self, ids):
        return self.embedding(ids)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "dimension": self.dimension,
        }

    # ---- the vocabulary --------------------------------------------------

    @property
    def words(self):
        """The words in id order (a new list)."""
        return self._require_words().tokens

    @property
    def counts(self):
        """How often each word was seen in training (a list of int), or None."""
        return None if self._counts is None else self._counts.tolist()

    def __len__(self):
        return self.vocabulary_size

    def __contains__(self, word):
        return self._vocabulary is not None and word in self._vocabulary

    def index(self, word):
        """The id of `word`.

        Raises:
            UnknownWordError: `word` has no vector (the message says why).
        """
        vocabulary = self._require_words()
        if word not in vocabulary:
            raise UnknownWordError(word, self._unknown_word_message(word))
        return vocabulary.lookup(word)

    def _require_words(self):
        if self._vocabulary is None:
            raise ValueError(
                "These word vectors have no words: make them with "
                "`WordVectors.from_arrays`, a trainer, or `zoo.load`."
            )
        return self._vocabulary

    def _unknown_word_message(self, word):
        message = f"{word!r} is not in these word vectors ({len(self)} words"
        if self._counts is not None:
            message += (
                ", those kept from the training corpus; the rarest was seen "
                f"{int(self._counts.min())} times"
            )
        message += "). Words are case-sensitive"
        if isinstance(word, str):
            variants = [word.lower(), word.capitalize(), word.upper(), word.title()]
            variants = [v for v in dict.fromkeys(variants) if v != word and v in self]
            if variants:
                return message + f"; did you mean {' or '.join(map(repr, variants))}?"
        return message + "."

    # ---- vectors and queries ---------------------------------------------

    @property
    def vectors(self):
        """All vectors, a read-only float32 numpy array `[words, dimension]`."""
        if self._numpy_vectors is None:
            vectors = np.array(ops.convert_to_numpy(self.embedding.embeddings), "float32")
            vectors.setflags(write=False)
            self._numpy_vectors = vectors
        return self._numpy_vectors

    @property
    def normalized_vectors(self):
        """The vectors scaled to unit length (read-only; zero vectors stay zero)."""
        if self._unit_vectors is None:
            vectors = self.vectors
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            unit = vectors / np.where(norms > 0, norms, 1.0)
            unit.setflags(write=False)
            self._unit_vectors = unit
        return self._unit_vectors

    def clear_cache(self):
        """Forget the numpy copy of the vectors; the next query reads the weights."""
        self._numpy_vectors = None
        self._unit_vectors = None

    def vector(self, word):
        """The vector of `word`, a float32 numpy array `[dimension]` (a copy).

        Raises:
            UnknownWordError: `word` has no vector.
        """
        return self.vectors[self.index(word)].copy()

    def similarity(self, first, second):
        """The cosine similarity of two words' vectors, a float in [-1, 1].

        Raises:
            UnknownWordError: a word has no vector.
        """
        unit = self.normalized_vectors
        return float(unit[self.index(first)] @ unit[self.index(second)])

    def most_similar(self, word_or_positive, topn=10, negative=None, restrict_vocab=None):
        """The words whose vectors are closest in cosine to a query.

        The query is the sum of the unit vectors of the `positive` words
        minus those of the `negative` words (vectors given as arrays are
        added as they are), as in gensim's `KeyedVectors.most_similar`. The
        query words themselves are never in the result.

        Args:
            word_or_positive: a word, a vector, or a list of words and
                vectors (None: only `negative`).
            topn: int or None. How many words, default 10; None for every
                word (within `restrict_vocab`), ranked.
            negative: list of words (or vectors) to subtract, default none.
            restrict_vocab: int or None. Search only the first this many
                words (the most frequent, as trainers order them); None for
                all.

        Returns:
            A list of `(word, cosine)`, the most similar first.

        Raises:
            UnknownWordError: a query word has no vector.
            ValueError: there is no query, or it sums to the zero vector.
        """
        if word_or_positive is None:
            positive = []
        elif _is_single_query(word_or_positive):
            positive = [word_or_positive]
        else:
            positive = list(word_or_positive)
        if negative is None:
            negative = []
        elif _is_single_query(negative):
            negative = [negative]
        else:
            negative = list(negative)
        if topn is not None and (isinstance(topn, bool) or not isinstance(topn, int) or topn < 0):
            raise ValueError(f"`topn` must be a non-negative int or None, got {topn!r}")
        searched = self._searched_size(restrict_vocab)
        query, excluded = self._query(positive, negative)
        scores = self.normalized_vectors[:searched] @ query
        wanted = searched if topn is None else min(searched, topn + len(excluded))
        if wanted == 0:
            candidates = np.empty(0, "int64")
        elif wanted < searched:
            candidates = np.argpartition(-scores, wanted - 1)[:wanted]
        else:
            candidates = np.arange(searched)
        ranked = candidates[np.lexsort((candidates, -scores[candidates]))]
        kept = [i for i in ranked.tolist() if i not in excluded]
        if topn is not None:
            kept = kept[:topn]
        return list(zip(self._vocabulary.decode(kept), scores[kept].tolist()))

    def analogy(self, a, b, c, topn=1, restrict_vocab=None):
        """Answer "a is to b as c is to ?" with 3CosAdd: the words nearest b - a + c.

        `analogy("man", "king", "woman")` asks "man is to king as woman is
        to ?" and, with good vectors, answers `[("queen", cosine)]`. It is
        `most_similar([b, c], negative=[a])` (unit vectors), so a, b and c
        are never answers.

        Args:
            a, b, c: str. The words of the question.
            topn: int. How many answers, default 1.
            restrict_vocab: int or None. As in `most_similar`.

        Returns:
            A list of `(word, cosine)`, the best answer first.

        Raises:
            UnknownWordError: a, b or c has no vector.
        """
        return self.most_similar([b, c], topn=topn, negative=[a], restrict_vocab=restrict_vocab)

    def predict_text(self, inputs):
        """For `zoo predict`: each input is a word ("king": its nearest
        words) or an analogy "a:b::c" ("man:king::woman": the answers)."""
        lines = []
        for text in inputs:
            try:
                if "::" in text:
                    first, _, c = text.partition("::")
                    a, _, b = first.partition(":")
                    answers = self.analogy(a.strip(), b.strip(), c.strip(), topn=5)
                else:
                    answers = self.most_similar(text.strip(), topn=8)
            except KeyError as error:
                raise ValueError(error.args[0] if error.args else str(error)) from None
            words = ", ".join(f"{word} {cosine:.2f}" for word, cosine in answers)
            lines.append(f"{text}: {words}")
        return lines

    def _searched_size(self, restrict_vocab):
        if restrict_vocab is None:
            return len(self)
        return min(check_positive_integer("restrict_vocab", restrict_vocab), len(self))

    def _query(self, positive, negative):
        """The unit query vector and the set of ids of the query words."""
        if not positive and not negative:
            raise ValueError("most_similar needs at least one positive or negative word")
        unit = self.normalized_vectors
        query = np.zeros(self.dimension, "float64")
        excluded = set()
        for sign, items in ((1.0, positive), (-1.0, negative)):
            for item in items:
                if isinstance(item, str):
                    index = self.index(item)
                    excluded.add(index)
                    query += sign * unit[index]
                else:
                    vector = np.asarray(item, "float64")
                    if vector.shape != (self.dimension,):
                        raise ValueError(
                            f"A query vector must have shape ({self.dimension},), "
                            f"got {vector.shape}"
                        )
                    query += sign * vector
        norm = np.linalg.norm(query)
        if not norm > 0:
            raise ValueError("The query vectors sum to zero: there is no direction to search")
        return (query / norm).astype("float32"), excluded


def _is_single_query(item):
    """A word or a single vector, rather than a list of them."""
    return isinstance(item, str) or (not isinstance(item, (list, tuple)) and np.ndim(item) == 1)


def _read_counts(path):
    counts = []
    for number, line in numbered_lines(path):
        text = line.strip()
        if not text.isdigit():
            raise DataFormatError(
                path, number, f"expected a word count (an integer >= 0), got {line!r}"
            )
        counts.append(int(text))
    return counts
