"""CoNLL-U reading against small hand-written files: every rule and every error."""

import doctest
import pickle

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data import conllu_reader
from zoo.data import data_format_error
from zoo.data import tagged_sentence
from zoo.data.conllu_reader import CONLLU_COLUMNS
from zoo.data.conllu_reader import read_conllu
from zoo.data.data_format_error import DataFormatError
from zoo.data.tagged_sentence import TaggedSentence


def word(word_id, form, upos="NOUN", xpos="NN", lemma=None):
    """One CoNLL-U word line (10 tab-separated columns)."""
    lemma = form.lower() if lemma is None else lemma
    return "\t".join([str(word_id), form, lemma, upos, xpos, "_", "0", "root", "_", "_"])


def write(tmp_path, lines, name="test.conllu", ending="\n"):
    path = tmp_path / name
    path.write_bytes(ending.join(lines).encode("utf-8"))
    return path


# Line numbers matter below: the comment after each line is its number.
EVERYTHING = [
    "# newdoc id = doc1",  # 1
    "# sent_id = 1",  # 2
    "# text = I'm home.",  # 3
    "1-2\tI'm\t_\t_\t_\t_\t_\t_\t_\t_",  # 4
    word(1, "I", "PRON", "PRP"),  # 5
    word(2, "'m", "AUX", "VBP", lemma="be"),  # 6
    word(3, "home", "ADV", "RB"),  # 7
    "3.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t2:x\t_",  # 8: an empty node
    word(4, ".", "PUNCT", "."),  # 9
    "",  # 10
    "",  # 11: several blank lines in a row
    "",  # 12
    "# sent_id = 2",  # 13
    word(1, "New York", "PROPN", "_"),  # 14: a form with a space, XPOS `_`
    word(2, "’s", "PART", "POS"),  # 15: non-ASCII
    "",  # 16
    word(1, "Yes", "INTJ", "UH"),  # 17: no comment before, no blank line after
]


def test_reads_every_rule(tmp_path):
    path = write(tmp_path, EVERYTHING)
    first, second, third = read_conllu(path)
    assert first.tokens == ["I", "'m", "home", "."]
    assert first.labels == {
        "upos": ["PRON", "AUX", "ADV", "PUNCT"],
        "xpos": ["PRP", "VBP", "RB", "."],
    }
    assert first.source == f"{path}:1"
    assert second.tokens == ["New York", "’s"]
    assert second.labels["xpos"] == ["_", "POS"]
    assert second.source == f"{path}:13"
    assert third.tokens == ["Yes"] and third.source == f"{path}:17"
    assert all(isinstance(sentence, TaggedSentence) for sentence in (first, second))


FORMS = st.text(
    st.characters(exclude_characters="\t\n", exclude_categories=["Cs"]), min_size=1
)
TAGS = st.sampled_from(["NOUN", "VERB", "_", "PUNCT"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.tuples(FORMS, TAGS), min_size=1, max_size=6), min_size=1, max_size=5))
def test_any_forms_read_back_exactly(tmp_path_factory, sentences):
    lines = []
    for sentence in sentences:
        lines += [word(i, form, upos) for i, (form, upos) in enumerate(sentence, 1)] + [""]
    path = write(tmp_path_factory.mktemp("conllu"), lines)
    read = read_conllu(path, label_columns=("upos",))
    assert [s.tokens for s in read] == [[form for form, _ in s] for s in sentences]
    assert [s.labels["upos"] for s in read] == [[tag for _, tag in s] for s in sentences]


def test_crlf_endings_byte_order_mark_and_final_blank_lines(tmp_path):
    path = tmp_path / "windows.conllu"
    text = "\r\n".join([word(1, "Hi", "INTJ", "UH"), "", "", word(1, "Yo"), "", "", ""])
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    sentences = read_conllu(path, label_columns=("upos",))
    assert [s.tokens for s in sentences] == [["Hi"], ["Yo"]]
    assert sentences[0].labels == {"upos": ["INTJ"]}
    assert sentences[0].tokens[0] == "Hi"


def test_label_columns_are_chosen_by_name_in_the_given_order(tmp_path):
    path = write(tmp_path, EVERYTHING)
    [first, *_] = read_conllu(str(path), label_columns=("lemma", "upos"))
    assert list(first.labels) == ["lemma", "upos"]
    assert first.labels["lemma"] == ["i", "be", "home", "."]
    assert read_conllu(path, label_columns="upos")[0].labels == {
        "upos": ["PRON", "AUX", "ADV", "PUNCT"]
    }
    assert read_conllu(path, label_columns=())[0].labels == {}


def test_every_column_name_is_a_label_column(tmp_path):
    path = write(tmp_path, [word(1, "Hi", "INTJ", "UH")])
    [sentence] = read_conllu(path, label_columns=CONLLU_COLUMNS)
    assert [sentence.labels[name][0] for name in CONLLU_COLUMNS] == [
        "1", "Hi", "hi", "INTJ", "UH", "_", "0", "root", "_", "_"
    ]


def error_at(tmp_path, lines, **kwargs):
    path = write(tmp_path, lines)
    with pytest.raises(DataFormatError) as caught:
        read_conllu(path, **kwargs)
    error = caught.value
    assert error.path == str(path)
    assert str(error).startswith(f"{path}:{error.line}: ")
    return error


@pytest.mark.parametrize(
    "bad_line, expected",
    [
        ("1\tDogs\tdog\tNOUN\tNNS\t_\t0\troot\t_", "expected 10 tab-separated columns, found 9"),
        (word(1, "Dogs") + "\t_", "expected 10 tab-separated columns, found 11"),
        ("1 Dogs dog NOUN NNS _ 0 root _ _", "found 1; the line seems to be separated by spaces"),
        (word("one", "Dogs"), "the ID 'one' is not a word number"),
        (word("1.x", "Dogs"), "the ID '1.x' is not a word number"),
        (word(1, "Dogs", upos=""), "the UPOS field (column 4) is empty"),
        (word(1, "Dogs", xpos=""), "the XPOS field (column 5) is empty"),
        (word(1, ""), "the FORM field (column 2) is empty"),
    ],
)
def test_a_bad_word_line_is_named_with_what_is_wrong(tmp_path, bad_line, expected):
    lines = ["# sent_id = 1", word(1, "Hi"), "", "# sent_id = 2", bad_line, ""]
    error = error_at(tmp_path, lines)
    assert error.line == 5
    assert expected in error.message


def test_an_empty_column_that_is_not_read_is_no_error(tmp_path):
    path = write(tmp_path, [word(1, "Dogs", xpos="")])
    assert read_conllu(path, label_columns=("upos",))[0].labels == {"upos": ["NOUN"]}


def test_ids_must_count_from_one_within_a_sentence(tmp_path):
    error = error_at(tmp_path, [word(1, "a"), word(3, "b")])
    assert error.line == 2
    assert "the word ID is 3 but should be 2" in error.message
    error = error_at(tmp_path, [word(2, "a")])
    assert error.line == 1 and "should be 1" in error.message


def test_a_missing_blank_line_between_sentences_is_suspected(tmp_path):
    error = error_at(tmp_path, [word(1, "a"), word(2, "b"), word(1, "c")])
    assert error.line == 3
    assert "should be 3" in error.message
    assert "blank line" in error.message


def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "latin1.conllu"
    path.write_bytes("\n".join([word(1, "a"), word(2, "café")]).encode("latin-1"))
    with pytest.raises(DataFormatError, match="not valid UTF-8") as caught:
        read_conllu(path)
    assert caught.value.line == 2
    assert "0xe9" in caught.value.message


@pytest.mark.parametrize(
    "lines, expected",
    [
        ([], "no sentences: the file is empty"),
        (["", "", ""], "no sentences"),
        (["# newdoc id = 1", "# text = nothing", ""], "no sentences"),
    ],
)
def test_a_file_without_sentences_is_an_error(tmp_path, lines, expected):
    error = error_at(tmp_path, lines)
    assert error.line == 1
    assert expected in error.message


def test_an_unknown_label_column_lists_the_columns(tmp_path):
    path = write(tmp_path, [word(1, "a")])
    with pytest.raises(ValueError, match="'pos'.*id, form, lemma, upos, xpos"):
        read_conllu(path, label_columns=("pos",))
    with pytest.raises(ValueError, match="twice"):
        read_conllu(path, label_columns=("upos", "upos"))


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "nope" / "train.conllu"
    with pytest.raises(FileNotFoundError, match="train.conllu"):
        read_conllu(missing)


def test_data_format_error_is_a_located_value_error():
    error = DataFormatError("a/b.txt", 3, "bad")
    assert isinstance(error, ValueError)
    assert str(error) == "a/b.txt:3: bad"
    assert (error.path, error.line, error.message) == ("a/b.txt", 3, "bad")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) and copy.line == 3


def test_tagged_sentence_needs_one_label_per_token():
    assert len(TaggedSentence(["a", "b"], {"upos": ["X", "Y"]})) == 2
    with pytest.raises(ValueError, match="2 tokens but 1 'upos' labels"):
        TaggedSentence(["a", "b"], {"upos": ["X"]}, source="f.conllu:4")


@pytest.mark.parametrize("module", [conllu_reader, data_format_error, tagged_sentence])
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
