"""read_tagged_file: the one reader behind recipes/tagger.py, zoo tune and zoo eval."""

import pytest

from zoo.data import DataFormatError
from zoo.data import read_tagged_file

CONLLU = (
    "# sent_id = 1\n"
    "1\tDogs\tdog\tNOUN\tNNS\t_\t2\tnsubj\t_\t_\n"
    "2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_\n"
    "\n"
)
CONLL = "-DOCSTART- -X- O\n\nThe DT B-NP\ndog NN I-NP\n\nRuns VBZ O\n"


def test_conllu_columns_by_name_as_string_or_sequence(tmp_path):
    path = tmp_path / "a.conllu"
    path.write_text(CONLLU)
    for columns in ("upos,xpos", ("upos", "xpos"), " upos , xpos "):
        [sentence] = read_tagged_file(path, "conllu", columns)
        assert sentence.tokens == ["Dogs", "bark"]
        assert sentence.labels == {"upos": ["NOUN", "VERB"], "xpos": ["NNS", "VBP"]}


def test_conll_columns_by_index_negative_from_the_end(tmp_path):
    path = tmp_path / "a.conll"
    path.write_text(CONLL)
    sentences = read_tagged_file(path, "conll", "-1,1", label_names=("chunk", "pos"))
    assert [s.tokens for s in sentences] == [["The", "dog"], ["Runs"]]
    assert sentences[0].labels == {"chunk": ["B-NP", "I-NP"], "pos": ["DT", "NN"]}


@pytest.mark.parametrize(
    "format, columns, message",
    [
        ("conll", "upos", "--label-cols must be column indexes for --format conll"),
        ("conll", "", "No label columns given"),
        ("tsv", "1", "--format must be one of conllu, conll, got 'tsv'"),
    ],
)
def test_bad_options_say_what_is_wrong(tmp_path, format, columns, message):
    path = tmp_path / "a.conll"
    path.write_text(CONLL)
    with pytest.raises(ValueError, match=message):
        read_tagged_file(path, format, columns)


def test_file_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.conllu"
    path.write_text(CONLLU.replace("2\tbark", "two\tbark"))
    with pytest.raises(DataFormatError, match="bad.conllu:3"):
        read_tagged_file(path, "conllu", "upos")
    with pytest.raises(FileNotFoundError):
        read_tagged_file(tmp_path / "missing.conllu")
