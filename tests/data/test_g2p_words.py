"""normalize_g2p_word: what is accepted, and a named error for everything else."""

import doctest
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo.data import g2p_words
from zoo.data.g2p_words import normalize_g2p_word


@pytest.mark.parametrize(
    "word, expected",
    [
        ("keras", "keras"),
        ("Keras", "keras"),
        ("TENSORFLOW", "tensorflow"),
        ("don't", "don't"),
        ("'em", "'em"),
        ("O’Neill", "o'neill"),  # the typographic apostrophe U+2019
        ("a", "a"),
        ("x" * 60, "x" * 60),
    ],
)
def test_accepted_words_are_lowercased(word, expected):
    assert normalize_g2p_word(word) == expected


@pytest.mark.parametrize(
    "word, expected",
    [
        ("", "Cannot transcribe an empty word"),
        ("'", "Cannot transcribe \"'\": it has no letters"),
        ("’’", "Cannot transcribe '’’': it has no letters"),
        ("R2D2", "Cannot transcribe 'R2D2': '2' at position 1 is a digit"),
        ("new york", "'new york': ' ' at position 3 is a space"),
        (" keras", "' ' at position 0 is a space"),
        ("keras\n", "'\\n' at position 5 is whitespace (U+000A"),
        ("a\tb", "whitespace (U+0009"),
        ("ad-hoc", "'-' at position 2 is punctuation or a symbol (U+002D HYPHEN-MINUS)"),
        ("a.m.", "'.' at position 1 is punctuation or a symbol (U+002E FULL STOP)"),
        ('"quoted"', "U+0022 QUOTATION MARK"),
        ("‘tis", "U+2018 LEFT SINGLE QUOTATION MARK"),
        ("café", "'é' at position 3 is a letter outside a-z (U+00E9 LATIN SMALL LETTER E"),
        ("cafe\u0301", "at position 4 is a combining mark (U+0301 COMBINING ACUTE ACCENT)"),
        ("straße", "'ß' at position 4 is a letter outside a-z"),
        ("İstanbul", "'İ' at position 0 is a letter outside a-z"),
        ("привет", "'п' at position 0 is a letter outside a-z (U+043F CYRILLIC"),
        ("ｋｅｒａｓ", "U+FF4B FULLWIDTH LATIN SMALL LETTER K"),
        ("x²", "'²' at position 1 is a digit"),
    ],
)
def test_refused_words_name_the_word_and_the_character(word, expected):
    with pytest.raises(ValueError) as caught:
        normalize_g2p_word(word)
    assert expected in str(caught.value)


@pytest.mark.parametrize("word", [None, b"keras", 3, ["k"]])
def test_a_word_must_be_a_str(word):
    with pytest.raises(TypeError, match="A word to transcribe is a str"):
        normalize_g2p_word(word)


@given(st.text(max_size=12) | st.from_regex(r"[A-Za-z'’]{0,12}", fullmatch=True))
def test_accepted_exactly_when_ascii_letters_and_apostrophes(word):
    plain = word.replace("\u2019", "'")
    acceptable = re.fullmatch(r"[A-Za-z']*[A-Za-z][A-Za-z']*", plain) is not None
    try:
        normalized = normalize_g2p_word(word)
    except ValueError as error:
        assert not acceptable
        assert repr(word) in str(error) or not word
    else:
        assert acceptable
        assert normalized == plain.lower()
        assert normalize_g2p_word(normalized) == normalized


def test_docstring_examples_run():
    failures, tried = doctest.testmod(g2p_words, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
