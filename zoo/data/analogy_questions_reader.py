"""Word analogy questions in the format of word2vec's questions-words.txt."""

import collections

from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines

AnalogyQuestion = collections.namedtuple("AnalogyQuestion", ["section", "a", "b", "c", "d"])
AnalogyQuestion.__doc__ = """"a is to b as c is to d", from the named section of a test set.

Example:

>>> question = AnalogyQuestion("family", "boy", "girl", "brother", "sister")
>>> question.c, question.d
('brother', 'sister')
"""


def read_analogy_questions(path):
    """Read analogy questions: `: section` lines, each followed by `a b c d` lines.

    The format of Mikolov et al.'s questions-words.txt (the "Google
    analogy" test set, shipped with word2vec and with gensim's test data):

        : capital-common-countries
        Athens Greece Baghdad Iraq

    reads "Athens is to Greece as Baghdad is to Iraq". Words are separated
    by whitespace. Blank lines and lines starting with `#` are skipped.

    Args:
        path: str or path-like. The file (UTF-8).

    Returns:
        A list of `AnalogyQuestion(section, a, b, c, d)`, in file order.

    Raises:
        FileNotFoundError: there is no such file.
        DataFormatError: a question line does not have exactly four words,
            a question comes before the first `: section` line, a section
            has no name, or the file holds no questions (the message names
            the line).

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "questions.txt")
    >>> _ = open(path, "w").write(": family\\nboy girl brother sister\\n")
    >>> read_analogy_questions(path)
    [AnalogyQuestion(section='family', a='boy', b='girl', c='brother', d='sister')]
    """
    questions = []
    section = None
    last = 0
    for number, line in numbered_lines(path):
        last = number
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith(":"):
            section = text[1:].strip()
            if not section:
                raise DataFormatError(path, number, "a ': section' line without a section name")
            continue
        words = text.split()
        if len(words) != 4:
            raise DataFormatError(
                path,
                number,
                f"an analogy question is four words 'a b c d', found {len(words)}: {text[:80]!r}",
            )
        if section is None:
            raise DataFormatError(
                path,
                number,
                "a question before the first ': section' line; start the file "
                "with a line like ': capital-common-countries'",
            )
        questions.append(AnalogyQuestion(section, *words))
    if not questions:
        raise DataFormatError(path, last, "no analogy questions in the file")
    return questions
