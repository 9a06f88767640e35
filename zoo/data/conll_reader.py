"""Read tagged sentences from a CoNLL column file (CoNLL-2000, CoNLL-2003 style).

One token per line in whitespace-separated columns (for CoNLL-2003 NER:
word, POS tag, chunk tag, entity tag), a blank line between sentences, and
`-DOCSTART-` lines between documents. Which column holds the token and which
hold labels differs between files, so the caller chooses them by index.
"""

import operator
import os

from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines
from zoo.data.sentence_collector import SentenceCollector

DOCUMENT_START = "-DOCSTART-"


def read_conll(path, token_column=0, label_columns=(-1,), label_names=None):
    """Read every sentence of a CoNLL column file.

    Blank lines end sentences (several in a row are fine, and the last
    sentence needs none); lines whose first column is `-DOCSTART-` are
    skipped. Every data line must have as many columns as the file's first.

    Args:
        path: str or path-like. A UTF-8 text file.
        token_column: int. Index of the token column, default 0; negative
            indexes count from the end.
        label_columns: list or tuple of int, or one int. Indexes of the label
            columns, default `(-1,)`: the last column.
        label_names: sequence of str, or one str. The keys of the label
            columns in `TaggedSentence.labels`, one per label column; default
            `"label"` for a single column, else `"label0"`, `"label1"`, ...

    Returns:
        A list of `TaggedSentence`, in file order, with `source` pointing at
        each sentence's first line.

    Raises:
        FileNotFoundError: there is no such file.
        ValueError: `label_names` do not match `label_columns`.
        DataFormatError: naming the file and line: a line with a different
            number of columns than the first data line, a column index out
            of range for the file, bytes that are not UTF-8, or a file
            without sentences.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "ner.txt")
    >>> _ = open(path, "w").write(
    ...     "-DOCSTART- -X- -X- O\\n\\nEU NNP B-NP B-ORG\\nrejects VBZ B-VP O\\n")
    >>> [sentence] = read_conll(path, label_columns=(1, 3), label_names=("pos", "ner"))
    >>> sentence.tokens, sentence.labels
    (['EU', 'rejects'], {'pos': ['NNP', 'VBZ'], 'ner': ['B-ORG', 'O']})
    """
    token_column = _as_index("token_column", token_column)
    if not isinstance(label_columns, (list, tuple, range)):
        label_columns = (label_columns,)
    label_columns = tuple(_as_index("label_columns", c) for c in label_columns)
    names = _label_names(label_columns, label_names)
    path = os.fspath(path)
    collected = SentenceCollector(path, names)
    width = first_data_line = token_index = label_indexes = None
    last_line = 0
    for number, line in numbered_lines(path):
        last_line = number
        fields = line.split()
        if not fields or fields[0] == DOCUMENT_START:
            collected.end()
            continue
        if width is None:
            width, first_data_line = len(fields), number
            token_index = _resolve(path, number, width, "token_column", token_column)
            label_indexes = [
                _resolve(path, number, width, "label_columns", column)
                for column in label_columns
            ]
        elif len(fields) != width:
            raise DataFormatError(
                path,
                number,
                f"found {len(fields)} columns, but the first data line (line "
                f"{first_data_line}) has {width}; every token line needs the "
                "same columns",
            )
        collected.begin(number)
        collected.add(fields[token_index], [fields[index] for index in label_indexes])
    return collected.finish(last_line, "token")


def _as_index(argument, value):
    """`value` as an int column index, or a TypeError naming the argument."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(
            f"{argument} takes column indexes (int), got {value!r}"
        ) from None


def _label_names(label_columns, label_names):
    """The label keys: the given names, checked, or the default ones."""
    if label_names is None:
        if len(label_columns) == 1:
            return ("label",)
        return tuple(f"label{i}" for i in range(len(label_columns)))
    names = (label_names,) if isinstance(label_names, str) else tuple(label_names)
    if len(names) != len(label_columns):
        raise ValueError(
            f"{len(names)} label_names {names} for {len(label_columns)} "
            f"label_columns {label_columns}; give one name per column"
        )
    if len(set(names)) != len(names):
        raise ValueError(f"label_names must differ, got {names}")
    return names


def _resolve(path, line, width, argument, index):
    """A column index made non-negative, or a DataFormatError if out of range."""
    if not -width <= index < width:
        raise DataFormatError(
            path,
            line,
            f"{argument} asks for column {index}, but the lines of this file "
            f"have {width} columns (indexes 0 to {width - 1}, or -1 to -{width})",
        )
    return index % width
