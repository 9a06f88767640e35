"""WordVectors: construction checks, queries against numpy and gensim, saving."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models.unknown_word_error import UnknownWordError
from zoo.models.word_vectors import WordVectors

ROYALTY = ["king", "queen", "man", "woman", "apple"]
#                   royal male female fruit
ROYALTY_VECTORS = [[1, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


def random_vectors(count=40, dimension=6, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(count)]
    return words, rng.standard_normal((count, dimension)).astype("float32")


def royalty():
    return WordVectors.from_arrays(ROYALTY, np.array(ROYALTY_VECTORS, "float32"), counts=[9, 8, 7, 6, 5])


def brute_force_most_similar(matrix, words, positive, negative=(), topn=10, restrict=None):
    """Reference: cosine of every row with sum(unit positive) - sum(unit negative)."""
    matrix = np.asarray(matrix, "float64")
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    query = sum(unit[words.index(w)] for w in positive) - sum(
        (unit[words.index(w)] for w in negative), np.zeros(matrix.shape[1])
    )
    query /= np.linalg.norm(query)
    restrict = len(words) if restrict is None else restrict
    scored = [
        (float(unit[i] @ query), words[i])
        for i in range(restrict)
        if words[i] not in set(positive) | set(negative)
    ]
    scored.sort(key=lambda pair: -pair[0])
    return [(word, score) for score, word in scored[:topn]]


def assert_same_ranking(actual, expected):
    assert [word for word, _ in actual] == [word for word, _ in expected]
    np.testing.assert_allclose([s for _, s in actual], [s for _, s in expected], rtol=1e-5, atol=1e-6)


# ---- construction ---------------------------------------------------------


def test_from_arrays_keeps_words_counts_and_vectors():
    words, matrix = random_vectors(5, 3)
    vectors = WordVectors.from_arrays(words, matrix, counts=[5, 4, 3, 2, 1])
    assert vectors.words == words
    assert vectors.counts == [5, 4, 3, 2, 1]
    assert len(vectors) == 5 and vectors.dimension == 3
    assert "w3" in vectors and "W3" not in vectors and "nope" not in vectors
    assert vectors.index("w3") == 3
    np.testing.assert_array_equal(vectors.vectors, matrix)
    np.testing.assert_array_equal(vectors.vector("w2"), matrix[2])
    assert WordVectors.from_arrays(words, matrix).counts is None


def test_call_looks_up_rows_of_the_matrix():
    words, matrix = random_vectors(7, 4)
    vectors = WordVectors.from_arrays(words, matrix)
    ids = np.array([[3, 0, 6], [1, 1, 2]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(vectors(ids)), matrix[ids])


def test_frozen_inside_another_model_it_stays_unchanged_in_training():
    words, matrix = random_vectors(6, 4)
    vectors = WordVectors.from_arrays(words, matrix)
    vectors.trainable = False
    inputs = keras.Input((2,), dtype="int32")
    pooled = keras.layers.GlobalAveragePooling1D()(vectors(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(pooled))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.array([[0, 1], [2, 3]]), np.array([[1.0], [0.0]]), epochs=2, verbose=0)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(vectors.embedding.embeddings), matrix
    )


@pytest.mark.parametrize(
    "words, matrix, counts, message",
    [
        (["a", "b"], np.zeros((3, 2), "float32"), None, "2 words but 3 vectors"),
        (["a", "b", "a"], np.ones((3, 2), "float32"), None, "'a' is given twice"),
        (["a", "b"], np.ones(2, "float32"), None, "2-D float"),
        (["a", "b"], np.ones((2, 2), "int32"), None, "2-D float"),
        (["a", "b c"], np.ones((2, 2), "float32"), None, "contains whitespace"),
        (["a", ""], np.ones((2, 2), "float32"), None, "empty"),
        (["a", "b"], np.ones((2, 2), "float32"), [1], "`counts` must be 2 integers"),
        (["a", "b"], np.ones((2, 2), "float32"), [1, -1], "negative"),
        (["a", "b"], np.array([[1, 2], [np.nan, 1]], "float32"), None, "'b' (word 1) is not finite"),
    ],
)
def test_from_arrays_rejects_what_does_not_fit(words, matrix, counts, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        WordVectors.from_arrays(words, matrix, counts=counts)


def test_unknown_word_error_names_the_word_and_suggests_the_case():
    vectors = royalty()
    with pytest.raises(KeyError) as raised:
        vectors.vector("Queen")
    error = raised.value
    assert isinstance(error, UnknownWordError) and error.word == "Queen"
    assert str(error).startswith("'Queen' is not in these word vectors (5 words")
    assert "case-sensitive" in str(error) and "did you mean 'queen'?" in str(error)
    assert "rarest was seen 5 times" in str(error)
    for query in (
        lambda: vectors.most_similar("zebra"),
        lambda: vectors.analogy("man", "king", "zebra"),
        lambda: vectors.similarity("king", "zebra"),
        lambda: vectors.index("zebra"),
    ):
        with pytest.raises(UnknownWordError, match="'zebra' is not in"):
            query()


# ---- queries --------------------------------------------------------------


def test_most_similar_hand_computed():
    # unit(king) = (1, 1, 0, 0) / sqrt 2: cos with man 1/sqrt 2, queen 1/2, woman and apple 0.
    result = royalty().most_similar("king", topn=4)
    assert [word for word, _ in result] == ["man", "queen", "woman", "apple"]
    np.testing.assert_allclose([s for _, s in result], [2**-0.5, 0.5, 0.0, 0.0], atol=1e-6)


def test_analogy_is_b_minus_a_plus_c_excluding_the_question():
    # king - man + woman = (1, 0, 1, 0) before normalization: exactly queen's direction
    # for the raw vectors; with unit vectors it is (s, s - 1, 1, 0), s = 1/sqrt 2.
    s = 2**-0.5
    query = np.array([s, s - 1, 1, 0])
    expected_cosine = query @ np.array([s, 0, s, 0]) / np.linalg.norm(query)
    (word, cosine), *_ = royalty().analogy("man", "king", "woman", topn=2)
    assert word == "queen"
    assert cosine == pytest.approx(expected_cosine, abs=1e-6)
    answers = [word for word, _ in royalty().analogy("man", "king", "woman", topn=5)]
    assert sorted(answers) == ["apple", "queen"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_most_similar_matches_brute_force_cosine(seed):
    words, matrix = random_vectors(60, 7, seed)
    vectors = WordVectors.from_arrays(words, matrix)
    assert_same_ranking(vectors.most_similar("w5"), brute_force_most_similar(matrix, words, ["w5"]))
    assert_same_ranking(
        vectors.most_similar(["w1", "w2"], topn=7, negative=["w3"]),
        brute_force_most_similar(matrix, words, ["w1", "w2"], ["w3"], topn=7),
    )
    assert_same_ranking(
        vectors.most_similar("w40", topn=5, restrict_vocab=30),
        brute_force_most_similar(matrix, words, ["w40"], topn=5, restrict=30),
    )
    assert_same_ranking(
        vectors.analogy("w7", "w8", "w9", topn=3),
        brute_force_most_similar(matrix, words, ["w8", "w9"], ["w7"], topn=3),
    )
    everything = vectors.most_similar("w0", topn=None)
    assert_same_ranking(everything, brute_force_most_similar(matrix, words, ["w0"], topn=100))
    assert len(everything) == 59


def test_similarity_is_the_cosine():
    words, matrix = random_vectors(5, 3)
    vectors = WordVectors.from_arrays(words, matrix)
    a, b = matrix[1].astype("float64"), matrix[4].astype("float64")
    assert vectors.similarity("w1", "w4") == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-6)
    assert vectors.similarity("w2", "w2") == pytest.approx(1.0, abs=1e-6)


def test_most_similar_to_a_vector_does_not_exclude_words():
    vectors = royalty()
    (word, cosine), *_ = vectors.most_similar(np.array([1.0, 0.0, 1.0, 0.0]), topn=1)
    assert (word, cosine) == ("queen", pytest.approx(1.0))


def test_query_errors():
    vectors = royalty()
    with pytest.raises(ValueError, match="sum to zero"):
        vectors.most_similar("king", negative=["king"])
    with pytest.raises(ValueError, match="`topn`"):
        vectors.most_similar("king", topn=-1)
    with pytest.raises(ValueError, match="`restrict_vocab`"):
        vectors.most_similar("king", restrict_vocab=0)


def test_cache_is_cleared_after_the_weights_change():
    words, matrix = random_vectors(4, 3)
    vectors = WordVectors.from_arrays(words, matrix)
    before = vectors.vectors
    vectors.embedding.embeddings.assign(matrix * 2)
    np.testing.assert_array_equal(vectors.vectors, before)  # cached, as documented
    vectors.clear_cache()
    np.testing.assert_allclose(vectors.vectors, matrix * 2)
    assert not vectors.vectors.flags.writeable


def test_most_similar_matches_gensim():
    keyed_vectors_module = pytest.importorskip("gensim.models.keyedvectors")
    words, matrix = random_vectors(80, 10, seed=3)
    vectors = WordVectors.from_arrays(words, matrix)
    keyed = keyed_vectors_module.KeyedVectors(10)
    keyed.add_vectors(words, matrix)
    for positive, negative in ((["w3"], []), (["w1", "w9"], ["w4"]), (["w10"], ["w11", "w12"])):
        assert_same_ranking(
            vectors.most_similar(positive, topn=8, negative=negative, restrict_vocab=60),
            keyed.most_similar(positive=positive, negative=negative, topn=8, restrict_vocab=60),
        )


# ---- saving ---------------------------------------------------------------


@pytest.mark.parametrize("counts", [[40, 30, 20, 10, 1], None])
def test_hub_save_and_load_keep_words_counts_and_vectors(tmp_path, counts):
    words = ["the", "café", "東京", "naïve", "[PAD]"]
    matrix = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    vectors = WordVectors.from_arrays(words, matrix, counts=counts)
    folder = zoo.save(vectors, str(tmp_path / "vectors"))
    restored = zoo.load(str(folder))
    assert type(restored) is WordVectors
    assert restored.words == words and restored.counts == counts
    np.testing.assert_array_equal(restored.vectors, matrix)
    assert restored.most_similar("café") == vectors.most_similar("café")


def test_word2vec_methods_round_trip(tmp_path):
    words = ["the", "café", "東京"]
    matrix = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    for binary in (False, True):
        path = tmp_path / f"vectors.{binary}"
        WordVectors.from_arrays(words, matrix).save_word2vec_format(path, binary=binary)
        loaded = WordVectors.load_word2vec_format(path, binary=binary)
        assert loaded.words == words and loaded.counts is None
        np.testing.assert_array_equal(loaded.vectors, matrix)


def test_predict_text_answers_neighbours_and_analogies():
    words = ["king", "queen", "man", "woman"]
    vectors = np.array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]], dtype="float32")
    word_vectors = WordVectors.from_arrays(words, vectors)
    neighbours, analogy = word_vectors.predict_text(["king", "man:king::woman"])
    assert neighbours.startswith("king: ")
    # cosines with king: man 0.71, queen 0.50, woman 0.00
    assert [part.split()[0] for part in neighbours[6:].split(", ")] == ["man", "queen", "woman"]
    assert analogy.startswith("man:king::woman: queen ")
    with pytest.raises(ValueError, match="'prince'"):
        word_vectors.predict_text(["prince"])
