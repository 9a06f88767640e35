"""Per-token features for taggers: normalized word, word shape, characters."""

import re

DIGITS = re.compile(r"\d")

# Word shape classes (0 is padding).
SHAPES = ("[PAD]", "lower", "upper", "title", "mixed", "digits", "alphanumeric", "other")


def normalize_word(token, lowercase=True):
    """The form a word-vocabulary stores: lowercased, digits mapped to 0.

    Case is kept by the character encoder and the shape feature, so the
    word embedding can share statistics between "The" and "the"; numbers
    share one embedding per digit pattern ("1984" and "2001" are "0000").

    Example:

    >>> normalize_word("Born-1984")
    'born-0000'
    """
    if lowercase:
        token = token.lower()
    return DIGITS.sub("0", token)


def word_shape(token):
    """The word's shape class id (an index into `SHAPES`, never 0).

    Example:

    >>> [SHAPES[word_shape(w)] for w in ["dog", "NASA", "Paris", "iPod", "42", "B52", "..."]]
    ['lower', 'upper', 'title', 'mixed', 'digits', 'alphanumeric', 'other']
    """
    if token.isalpha():
        if token.islower():
            return 1
        if token.isupper():
            return 2
        if token[0].isupper() and token[1:].islower():
            return 3
        return 4
    if token.isdigit():
        return 5
    if any(char.isdigit() for char in token) and any(char.isalpha() for char in token):
        return 6
    return 7


def word_characters(token, max_length):
    """The characters the character encoder reads, at most `max_length`.

    A longer word keeps its first and last `max_length // 2` characters
    (prefixes and suffixes carry the part-of-speech clues: "un-", "-ing").

    Example:

    >>> "".join(word_characters("internationalization", 8))
    'intetion'
    """
    if len(token) <= max_length:
        return list(token)
    head = max_length // 2
    return list(token[:head] + token[len(token) - (max_length - head) :])
