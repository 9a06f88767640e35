"""Read tagged sentences from a CoNLL-U file (Universal Dependencies treebanks).

CoNLL-U (https://universaldependencies.org/format.html) has one word per
line in 10 tab-separated columns, `#` comment lines before each sentence, and
a blank line after each sentence. Multiword-token lines (ID `3-4`) and empty
nodes (ID `8.1`) are skipped: the word lines carry the tags.
"""

import os
import re

from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines
from zoo.data.sentence_collector import SentenceCollector

CONLLU_COLUMNS = (
    "id",
    "form",
    "lemma",
    "upos",
    "xpos",
    "feats",
    "head",
    "deprel",
    "deps",
    "misc",
)
_SKIPPED_ID = re.compile(r"[0-9]+(-[0-9]+|\.[0-9]+)")  # a range, an empty node


def read_conllu(path, label_columns=("upos", "xpos")):
    """Read every sentence of a CoNLL-U file, with the chosen label columns.

    The tokens are the FORM column, kept exactly (some treebanks have forms
    with spaces). A label `_` is a value like any other (it is a legal XPOS
    in some treebanks); an empty field is an error. The file is streamed
    line by line.

    Args:
        path: str or path-like. A UTF-8 CoNLL-U file.
        label_columns: sequence of str, or one str. Names from
            `CONLLU_COLUMNS` to keep as labels, default `("upos", "xpos")`.

    Returns:
        A list of `TaggedSentence`, in file order, each with
        `labels[name]` for every name in `label_columns` and `source`
        pointing at its first line (its first comment line, if any).

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: a label column name is not a CoNLL-U column.
        DataFormatError: the file breaks the format; the message names the
            file and line and says what is wrong: a line without exactly 10
            tab-separated columns, an ID that is not a word number, IDs not
            1, 2, 3, ... within a sentence, an empty field, bytes that are
            not UTF-8, or a file without sentences.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.conllu")
    >>> rows = ["# text = Dogs bark", "1 Dogs dog NOUN NNS _ 2 nsubj _ _",
    ...         "2 bark bark VERB VBP _ 0 root _ _", ""]
    >>> _ = open(path, "w").write("\\n".join(r.replace(" ", "\\t") for r in rows))
    >>> [sentence] = read_conllu(path)
    >>> sentence.tokens, sentence.labels["upos"], sentence.labels["xpos"]
    (['Dogs', 'bark'], ['NOUN', 'VERB'], ['NNS', 'VBP'])
    """
    names = _column_names(label_columns)
    indexes = [CONLLU_COLUMNS.index(name) for name in names]
    checked = (1, *indexes)  # FORM and the label columns must not be empty
    path = os.fspath(path)
    collected = SentenceCollector(path, names)
    last_line = 0
    for number, line in numbered_lines(path):
        last_line = number
        if not line.strip():
            collected.end()
            continue
        collected.begin(number)
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != len(CONLLU_COLUMNS):
            raise DataFormatError(path, number, _column_count_message(line, fields))
        word_id = fields[0]
        if not (word_id.isascii() and word_id.isdigit()):
            if _SKIPPED_ID.fullmatch(word_id):
                continue
            raise DataFormatError(
                path,
                number,
                f"the ID {word_id!r} is not a word number (1, 2, 3, ...), "
                "a multiword range like 3-4 or an empty node like 8.1",
            )
        if int(word_id) != len(collected.tokens) + 1:
            raise DataFormatError(
                path, number, _id_order_message(word_id, collected.tokens)
            )
        for index in checked:
            if not fields[index]:
                name = CONLLU_COLUMNS[index].upper()
                raise DataFormatError(
                    path,
                    number,
                    f"the {name} field (column {index + 1}) is empty; "
                    "CoNLL-U writes _ for a missing value",
                )
        collected.add(fields[1], [fields[index] for index in indexes])
    return collected.finish(last_line, "word")


def _column_names(label_columns):
    """`label_columns` as a tuple of known CoNLL-U column names."""
    names = (label_columns,) if isinstance(label_columns, str) else tuple(label_columns)
    for name in names:
        if name not in CONLLU_COLUMNS:
            raise ValueError(
                f"Unknown CoNLL-U label column {name!r}; "
                f"the columns are {', '.join(CONLLU_COLUMNS)}"
            )
    if len(set(names)) != len(names):
        raise ValueError(f"A label column is named twice in {names}")
    return names


def _column_count_message(line, fields):
    """What is wrong with a word line that has not got 10 columns."""
    message = (
        f"expected {len(CONLLU_COLUMNS)} tab-separated columns, found {len(fields)}"
    )
    if len(fields) < len(CONLLU_COLUMNS) and len(line.split()) >= len(CONLLU_COLUMNS):
        message += "; the line seems to be separated by spaces, but CoNLL-U needs tabs"
    return message


def _id_order_message(word_id, tokens):
    """What is wrong with a word ID out of sequence."""
    message = (
        f"the word ID is {word_id} but should be {len(tokens) + 1} "
        "(IDs go 1, 2, 3, ... within a sentence)"
    )
    if tokens and int(word_id) == 1:
        message += "; is the blank line that ends the previous sentence missing?"
    return message
