"""The crc32 word split, against a bit-by-bit CRC-32 and hand-checked values."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo.data import cmudict_split
from zoo.data.cmudict_split import CMUDICT_SPLITS
from zoo.data.cmudict_split import cmudict_splits
from zoo.data.cmudict_split import split_of


def crc32(data):
    """CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), one bit at a time."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def test_the_reference_crc32_gives_the_published_check_values():
    assert crc32(b"") == 0
    assert crc32(b"123456789") == 0xCBF43926  # the standard CRC-32 check value
    assert crc32(b"The quick brown fox jumps over the lazy dog") == 0x414FA339


@pytest.mark.parametrize(
    "word, checksum, split",
    [
        ("hello", 0x3610A686, "test"),  # 907060870 % 10 == 0
        ("bird", 0xA0BBAE0E, "test"),  # 2696654350
        ("world", 0x3A771143, "dev"),  # 980881731 % 10 == 1
        ("lion", 0x5FDD5C3F, "dev"),  # 1608342591
        ("cat", 0x9E5E43A8, "train"),  # 2656977832 % 10 == 2
        ("keras", 0xC6A7702E, "train"),  # 3332861998
        ("don't", 0x063120AF, "train"),  # 103882927
    ],
)
def test_hand_checked_words(word, checksum, split):
    assert crc32(word.encode("utf-8")) == checksum
    assert split_of(word) == split


@given(st.text())
def test_the_split_is_crc32_of_the_utf8_bytes_mod_10(word):
    bucket = crc32(word.encode("utf-8")) % 10
    assert split_of(word) == {0: "test", 1: "dev"}.get(bucket, "train")


def test_the_checksum_is_of_the_word_as_given():
    # Case matters: "Hello" is not "hello"; read_cmudict gives lowercase words.
    assert crc32(b"Hello") % 10 != crc32(b"hello") % 10
    assert split_of("Hello") != split_of("hello")


@given(
    st.dictionaries(
        st.from_regex(r"[a-z']{1,10}", fullmatch=True),
        st.lists(st.tuples(st.sampled_from(["K", "AE1", "T"])), min_size=1),
        max_size=30,
    )
)
def test_every_word_lands_in_exactly_one_split_with_its_pronunciations(lexicon):
    splits = cmudict_splits(lexicon)
    assert tuple(splits) == CMUDICT_SPLITS == ("train", "dev", "test")
    for name, part in splits.items():
        assert list(part) == [word for word in lexicon if split_of(word) == name]
        for word, pronunciations in part.items():
            assert pronunciations is lexicon[word]
    assert sum(len(part) for part in splits.values()) == len(lexicon)


def test_splits_of_a_hand_made_lexicon():
    lexicon = {
        "bird": [("B", "ER1", "D")],
        "cat": [("K", "AE1", "T")],
        "hello": [("HH", "AH0", "L", "OW1"), ("HH", "EH0", "L", "OW1")],
        "lion": [("L", "AY1", "AH0", "N")],
    }
    assert cmudict_splits(lexicon) == {
        "train": {"cat": [("K", "AE1", "T")]},
        "dev": {"lion": [("L", "AY1", "AH0", "N")]},
        "test": {
            "bird": [("B", "ER1", "D")],
            "hello": [("HH", "AH0", "L", "OW1"), ("HH", "EH0", "L", "OW1")],
        },
    }
    assert cmudict_splits({}) == {"train": {}, "dev": {}, "test": {}}


def test_wrong_types_are_refused():
    with pytest.raises(TypeError, match="mapping from word to pronunciations"):
        cmudict_splits([("cat", [("K", "AE1", "T")])])
    with pytest.raises(TypeError, match="bytes"):
        split_of(b"cat")
    with pytest.raises(TypeError, match="int"):
        cmudict_splits({1: [("K",)]})


def test_docstring_examples_run():
    failures, tried = doctest.testmod(cmudict_split)
    assert tried and not failures
