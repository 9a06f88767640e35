"""Vocabulary: ids, building from data, unknown tokens, and the saved file."""

import collections
import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data import vocabulary as vocabulary_module
from zoo.data.data_format_error import DataFormatError
from zoo.data.vocabulary import Vocabulary


def test_ids_are_padding_then_unknown_then_the_tokens_in_order():
    vocabulary = Vocabulary(["b", "a"])
    assert vocabulary.tokens == ["[PAD]", "[UNK]", "b", "a"]
    assert (vocabulary.padding_id, vocabulary.unknown_id) == (0, 1)
    assert vocabulary.encode(["a", "b", "[PAD]"]) == [3, 2, 0]
    assert len(vocabulary) == 4 and "a" in vocabulary and "c" not in vocabulary
    assert list(vocabulary) == vocabulary.tokens


def test_reserved_tokens_are_optional():
    tags = Vocabulary(["NOUN", "VERB"], padding_token=None, unknown_token=None)
    assert tags.tokens == ["NOUN", "VERB"]
    assert (tags.padding_id, tags.unknown_id) == (None, None)
    only_unknown = Vocabulary(["x"], padding_token=None, unknown_token="<unk>")
    assert only_unknown.tokens == ["<unk>", "x"] and only_unknown.unknown_id == 0
    only_padding = Vocabulary(["x"], unknown_token=None)
    assert only_padding.tokens == ["[PAD]", "x"] and only_padding.padding_id == 0


def test_bad_entries_are_refused():
    with pytest.raises(ValueError, match="Duplicate vocabulary token 'a': given twice"):
        Vocabulary(["a", "b", "a"])
    with pytest.raises(ValueError, match="'\\[UNK\\]': a reserved token"):
        Vocabulary(["a", "[UNK]"])
    with pytest.raises(ValueError, match="must differ"):
        Vocabulary(["a"], padding_token="<x>", unknown_token="<x>")
    with pytest.raises(TypeError, match="tokens are str, got 3"):
        Vocabulary(["a", 3])


def test_unknown_tokens_get_the_unknown_id_or_a_clear_key_error():
    vocabulary = Vocabulary(["a"])
    assert vocabulary.lookup("zzz") == vocabulary.unknown_id == 1
    tags = Vocabulary(["NOUN", "VERB"], padding_token="[PAD]", unknown_token=None)
    with pytest.raises(KeyError, match="'FOO' is not in this vocabulary of 3 entries"):
        tags.lookup("FOO")
    with pytest.raises(KeyError, match="'FOO'"):
        tags.encode(["NOUN", "FOO"])


def test_decode_takes_numpy_ids_and_refuses_ids_out_of_range():
    vocabulary = Vocabulary(["a", "b"])
    assert vocabulary.decode(np.array([3, 2, 0])) == ["b", "a", "[PAD]"]
    for bad in (4, -1):
        with pytest.raises(IndexError, match=f"id {bad} is not in this vocabulary of 4"):
            vocabulary.decode([2, bad])


def test_build_orders_by_descending_count_then_alphabetically():
    sentences = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "the"]]
    vocabulary = Vocabulary.build(sentences)
    assert vocabulary.tokens == ["[PAD]", "[UNK]", "the", "sat", "a", "cat", "dog"]
    assert Vocabulary.build(reversed(sentences)) == vocabulary
    counter = collections.Counter({"x": 2, "b": 5, "a": 2, "rare": 1})
    assert Vocabulary.build(counter, padding_token=None).tokens == [
        "[UNK]", "b", "a", "x", "rare"
    ]


def test_build_min_count_and_max_size():
    sentences = [["a", "a", "a", "b", "b", "c"], ["d", "b", "b"]]
    assert Vocabulary.build(sentences, min_count=2).tokens == ["[PAD]", "[UNK]", "b", "a"]
    assert Vocabulary.build(sentences, max_size=1).tokens == ["[PAD]", "[UNK]", "b"]
    assert Vocabulary.build(sentences, max_size=0).tokens == ["[PAD]", "[UNK]"]
    assert len(Vocabulary.build(sentences, min_count=1, max_size=100)) == 6
    with pytest.raises(ValueError, match="`min_count` must be a positive integer, got 0"):
        Vocabulary.build(sentences, min_count=0)
    with pytest.raises(ValueError, match="max_size"):
        Vocabulary.build(sentences, max_size=-1)


def test_build_does_not_count_reserved_tokens_and_refuses_a_flat_list():
    vocabulary = Vocabulary.build([["[PAD]", "a", "[UNK]"]])
    assert vocabulary.tokens == ["[PAD]", "[UNK]", "a"]
    with pytest.raises(TypeError, match="wrap a flat list of tokens in a list"):
        Vocabulary.build(["the", "dog"])


def test_equality():
    assert Vocabulary(["a"]) == Vocabulary(["a"])
    assert Vocabulary(["a"]) != Vocabulary(["a"], unknown_token=None)
    assert Vocabulary(["a", "b"]) != Vocabulary(["b", "a"])
    assert Vocabulary(["a"]) != ["[PAD]", "[UNK]", "a"]
    assert "3 entries" in repr(Vocabulary(["a"]))


ODD_TOKENS = ["New York", " lead", "trail ", "\ttab", "café", "日本", "😀", "", "a\rb", "\u2028"]


@pytest.mark.parametrize(
    "reserved",
    [
        {},
        {"padding_token": None, "unknown_token": None},
        {"padding_token": "<pad>", "unknown_token": None},
        {"padding_token": None, "unknown_token": "<ünk>"},
    ],
)
def test_save_and_load_round_trip(tmp_path, reserved):
    vocabulary = Vocabulary(ODD_TOKENS, **reserved)
    path = tmp_path / "vocabulary.txt"
    vocabulary.save(path)
    loaded = Vocabulary.load(str(path))
    assert loaded == vocabulary
    assert loaded.tokens == vocabulary.tokens
    assert loaded.padding_id == vocabulary.padding_id
    assert loaded.unknown_id == vocabulary.unknown_id
    assert [p.name for p in tmp_path.iterdir()] == ["vocabulary.txt"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.text(st.characters(exclude_characters="\n", exclude_categories=["Cs"])),
        unique=True,
        max_size=20,
    )
)
def test_save_and_load_round_trip_any_tokens(tmp_path_factory, tokens):
    tokens = [t for t in tokens if t not in ("[PAD]", "[UNK]")]
    path = tmp_path_factory.mktemp("vocabulary") / "v.txt"
    Vocabulary(tokens).save(path)
    assert Vocabulary.load(path).tokens == ["[PAD]", "[UNK]", *tokens]


def test_save_is_one_entry_per_line_after_a_json_header(tmp_path):
    path = tmp_path / "v.txt"
    Vocabulary(["b", "a"]).save(path)
    header, *entries = path.read_text(encoding="utf-8").split("\n")
    assert header.startswith("{") and '"padding_token": "[PAD]"' in header
    assert entries == ["b", "a", ""]


def test_save_refuses_a_newline_or_a_lone_surrogate_and_leaves_no_file(tmp_path):
    path = tmp_path / "v.txt"
    with pytest.raises(ValueError, match="contains a newline"):
        Vocabulary(["a", "b\nc"]).save(path)
    with pytest.raises(ValueError, match="lone surrogate"):
        Vocabulary(["a", "\ud800"]).save(path)
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_an_existing_file(tmp_path):
    path = tmp_path / "v.txt"
    Vocabulary(["a", "b", "c"]).save(path)
    Vocabulary(["z"]).save(path)
    assert Vocabulary.load(path).tokens == ["[PAD]", "[UNK]", "z"]
    assert [p.name for p in tmp_path.iterdir()] == ["v.txt"]


@pytest.mark.parametrize(
    "text, line, expected",
    [
        ("a\nb\n", 1, "not a saved zoo.Vocabulary"),
        ('{"format": "zoo.Vocabulary", "version": 99, "size": 2}\n', 1, "version 99"),
        (
            '{"format": "zoo.Vocabulary", "version": 1, "padding_token": null, '
            '"unknown_token": null, "size": 2}\na\nb',
            3,
            "cut short",
        ),
        (
            '{"format": "zoo.Vocabulary", "version": 1, "padding_token": null, '
            '"unknown_token": null, "size": 3}\na\nb\n',
            3,
            "header says 3 entries, the file holds 2",
        ),
        (
            '{"format": "zoo.Vocabulary", "version": 1, "padding_token": "[PAD]", '
            '"unknown_token": null, "size": 3}\na\n[PAD]\n',
            3,
            r"'\[PAD\]' is listed twice",
        ),
    ],
)
def test_load_names_what_is_wrong_with_a_file(tmp_path, text, line, expected):
    path = tmp_path / "v.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError, match=expected) as caught:
        Vocabulary.load(path)
    assert caught.value.line == line


def test_docstring_examples_run():
    failures, tried = doctest.testmod(vocabulary_module)
    assert tried and not failures
