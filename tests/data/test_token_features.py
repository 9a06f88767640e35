"""Word normalization, shapes and character truncation."""

from zoo.data.token_features import SHAPES
from zoo.data.token_features import normalize_word
from zoo.data.token_features import word_characters
from zoo.data.token_features import word_shape


def test_normalize_word_lowercases_and_maps_digits():
    assert normalize_word("The") == "the"
    assert normalize_word("1984") == normalize_word("2001") == "0000"
    assert normalize_word("COVID-19", lowercase=False) == "COVID-00"


def test_word_shape_classes():
    expected = {
        "dog": "lower",
        "Über": "title",
        "NASA": "upper",
        "McDonald": "mixed",
        "2024": "digits",
        "3rd": "alphanumeric",
        ",": "other",
        "e-mail": "other",
    }
    for word, shape in expected.items():
        assert SHAPES[word_shape(word)] == shape, word
    assert SHAPES[0] == "[PAD]"


def test_word_characters_keeps_prefix_and_suffix():
    assert word_characters("cat", 20) == ["c", "a", "t"]
    assert "".join(word_characters("abcdefghij", 5)) == "abhij"
    assert len(word_characters("x" * 1000, 20)) == 20
