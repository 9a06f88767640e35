"""Word vectors in the word2vec file formats (text and binary).

The formats of Mikolov's C word2vec tool, as gensim writes them:

    header   "V D\\n"  (the number of words, the number of dimensions)
    text     "word v1 v2 ... vD\\n" for each word, each value written as numpy
             writes a float32 (`str(numpy.float32(v))`, the shortest string
             that reads back as the same float32)
    binary   "word " followed by D little-endian float32s (4 D bytes), for
             each word, with nothing in between

`save_word2vec_format` writes the same bytes as gensim's
`KeyedVectors.save_word2vec_format` for the same words and vectors, and
`load_word2vec_format` reads what gensim and the C tool write (the C tool
ends each binary vector with a newline, and its text lines with a space;
both are accepted).

Words are UTF-8. They cannot hold a space or a newline, which delimit them
in both formats; `check_word` (shared with `WordVectors`) also turns away
the other ASCII whitespace characters, which the C tool splits words on.
"""

import os
import uuid

import numpy as np

from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines

ASCII_WHITESPACE = frozenset(" \t\n\r\x0b\x0c")
FLOAT32_LITTLE_ENDIAN = np.dtype("<f4")
READ_CHUNK_BYTES = 1 << 20


def check_word(word, position=None):
    """Raise a `ValueError` unless `word` can be stored in a word2vec file.

    Args:
        word: the word to check: a non-empty str without ASCII whitespace.
        position: int or None. Its index, named in the message.

    Raises:
        ValueError: `word` is not a str, is empty, or holds ASCII whitespace.
    """
    where = "" if position is None else f" (word {position})"
    if not isinstance(word, str):
        raise ValueError(f"Words are str, got {word!r} ({type(word).__name__}){where}")
    if not word:
        raise ValueError(f"A word is empty{where}; words need at least one character")
    if not ASCII_WHITESPACE.isdisjoint(word):
        raise ValueError(
            f"The word {word!r}{where} contains whitespace; word vector files "
            "separate words with spaces and newlines, so a word cannot hold them"
        )


def save_word2vec_format(path, words, vectors, binary=False):
    """Write word vectors in the word2vec format, atomically.

    The file is written beside `path` under a temporary name and renamed
    over `path` at the end, so an interrupted or failed write leaves any
    earlier file at `path` as it was.

    Args:
        path: str or path-like. The file to write.
        words: sequence of str, in the order to write; no duplicates, none
            empty or holding whitespace (see `check_word`).
        vectors: array-like `[len(words), D]` of real numbers, written as
            float32.
        binary: bool. The binary format (False: text), default False.

    Raises:
        ValueError: the words and vectors do not fit together, a word
            cannot be written (see `check_word`), or a word is given twice.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    >>> save_word2vec_format(path, ["cat", "dog"], [[0.5, -1.0], [0.1, 2.0]])
    >>> print(open(path, encoding="utf-8").read(), end="")
    2 2
    cat 0.5 -1.0
    dog 0.1 2.0
    """
    path = os.fspath(path)
    words = list(words)
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.dtype.kind not in "fiu":
        raise ValueError(
            "`vectors` must be a 2-D array of real numbers [words, dimensions], "
            f"got shape {vectors.shape} of dtype {vectors.dtype}"
        )
    if len(words) != vectors.shape[0]:
        raise ValueError(
            f"{len(words)} words but {vectors.shape[0]} vectors: there must be "
            "one vector (row) per word"
        )
    seen = set()
    for position, word in enumerate(words):
        check_word(word, position)
        if word in seen:
            raise ValueError(f"The word {word!r} is given twice (again as word {position})")
        seen.add(word)
    vectors = vectors.astype(FLOAT32_LITTLE_ENDIAN, copy=False)
    temporary = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with open(temporary, "xb") as file:
            file.write(f"{len(words)} {vectors.shape[1]}\n".encode("utf-8"))
            for word, vector in zip(words, vectors):
                if binary:
                    file.write(word.encode("utf-8") + b" " + vector.tobytes())
                else:
                    values = " ".join(map(str, vector))
                    file.write(f"{word} {values}\n".encode("utf-8"))
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load_word2vec_format(path, binary=False, limit=None):
    """Read word vectors from a word2vec-format file.

    Args:
        path: str or path-like. The file.
        binary: bool. The file is in the binary format, default False.
        limit: int or None. Read only the first `limit` words (the most
            frequent, in files written by word2vec or gensim); None for all.

    Returns:
        `(words, vectors)`: a list of str in file order, and a float32
        numpy array `[len(words), D]`.

    Raises:
        FileNotFoundError: there is no such file.
        DataFormatError: the file breaks the format. The message names the
            line (text files), or the word's index and byte offset (binary
            files): a bad header, a wrong number of values, a value that is
            not a number, a file cut short, extra content after the last
            word, a word given twice, a word that is not UTF-8.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "vectors.bin")
    >>> save_word2vec_format(path, ["naïve", "café"], [[1, 2], [3, 4]], binary=True)
    >>> words, vectors = load_word2vec_format(path, binary=True)
    >>> words, vectors.tolist()
    (['naïve', 'café'], [[1.0, 2.0], [3.0, 4.0]])
    """
    path = os.fspath(path)
    if limit is not None and (not isinstance(limit, int) or limit < 0):
        raise ValueError(f"`limit` must be None or a non-negative int, got {limit!r}")
    if binary:
        return _load_binary(path, limit)
    return _load_text(path, limit)


def _parse_header(path, raw):
    """`(V, D)` from the first line (bytes or str)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raw = repr(raw)
    fields = raw.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        count, dimension = int(fields[0]), int(fields[1])
        if dimension > 0:
            return count, dimension
    raise DataFormatError(
        path,
        1,
        "the header must be 'WORDS DIMENSIONS' (two integers, dimensions > 0), "
        f"got {raw.strip()[:80]!r}; is it a word2vec file (GloVe files, for "
        "one, have no header)?",
    )


def _text_lines(path):
    """`numbered_lines`, whose UTF-8 error hints at a binary file."""
    try:
        yield from numbered_lines(path)
    except DataFormatError as error:
        if "not valid UTF-8" not in error.message:
            raise
        raise DataFormatError(
            error.path, error.line, f"{error.message} (a binary word2vec file? pass binary=True)"
        ) from None


def _load_text(path, limit):
    lines = _text_lines(path)
    first = next(lines, None)
    if first is None:
        raise DataFormatError(path, 1, "the file is empty: no 'WORDS DIMENSIONS' header")
    count, dimension = _parse_header(path, first[1])
    wanted = count if limit is None else min(count, limit)
    words = []
    index = {}
    vectors = np.empty((wanted, dimension), np.float32)
    number = 1
    for number, line in lines:
        if len(words) == wanted:
            if limit is None and line.strip():
                raise DataFormatError(
                    path,
                    number,
                    f"the header says {count} words, but the file goes on after them",
                )
            if limit is not None:
                break
            continue
        if not line.strip():
            raise DataFormatError(
                path, number, f"a blank line where word {len(words) + 1} of {count} belongs"
            )
        fields = line.rstrip(" \r").split(" ")
        word, values = fields[0], fields[1:]
        if len(values) != dimension:
            raise DataFormatError(
                path,
                number,
                f"the word {word!r} has {len(values)} values, the header says "
                f"{dimension} dimensions",
            )
        if not word:
            raise DataFormatError(path, number, "the line starts with a space, not a word")
        if word in index:
            raise DataFormatError(
                path, number, f"the word {word!r} is listed twice (first on line {index[word]})"
            )
        try:
            vectors[len(words)] = np.array(values, dtype=np.float32)
        except ValueError:
            bad = next(i for i, value in enumerate(values) if not _is_float(value))
            raise DataFormatError(
                path,
                number,
                f"value {bad + 1} of the word {word!r} is {values[bad]!r}, not a number",
            ) from None
        index[word] = number
        words.append(word)
    if len(words) < wanted:
        raise DataFormatError(
            path,
            number + 1,
            f"the file ends after {len(words)} words, the header says {count}: "
            "it was cut short",
        )
    return words, vectors


def _is_float(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


class _ChunkedBytes:
    """A binary file read in chunks, with the absolute offset of each byte."""

    def __init__(self, file):
        self.file = file
        self.buffer = b""
        self.start = 0  # file offset of self.buffer[0]
        self.position = 0  # index into self.buffer
        self.finished = False

    @property
    def offset(self):
        return self.start + self.position

    def fill(self, minimum):
        """Make `minimum` bytes available from the position, if the file has them."""
        while len(self.buffer) - self.position < minimum and not self.finished:
            chunk = self.file.read(max(READ_CHUNK_BYTES, minimum))
            if not chunk:
                self.finished = True
            self.start += self.position
            self.buffer = self.buffer[self.position :] + chunk
            self.position = 0
        return len(self.buffer) - self.position >= minimum

    def find(self, byte):
        """Index (from the position) of the next `byte`, reading on as needed; -1 at EOF."""
        searched = 0
        while True:
            found = self.buffer.find(byte, self.position + searched)
            if found >= 0:
                return found - self.position
            searched = len(self.buffer) - self.position
            if not self.fill(searched + 1):
                return -1

    def take(self, size):
        data = self.buffer[self.position : self.position + size]
        self.position += size
        return data


def _load_binary(path, limit):
    with open(path, "rb") as file:
        header = file.readline()
        if not header.endswith(b"\n"):
            raise DataFormatError(path, 1, "the file has no 'WORDS DIMENSIONS' header line")
        count, dimension = _parse_header(path, header)
        wanted = count if limit is None else min(count, limit)
        vector_bytes = 4 * dimension
        stream = _ChunkedBytes(file)
        stream.start = len(header)
        words = []
        index = {}
        vectors = np.empty((wanted, dimension), np.float32)
        for number in range(wanted):
            while stream.fill(1) and stream.buffer[stream.position] == 0x0A:
                stream.take(1)  # the C tool's newline after each vector
            at = stream.offset
            where = f"word {number} (byte {at})"
            end = stream.find(b" ")
            if end < 0:
                raise DataFormatError(
                    path,
                    0,
                    f"{where}: the file ends before it, the header says {count} "
                    "words: it was cut short",
                )
            raw = stream.take(end)
            stream.take(1)
            try:
                word = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataFormatError(
                    path,
                    0,
                    f"{where}: the word is not valid UTF-8 (byte "
                    f"{raw[error.start]:#04x} at byte {at + error.start}); is "
                    "this a binary word2vec file?",
                ) from None
            if not word or "\n" in word:
                raise DataFormatError(
                    path,
                    0,
                    f"{where}: no word but {raw[:40]!r}; is the file binary, and "
                    f"does it have the {dimension} dimensions its header says?",
                )
            if word in index:
                raise DataFormatError(
                    path,
                    0,
                    f"{where}: the word {word!r} is listed twice (first as word "
                    f"{index[word]})",
                )
            if not stream.fill(vector_bytes):
                raise DataFormatError(
                    path,
                    0,
                    f"{where}: the vector of {word!r} is cut short "
                    f"({len(stream.buffer) - stream.position} of {vector_bytes} bytes)",
                )
            vectors[number] = np.frombuffer(stream.take(vector_bytes), FLOAT32_LITTLE_ENDIAN)
            index[word] = number
            words.append(word)
        if limit is None:
            while stream.fill(1) and stream.buffer[stream.position] == 0x0A:
                stream.take(1)
            if stream.fill(1):
                raise DataFormatError(
                    path,
                    0,
                    f"byte {stream.offset}: the header says {count} words, but the "
                    "file goes on after them",
                )
    return words, vectors
