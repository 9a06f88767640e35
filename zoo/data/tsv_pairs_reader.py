"""`read_tsv_pairs`: `source<TAB>target tokens` lines, the generic Seq2Seq data file."""

from zoo.data.data_format_error import DataFormatError


def read_tsv_pairs(path):
    """Read a transduction data file: one `source<TAB>target tokens` pair per line.

    The source is kept as written (a `Seq2Seq` reads it character by
    character); the target is split on whitespace into tokens. Blank lines
    are skipped.

    Returns:
        `(sources, targets)`: a list of str and a list of token lists.

    Raises:
        DataFormatError: a line without a tab, or with an empty side (file
            and line named); a file with no pairs.
        FileNotFoundError: there is no such file.

    Example:

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pairs.tsv"
    >>> _ = path.write_text("cat\\tK AE1 T\\n\\ndog\\tD AO1 G\\n")
    >>> read_tsv_pairs(path)
    (['cat', 'dog'], [['K', 'AE1', 'T'], ['D', 'AO1', 'G']])
    """
    sources, targets = [], []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            source, tab, target = line.partition("\t")
            if not tab or not source or not target.split():
                raise DataFormatError(
                    path, number, "expected `source<TAB>target tokens`, with both non-empty"
                )
            sources.append(source)
            targets.append(target.split())
    if not sources:
        raise DataFormatError(path, 1, "no `source<TAB>target` lines")
    return sources, targets
