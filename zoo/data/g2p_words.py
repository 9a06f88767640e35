"""Check a word before a grapheme-to-phoneme model reads it.

A G2P model trained on CMUdict has seen the letters a-z and the apostrophe
only (the words it keeps match `^[a-z']+$`). Anything else is refused with a
`ValueError` that names the word and the character, rather than guessed at
or passed on to crash inside the model.
"""

import string
import unicodedata

G2P_CHARACTERS = frozenset(string.ascii_lowercase + "'")
TYPOGRAPHIC_APOSTROPHE = "\u2019"  # ’, which word processors write for '


def normalize_g2p_word(word):
    """The word lowercased, if it has only the letters a-z and apostrophes.

    Two normalizations are made: ASCII uppercase letters are lowercased, and
    the typographic apostrophe `’` (U+2019) becomes `'`. Everything else is
    an error: the empty string, a word without letters (`"'"`), digits,
    spaces and other whitespace, punctuation and symbols other than the
    apostrophe (`-`, `.`), and letters outside a-z (`é`, `ß`, `я`). Accents
    are not stripped: spell the word in a-z (`cafe`), or write numbers out
    in words, before transcribing.

    Args:
        word: str. One word.

    Returns:
        str: the word in lowercase a-z and `'`.

    Raises:
        TypeError: `word` is not a str.
        ValueError: `word` is empty, has no letter, or has a character other
            than a-z, A-Z, `'` and `’`; the message names the word, the
            first such character, its position and what it is.

    Example:

    >>> normalize_g2p_word("Keras"), normalize_g2p_word("O’Neill")
    ('keras', "o'neill")
    >>> normalize_g2p_word("R2D2")
    Traceback (most recent call last):
    ...
    ValueError: Cannot transcribe 'R2D2': '2' at position 1 is a digit; ...
    """
    if not isinstance(word, str):
        raise TypeError(
            f"A word to transcribe is a str, got {type(word).__name__} {word!r}"
        )
    if not word:
        raise ValueError("Cannot transcribe an empty word")
    normalized = word.replace(TYPOGRAPHIC_APOSTROPHE, "'")
    for position, character in enumerate(normalized):
        if not (character.isascii() and character.lower() in G2P_CHARACTERS):
            raise ValueError(
                f"Cannot transcribe {word!r}: {word[position]!r} at position "
                f"{position} is {_what(word[position])}; a word may have only "
                "the letters a-z (either case) and apostrophes"
            )
    if set(normalized) == {"'"}:
        raise ValueError(f"Cannot transcribe {word!r}: it has no letters")
    return normalized.lower()


def _what(character):
    """What `character` is, for the error message."""
    named = f"U+{ord(character):04X} {unicodedata.name(character, 'unnamed')}"
    if character == " ":
        return "a space; transcribe one word at a time"
    if character.isspace():
        return f"whitespace ({named}); transcribe one word at a time"
    if character.isdigit():
        return "a digit; write numbers out in words"
    if character.isalpha():
        return f"a letter outside a-z ({named}); spell the word in a-z"
    if unicodedata.category(character).startswith("M"):
        return f"a combining mark ({named}); spell the word in a-z"
    return f"punctuation or a symbol ({named})"
