"""The error raised for a data file that cannot be read, located by line.

Also `numbered_lines`, the line reader that the text readers share, so that
every error they raise, a bad byte included, names its file and line.
"""

import os


class DataFormatError(ValueError):
    """A data file breaks its format; the message says where and what.

    `str(error)` is `"path:line: message"`, the form that editors and
    terminals turn into a link to the line.

    Args:
        path: str or path-like. The file at fault.
        line: int. The 1-based line number at fault (0 when no line is).
        message: str. What is wrong, and where possible how to fix it.

    Example:

    >>> error = DataFormatError("train.conllu", 7, "expected 10 columns, found 9")
    >>> str(error)
    'train.conllu:7: expected 10 columns, found 9'
    >>> error.path, error.line, isinstance(error, ValueError)
    ('train.conllu', 7, True)
    """

    def __init__(self, path, line, message):
        self.path = os.fspath(path)
        self.line = int(line)
        self.message = str(message)
        super().__init__(f"{self.path}:{self.line}: {self.message}")

    def __reduce__(self):
        return type(self), (self.path, self.line, self.message)


def numbered_lines(path):
    """Yield `(line_number, text)` for each line of a UTF-8 text file.

    Line numbers start at 1; only `\\n` ends a line. The text has its line
    ending (`\\n` or `\\r\\n`) removed and nothing else; a leading byte-order
    mark is dropped. The file is streamed, not read whole.

    Args:
        path: str or path-like. The file.

    Raises:
        FileNotFoundError: there is no such file (the message names it).
        DataFormatError: a line is not valid UTF-8 (names the line and byte).

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "two.txt")
    >>> _ = open(path, "wb").write("a b\\r\\nc\\u00e9\\n".encode("utf-8"))
    >>> list(numbered_lines(path))
    [(1, 'a b'), (2, 'cé')]
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8-sig", newline="\n") as file:
            for number, line in enumerate(file, start=1):
                yield number, line.rstrip("\r\n")
    except UnicodeDecodeError:
        _raise_at_first_bad_line(path)
        raise


def _raise_at_first_bad_line(path):
    """Raise a `DataFormatError` at the first line that is not UTF-8."""
    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            try:
                raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(
                    path,
                    number,
                    f"not valid UTF-8 (byte {raw[error.start]:#04x} at byte "
                    f"{error.start + 1} of the line); save the file as UTF-8",
                ) from None
