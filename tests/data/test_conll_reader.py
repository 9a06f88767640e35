"""CoNLL column files (CoNLL-2000/2003 style) against small hand-written files."""

import doctest

import pytest

from zoo.data import conll_reader
from zoo.data.conll_reader import read_conll
from zoo.data.data_format_error import DataFormatError


def write(tmp_path, lines, name="test.txt"):
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# CoNLL-2003 NER: word, POS, chunk, entity. The comment is each line's number.
NER = [
    "-DOCSTART- -X- -X- O",  # 1
    "",  # 2
    "EU NNP B-NP B-ORG",  # 3
    "rejects VBZ B-VP O",  # 4
    "German JJ B-NP B-MISC",  # 5
    "",  # 6
    "",  # 7: several blank lines in a row
    "Peter NNP B-NP B-PER",  # 8
    "Blackburn NNP I-NP I-PER",  # 9
    "",  # 10
    "-DOCSTART- -X- -X- O",  # 11
    "",  # 12
    "#\tNN\tB-NP\tO",  # 13: `#` is a token here, and tabs separate too
    "1\tCD\tI-NP\tO",  # 14: the last sentence has no blank line after it
]


def test_reads_tokens_and_the_last_column_by_default(tmp_path):
    path = write(tmp_path, NER)
    sentences = read_conll(path)
    assert [s.tokens for s in sentences] == [
        ["EU", "rejects", "German"],
        ["Peter", "Blackburn"],
        ["#", "1"],
    ]
    assert sentences[0].labels == {"label": ["B-ORG", "O", "B-MISC"]}
    assert [s.source for s in sentences] == [f"{path}:3", f"{path}:8", f"{path}:13"]


def test_columns_are_chosen_by_index_and_named(tmp_path):
    path = write(tmp_path, NER)
    first = read_conll(path, label_columns=(1, -2))[0]
    assert first.labels == {
        "label0": ["NNP", "VBZ", "JJ"],
        "label1": ["B-NP", "B-VP", "B-NP"],
    }
    first = read_conll(path, token_column=-3, label_columns=0, label_names="word")[0]
    assert first.tokens == ["NNP", "VBZ", "JJ"]
    assert first.labels == {"word": ["EU", "rejects", "German"]}
    first = read_conll(path, label_columns=[1, 3], label_names=["pos", "ner"])[0]
    assert list(first.labels) == ["pos", "ner"]
    assert read_conll(path, label_columns=())[0].labels == {}


def test_a_line_with_other_columns_than_the_first_is_named(tmp_path):
    lines = ["-DOCSTART- -X- O", "", "EU NNP B-ORG", "", "rejects VBZ", "x y z"]
    path = write(tmp_path, lines)
    with pytest.raises(DataFormatError) as caught:
        read_conll(path)
    assert caught.value.line == 5
    assert "found 2 columns, but the first data line (line 3) has 3" in str(caught.value)
    assert str(caught.value).startswith(f"{path}:5: ")


@pytest.mark.parametrize(
    "arguments, expected",
    [
        ({"token_column": 3}, "token_column asks for column 3, but the lines of this file have 3"),
        ({"label_columns": (1, -4)}, "label_columns asks for column -4"),
    ],
)
def test_a_column_index_out_of_range_is_named(tmp_path, arguments, expected):
    path = write(tmp_path, ["", "EU NNP B-ORG"])
    with pytest.raises(DataFormatError, match=expected) as caught:
        read_conll(path, **arguments)
    assert caught.value.line == 2
    assert "indexes 0 to 2, or -1 to -3" in caught.value.message


@pytest.mark.parametrize(
    "lines, expected",
    [
        ([], "no sentences: the file is empty"),
        (["-DOCSTART- -X- O", "", "  "], "no sentences: its 3 lines hold no token lines"),
    ],
)
def test_a_file_without_sentences_is_an_error(tmp_path, lines, expected):
    path = write(tmp_path, lines)
    with pytest.raises(DataFormatError, match=expected) as caught:
        read_conll(path)
    assert caught.value.line == 1


def test_bad_arguments_are_refused_before_reading(tmp_path):
    path = write(tmp_path, ["EU NNP B-ORG"])
    with pytest.raises(ValueError, match="1 label_names .* for 2 label_columns"):
        read_conll(path, label_columns=(1, 2), label_names=("pos",))
    with pytest.raises(ValueError, match="must differ"):
        read_conll(path, label_columns=(1, 2), label_names=("a", "a"))
    with pytest.raises(TypeError, match="token_column takes column indexes"):
        read_conll(path, token_column="0")
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        read_conll(tmp_path / "missing.txt")


def test_docstring_examples_run():
    failures, tried = doctest.testmod(conll_reader)
    assert tried and not failures
