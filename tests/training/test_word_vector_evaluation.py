"""Word similarity and analogy evaluation: hand-computed cases, scipy, gensim."""

import numpy as np
import pytest

from zoo.models.word_vectors import WordVectors
from zoo.training import word_vector_evaluation
from zoo.training.word_vector_evaluation import evaluate_analogies
from zoo.training.word_vector_evaluation import evaluate_word_similarity
from zoo.training.word_vector_evaluation import pearson_correlation
from zoo.training.word_vector_evaluation import rank_with_ties
from zoo.training.word_vector_evaluation import spearman_correlation

ROYALTY = ["man", "king", "woman", "queen", "apple"]
#                   royal male female fruit
ROYALTY_VECTORS = [[0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [1, 0, 1, 0], [0, 0, 0, 1]]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---- correlations ---------------------------------------------------------


def test_ranks_average_ties():
    assert rank_with_ties([10, 30, 20, 20]).tolist() == [1.0, 4.0, 2.5, 2.5]
    assert rank_with_ties([5, 5, 5]).tolist() == [2.0, 2.0, 2.0]


def test_spearman_hand_computed_with_ties():
    # Ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4), centred: (-1.5, 0, 0, 1.5) and
    # (-1.5, .5, -.5, 1.5): r = 4.5 / sqrt(4.5 * 5) = sqrt(0.9).
    assert spearman_correlation([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.9**0.5)
    assert spearman_correlation([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)


def test_pearson_matches_numpy_and_constant_input_is_nan():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal(30), rng.standard_normal(30)
    assert pearson_correlation(x, y) == pytest.approx(np.corrcoef(x, y)[0, 1])
    assert np.isnan(pearson_correlation([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError):
        pearson_correlation([1, 2], [1, 2, 3])


def test_spearman_matches_scipy_with_many_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(1)
    for _ in range(5):
        x, y = rng.integers(0, 6, 50), rng.integers(0, 4, 50) + 0.1 * rng.integers(0, 2, 50)
        assert spearman_correlation(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)


# ---- word similarity ------------------------------------------------------


def similarity_vectors():
    return WordVectors.from_arrays(
        ["a", "b", "c", "d"], np.array([[1, 0], [1, 1], [0, 1], [-1, 0]], "float32")
    )


def test_word_similarity_hand_computed(tmp_path):
    # Cosines: a-b .71, a-c 0, a-d -1, b-c .71; gold 9, 1, 5, 9. Ranks (3.5, 2, 1, 3.5) and
    # (3.5, 1, 2, 3.5), centred (1, -.5, -1.5, 1) and (1, -1.5, -.5, 1): spearman 3.5 / 4.5.
    path = write(tmp_path, "pairs.tsv", "# w1\tw2\tscore\nA\tb\t9\na\tc\t1\na\td\t5\nb\tC\t9\na\tzebra\t3\n")
    result = evaluate_word_similarity(similarity_vectors(), path)
    assert result["spearman"] == pytest.approx(7 / 9)
    s = 2**-0.5
    assert result["pearson"] == pytest.approx(np.corrcoef([9, 1, 5, 9], [s, 0, -1, s])[0, 1])
    assert (result["pairs"], result["oov_pairs"], result["oov_rate"]) == (4, 1, pytest.approx(0.2))
    case_sensitive = evaluate_word_similarity(similarity_vectors(), path, lowercase=False)
    assert (case_sensitive["pairs"], case_sensitive["oov_pairs"]) == (2, 3)


def test_word_similarity_without_known_pairs_is_an_error(tmp_path):
    path = write(tmp_path, "pairs.tsv", "x\ty\t1\n")
    with pytest.raises(ValueError, match="None of the 1 word pairs"):
        evaluate_word_similarity(similarity_vectors(), path)


def test_word_similarity_matches_gensim(tmp_path):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    pytest.importorskip("scipy")
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(30)]
    matrix = rng.standard_normal((30, 5)).astype("float32")
    # w30-w33 are not words, w25-w29 are outside restrict_vocab; scores have ties.
    lines = [
        f"{f'W{i}' if i % 3 == 0 else f'w{i}'}\tw{j}\t{rng.integers(0, 5)}"
        for i, j in rng.integers(0, 34, (60, 2))
        if i != j
    ]
    path = write(tmp_path, "pairs.tsv", "\n".join(lines) + "\n")
    ours = evaluate_word_similarity(WordVectors.from_arrays(words, matrix), path, restrict_vocab=25)
    keyed = keyedvectors.KeyedVectors(5)
    keyed.add_vectors(words, matrix)
    pearson, spearman, oov_percent = keyed.evaluate_word_pairs(str(path), restrict_vocab=25)
    assert ours["pearson"] == pytest.approx(pearson[0], abs=1e-6)
    assert ours["spearman"] == pytest.approx(spearman[0], abs=1e-6)
    assert ours["oov_rate"] * 100 == pytest.approx(oov_percent)


# ---- analogies ------------------------------------------------------------

ROYALTY_QUESTIONS = (
    ": royal\nman king woman queen\nMAN KING WOMAN QUEEN\n"
    # queen - king + man is nearest to woman, not apple: wrong.
    ": fruit\nking queen man apple\n"
    ": unknown\nman king woman zebra\n"
)


def test_analogies_hand_made(tmp_path):
    vectors = WordVectors.from_arrays(ROYALTY, np.array(ROYALTY_VECTORS, "float32"))
    path = write(tmp_path, "questions.txt", ROYALTY_QUESTIONS)
    result = evaluate_analogies(vectors, path)
    assert (result["correct"], result["total"], result["oov_questions"]) == (2, 3, 1)
    assert result["accuracy"] == pytest.approx(2 / 3) and result["oov_rate"] == pytest.approx(0.25)
    assert result["sections"] == {
        "royal": {"accuracy": 1.0, "correct": 2, "total": 2, "oov_questions": 0},
        "fruit": {"accuracy": 0.0, "correct": 0, "total": 1, "oov_questions": 0},
        "unknown": {"accuracy": 0.0, "correct": 0, "total": 0, "oov_questions": 1},
    }
    # Without "apple" (the 5th word) the fruit question is out of vocabulary too.
    restricted = evaluate_analogies(vectors, path, restrict_vocab=4)
    assert (restricted["correct"], restricted["total"], restricted["oov_questions"]) == (2, 2, 2)
    case_sensitive = evaluate_analogies(vectors, path, lowercase=False)
    assert (case_sensitive["correct"], case_sensitive["total"]) == (1, 2)
    # NumPy sizes are sizes; zero, True and floats are errors naming the argument.
    assert evaluate_analogies(vectors, path, restrict_vocab=np.int64(4)) == restricted
    for bad in (0, True, 4.0):
        with pytest.raises(ValueError, match="`restrict_vocab` must be a positive integer"):
            evaluate_analogies(vectors, path, restrict_vocab=bad)


def test_spellings_of_the_question_words_are_not_answers(tmp_path):
    # "King" sits exactly at unit(king) - unit(man) + unit(woman), ahead of queen; when
    # words are folded it is a spelling of "king", a question word, so queen answers.
    s = 2**-0.5
    words = ["man", "king", "woman", "queen", "King"]
    matrix = np.array([[0, 1, 0], [s, s, 0], [0, 0, 1], [1, 0, 1.2], [s, s - 1, 1]], "float32")
    vectors = WordVectors.from_arrays(words, matrix)
    path = write(tmp_path, "questions.txt", ": royal\nman king woman queen\n")
    assert vectors.analogy("man", "king", "woman")[0][0] == "King"
    assert evaluate_analogies(vectors, path)["correct"] == 1
    assert evaluate_analogies(vectors, path, lowercase=False)["correct"] == 0


def structured_vocabulary(seed):
    """Pairs (x_i, y_i = x_i + relation + noise) under two relations, 48 words."""
    rng = np.random.default_rng(seed)
    words, rows = [], []
    for relation_name in ("p", "q"):
        relation = rng.standard_normal(8) * 2
        for i in range(12):
            x = rng.standard_normal(8)
            words += [f"{relation_name}x{i}", f"{relation_name}y{i}"]
            rows += [x, x + relation + rng.standard_normal(8) * 0.8]
    order = rng.permutation(len(words))
    return [words[i] for i in order], np.array(rows, "float32")[order]


@pytest.mark.parametrize("seed", [0, 1])
def test_analogies_match_gensim(tmp_path, monkeypatch, seed):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    words, matrix = structured_vocabulary(seed)
    rng = np.random.default_rng(seed + 10)
    lines = []
    for relation in ("p", "q"):
        lines.append(f": relation-{relation}")
        for i, j in rng.integers(0, 13, (40, 2)):  # index 12 is not a word: OOV
            if i != j:
                question = [f"{relation}x{i}", f"{relation}y{i}", f"{relation}x{j}", f"{relation}y{j}"]
                lines.append(" ".join(w.upper() if rng.random() < 0.3 else w for w in question))
    path = write(tmp_path, "questions.txt", "\n".join(lines) + "\n")
    monkeypatch.setattr(word_vector_evaluation, "SCORES_PER_BATCH", 200)  # several batches
    ours = evaluate_analogies(WordVectors.from_arrays(words, matrix), path, restrict_vocab=40)
    keyed = keyedvectors.KeyedVectors(8)
    keyed.add_vectors(words, matrix)
    score, sections = keyed.evaluate_word_analogies(str(path), restrict_vocab=40)
    assert 0 < ours["correct"] < ours["total"]  # a test that can tell right from wrong
    assert ours["accuracy"] == pytest.approx(score)
    for section in sections[:-1]:  # gensim's last section is the total
        mine = ours["sections"][section["section"]]
        assert mine["correct"] == len(section["correct"])
        assert mine["total"] == len(section["correct"]) + len(section["incorrect"])
    assert ours["total"] + ours["oov_questions"] == sum(1 for line in lines if not line.startswith(":"))
