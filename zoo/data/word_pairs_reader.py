"""Word pairs with human similarity scores (WordSim-353, SimLex-999, ...)."""

import collections
import math

from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines

WordPair = collections.namedtuple("WordPair", ["first", "second", "score"])
WordPair.__doc__ = """Two words and their human similarity score (a float).

Example:

>>> pair = WordPair("tiger", "cat", 7.35)
>>> pair.first, pair.score
('tiger', 7.35)
"""

# Header names of the score column, lowercased: SimLex-999's own file has
# "word1 word2 POS SimLex999 ...", WordSim-353's "Word 1, Word 2, Human (mean)".
SCORE_COLUMN_NAMES = ("simlex999", "human (mean)", "score", "similarity", "relatedness")
DEFAULT_SCORE_COLUMN = 2


def read_word_pairs(path, score_column=None):
    """Read a word-similarity test set: a word pair and a score per line.

    Reads the files of WordSim-353, SimLex-999, MEN and the like, as
    distributed and as in gensim's test data:

        # comment lines start with '#'
        word1<TAB>word2<TAB>score[<TAB>more columns...]

    Columns are separated by tabs, or, on lines without a tab, by spaces.
    Blank lines and lines starting with `#` are skipped. The first other
    line may be a header (recognized by a score column that is not a
    number); a header that names the score column (`SimLex999`, `Human
    (mean)`, `score`, `similarity`, `relatedness`) picks that column.

    Args:
        path: str or path-like. The file (UTF-8).
        score_column: int or None. The 0-based column of the scores; None
            for the header's score column, else the third (2).

    Returns:
        A list of `WordPair(first, second, score)`, in file order.

    Raises:
        FileNotFoundError: there is no such file.
        DataFormatError: a line has too few columns or a score that is not
            a finite number (the message names the line), or the file holds
            no pairs.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "pairs.tsv")
    >>> _ = open(path, "w").write("# Word 1\\tWord 2\\tHuman (mean)\\ntiger\\tcat\\t7.35\\n")
    >>> read_word_pairs(path)
    [WordPair(first='tiger', second='cat', score=7.35)]
    """
    pairs = []
    column = score_column
    header_allowed = True
    last = 0
    for number, line in numbered_lines(path):
        last = number
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [field.strip() for field in line.split("\t")] if "\t" in line else line.split()
        if header_allowed:
            header_allowed = False
            header_column = _score_column_of_header(fields)
            if header_column is not None or not _is_number(_field(fields, column)):
                if column is None:
                    column = header_column
                continue
        if column is None:
            column = DEFAULT_SCORE_COLUMN
        if len(fields) <= max(column, 1):
            raise DataFormatError(
                path,
                number,
                f"expected 'word1<TAB>word2<TAB>score', found {len(fields)} "
                f"column{'s' if len(fields) != 1 else ''}: {line[:80]!r}",
            )
        score = _parse_number(fields[column])
        if score is None:
            raise DataFormatError(
                path,
                number,
                f"the score (column {column + 1}) is {fields[column]!r}, not a finite "
                "number; if the scores are in another column, pass `score_column`",
            )
        if not fields[0] or not fields[1]:
            raise DataFormatError(path, number, "a word of the pair is empty")
        pairs.append(WordPair(fields[0], fields[1], score))
    if not pairs:
        raise DataFormatError(path, last, "no word pairs in the file")
    return pairs


def _field(fields, column):
    index = DEFAULT_SCORE_COLUMN if column is None else column
    return fields[index] if index < len(fields) else ""


def _score_column_of_header(fields):
    names = [field.strip().lower() for field in fields]
    for index, name in enumerate(names):
        if index >= 2 and name in SCORE_COLUMN_NAMES:
            return index
    return None


def _parse_number(text):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _is_number(text):
    return _parse_number(text) is not None
