"""`read_tagged_file`: a CoNLL-U or CoNLL tagging file, columns given as on a command line."""

from zoo.data.conll_reader import read_conll
from zoo.data.conllu_reader import read_conllu

FORMATS = ("conllu", "conll")


def read_tagged_file(path, format="conllu", label_columns="upos", token_column=0,
                     label_names=None):
    """Read tagged sentences the way every tagger command takes them.

    Args:
        path: str or path-like. The file.
        format: `"conllu"` (CoNLL-U: the label columns are column names
            such as `upos`, `xpos`, `deprel`) or `"conll"` (whitespace-
            separated columns: the label columns are indexes, negative
            counting from the end).
        label_columns: the label columns, main one first: a comma-separated
            string (`"upos,xpos"`, `"-1"`) or a sequence.
        token_column: int. `conll` only: the token column.
        label_names: `conll` only: the names the labels get (default
            `label_<index>`); a tagger's own names when evaluating it.

    Returns:
        A list of `TaggedSentence`.

    Raises:
        ValueError: an unknown format or a column that is not an index for
            `conll`; `DataFormatError` (a ValueError with file and line) for
            a malformed file; FileNotFoundError.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.conll"
    >>> _ = path.write_text("The DT B-NP\\ndog NN I-NP\\n\\nRuns VBZ O\\n")
    >>> sentences = read_tagged_file(path, "conll", "1,-1", label_names=("pos", "chunk"))
    >>> [(s.tokens, s.labels["chunk"]) for s in sentences]
    [(['The', 'dog'], ['B-NP', 'I-NP']), (['Runs'], ['O'])]
    """
    if isinstance(label_columns, str):
        label_columns = [column.strip() for column in label_columns.split(",") if column.strip()]
    label_columns = tuple(label_columns)
    if not label_columns:
        raise ValueError("No label columns given (e.g. --label-cols upos)")
    if format == "conllu":
        return read_conllu(path, label_columns=label_columns)
    if format == "conll":
        try:
            indexes = tuple(int(column) for column in label_columns)
        except ValueError:
            raise ValueError(
                "--label-cols must be column indexes for --format conll (0-based, "
                f"negative from the end), got {','.join(map(str, label_columns))!r}"
            ) from None
        return read_conll(path, token_column=token_column, label_columns=indexes,
                          label_names=label_names)
    raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
