"""Intrinsic evaluation of word vectors: word similarity and analogies.

Both follow gensim's `KeyedVectors.evaluate_word_pairs` and
`evaluate_word_analogies`, so that numbers compare with published ones:
words are looked up case-insensitively by default (a folded form takes the
vector of its first, most frequent spelling), and test items with a word
outside the vocabulary are skipped and counted, not scored as wrong.
"""

import numpy as np

from zoo.argument_checks import check_positive_integer
from zoo.data.analogy_questions_reader import read_analogy_questions
from zoo.data.word_pairs_reader import read_word_pairs

SCORES_PER_BATCH = 1 << 23  # questions x words scored at once (32 MB of float32)


def rank_with_ties(values):
    """1-based ranks of `values`, tied values getting the mean of their ranks.

    Example:

    >>> rank_with_ties([10, 30, 20, 20]).tolist()
    [1.0, 4.0, 2.5, 2.5]
    """
    values = np.asarray(values, "float64")
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.concatenate([[0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1])
    ends = np.concatenate([starts[1:], [len(values)]])
    ranks = np.empty(len(values), "float64")
    ranks[order] = np.repeat((starts + ends + 1) / 2.0, ends - starts)
    return ranks


def pearson_correlation(x, y):
    """Pearson's r of two equally long sequences (NaN if either is constant).

    Raises:
        ValueError: the lengths differ or are below 2.
    """
    x = np.asarray(x, "float64")
    y = np.asarray(y, "float64")
    if x.shape != y.shape or x.ndim != 1 or len(x) < 2:
        raise ValueError(
            "Correlation needs two 1-D sequences of one length, at least 2; got "
            f"shapes {x.shape} and {y.shape}"
        )
    dx = x - x.mean()
    dy = y - y.mean()
    denominator = np.sqrt((dx @ dx) * (dy @ dy))
    return float(dx @ dy / denominator) if denominator > 0 else float("nan")


def spearman_correlation(x, y):
    """Spearman's rank correlation: Pearson's r of the tie-averaged ranks.

    Example:

    >>> round(spearman_correlation([1, 2, 2, 3], [1, 3, 2, 4]) ** 2, 6)
    0.9
    """
    return pearson_correlation(rank_with_ties(x), rank_with_ties(y))


def evaluate_word_similarity(vectors, path, lowercase=True, restrict_vocab=None):
    """Correlate the vectors' cosine similarities with human judgements.

    Args:
        vectors: `zoo.models.WordVectors`.
        path: str or path-like. A word-pairs file (see
            `zoo.data.word_pairs_reader.read_word_pairs`): WordSim-353,
            SimLex-999, ...
        lowercase: bool. Look words up case-insensitively, default True.
        restrict_vocab: int or None. Use only the first this many words of
            the vectors (the most frequent); None for all.

    Returns:
        A dict: `spearman` and `pearson` (correlations of the cosines with
        the scores over the pairs found), `pairs` (the number found),
        `oov_pairs` (pairs skipped for a word not in the vocabulary) and
        `oov_rate` (their fraction of all pairs, from 0 to 1; gensim
        reports it in percent).

    Raises:
        ValueError: no pair has both words in the vocabulary.
        DataFormatError: the file cannot be read (names the line).
    """
    pairs = read_word_pairs(path)
    ids = _word_ids(vectors.words, restrict_vocab, lowercase)
    fold = str.lower if lowercase else str
    found = [
        (ids[fold(pair.first)], ids[fold(pair.second)], pair.score)
        for pair in pairs
        if fold(pair.first) in ids and fold(pair.second) in ids
    ]
    if not found:
        raise ValueError(
            f"None of the {len(pairs)} word pairs in {path} has both words in "
            f"the vocabulary ({len(ids)} words searched)"
        )
    firsts, seconds, gold = (np.array(column) for column in zip(*found))
    unit = vectors.normalized_vectors
    cosines = np.einsum("ij,ij->i", unit[firsts], unit[seconds])
    oov = len(pairs) - len(found)
    return {
        "spearman": spearman_correlation(gold, cosines) if len(found) > 1 else float("nan"),
        "pearson": pearson_correlation(gold, cosines) if len(found) > 1 else float("nan"),
        "pairs": len(found),
        "oov_pairs": oov,
        "oov_rate": oov / len(pairs),
    }


def evaluate_analogies(vectors, path, restrict_vocab=30000, lowercase=True):
    """Accuracy of 3CosAdd on analogy questions ("a is to b as c is to d").

    A question counts as correct when, among the first `restrict_vocab`
    words and leaving out a, b and c (all their spellings, when
    `lowercase`), the word nearest in cosine to the unit vectors' b - a + c
    is d. Questions with a word outside those `restrict_vocab` words are
    skipped and counted as out of vocabulary, as in gensim's
    `KeyedVectors.evaluate_word_analogies` (which looks among only its top
    5 candidates for one that is not a spelling of a, b or c; this looks
    at all of them). Questions are scored in batches by matrix products.

    Args:
        vectors: `zoo.models.WordVectors`.
        path: str or path-like. An analogy file (see
            `zoo.data.analogy_questions_reader.read_analogy_questions`),
            such as questions-words.txt.
        restrict_vocab: int or None. Search and accept only the first this
            many words (the most frequent), default 30000; None for all.
        lowercase: bool. Look words up case-insensitively, default True.

    Returns:
        A dict: `accuracy` (correct / total), `correct`, `total` (questions
        attempted), `oov_questions` (skipped), `oov_rate` (their fraction of
        all questions), and `sections`: `{name: {"accuracy", "correct",
        "total", "oov_questions"}}` in file order. An accuracy with nothing
        attempted is 0.0.

    Raises:
        DataFormatError: the file cannot be read (names the line).
    """
    questions = read_analogy_questions(path)
    words = vectors.words
    ids = _word_ids(words, restrict_vocab, lowercase)
    searched = len(words) if restrict_vocab is None else min(restrict_vocab, len(words))
    fold = str.lower if lowercase else str
    # Each searched word's id stands for the first spelling of its folded form.
    canonical = np.array([ids[fold(word)] for word in words[:searched]], "int64")
    sections = {}
    attempted = []
    for question in questions:
        stats = sections.setdefault(
            question.section, {"accuracy": 0.0, "correct": 0, "total": 0, "oov_questions": 0}
        )
        keys = [fold(word) for word in question[1:]]
        if all(key in ids for key in keys):
            attempted.append([ids[key] for key in keys] + [len(sections) - 1])
            stats["total"] += 1
        else:
            stats["oov_questions"] += 1
    correct = _count_correct(vectors.normalized_vectors[:searched], canonical, attempted)
    names = list(sections)
    for (*_, section_index), is_correct in zip(attempted, correct):
        sections[names[section_index]]["correct"] += int(is_correct)
    for stats in sections.values():
        stats["accuracy"] = stats["correct"] / stats["total"] if stats["total"] else 0.0
    total = len(attempted)
    right = int(np.sum(correct))
    oov = len(questions) - total
    return {
        "accuracy": right / total if total else 0.0,
        "correct": right,
        "total": total,
        "oov_questions": oov,
        "oov_rate": oov / len(questions),
        "sections": sections,
    }


def _word_ids(words, restrict_vocab, lowercase):
    """`{folded word: id of its first spelling}` over the first `restrict_vocab` words."""
    if restrict_vocab is not None:
        restrict_vocab = check_positive_integer("restrict_vocab", restrict_vocab)
    kept = words if restrict_vocab is None else words[:restrict_vocab]
    ids = {}
    for index, word in enumerate(kept):
        ids.setdefault(word.lower() if lowercase else word, index)
    return ids


def _count_correct(unit, canonical, attempted):
    """A bool per attempted question `[a, b, c, d, section]` (canonical ids)."""
    if not attempted:
        return np.zeros(0, bool)
    questions = np.array(attempted, "int64")
    batch_size = max(1, SCORES_PER_BATCH // len(unit))
    correct = []
    for start in range(0, len(questions), batch_size):
        a, b, c, d = questions[start : start + batch_size, :4].T
        scores = (unit[b] - unit[a] + unit[c]) @ unit.T
        same = canonical[None, :]
        excluded = (same == a[:, None]) | (same == b[:, None]) | (same == c[:, None])
        scores[excluded] = -np.inf
        predicted = np.argmax(scores, axis=1)
        found = np.isfinite(scores[np.arange(len(predicted)), predicted])
        correct.append(found & (canonical[predicted] == d))
    return np.concatenate(correct)
