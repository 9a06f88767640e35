"""The fixed train/dev/test split of CMUdict, by a checksum of each word.

`zlib.crc32(word.encode("utf-8")) % 10` is 0 for test, 1 for dev and 2-9 for
train: about 80/10/10. It depends on the word alone, so every pronunciation
of a word is in the same split, the split of a word never changes when words
are added to or removed from the dictionary, and results compare across
CMUdict versions. Do not change it.
"""

import zlib
from collections.abc import Mapping

CMUDICT_SPLITS = ("train", "dev", "test")


def split_of(word):
    """The split of one word: `"test"`, `"dev"` or `"train"`.

    Args:
        word: str. The word as the lexicon has it (lowercase for
            `read_cmudict`); the checksum is of its UTF-8 bytes.

    Returns:
        `"test"` if `zlib.crc32(word.encode("utf-8")) % 10 == 0`, `"dev"` if
        it is 1, else `"train"`.

    Raises:
        TypeError: `word` is not a str.

    Example:

    >>> split_of("hello"), split_of("world"), split_of("cat")
    ('test', 'dev', 'train')
    """
    if not isinstance(word, str):
        raise TypeError(f"A word is a str, got {type(word).__name__} {word!r}")
    bucket = zlib.crc32(word.encode("utf-8")) % 10
    if bucket == 0:
        return "test"
    if bucket == 1:
        return "dev"
    return "train"


def cmudict_splits(lexicon):
    """Split a lexicon into train, dev and test by `split_of(word)`.

    Args:
        lexicon: mapping from word to its pronunciations, such as
            `read_cmudict()` returns.

    Returns:
        `{"train": {...}, "dev": {...}, "test": {...}}`: three dicts from
        word to the same pronunciations objects, each in the lexicon's
        order. Every word is in exactly one of them.

    Raises:
        TypeError: `lexicon` is not a mapping, or a word is not a str.

    Example:

    >>> lexicon = {"cat": [("K", "AE1", "T")], "hello": [("HH", "AH0", "L", "OW1")],
    ...            "world": [("W", "ER1", "L", "D")]}
    >>> {name: list(words) for name, words in cmudict_splits(lexicon).items()}
    {'train': ['cat'], 'dev': ['world'], 'test': ['hello']}
    """
    if not isinstance(lexicon, Mapping):
        raise TypeError(
            "cmudict_splits takes a mapping from word to pronunciations (such "
            f"as read_cmudict() returns), got {type(lexicon).__name__}"
        )
    splits = {name: {} for name in CMUDICT_SPLITS}
    for word, pronunciations in lexicon.items():
        splits[split_of(word)][word] = pronunciations
    return splits
