"""Analogy questions in the questions-words.txt format."""

import os

import pytest

from zoo.data import DataFormatError
from zoo.data.analogy_questions_reader import AnalogyQuestion
from zoo.data.analogy_questions_reader import read_analogy_questions


def write(tmp_path, text):
    path = tmp_path / "questions.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_sections_and_questions(tmp_path):
    path = write(
        tmp_path,
        ": capital-common-countries\nAthens Greece Baghdad Iraq\n\n# a comment\n"
        ":  family \nboy girl  brother\tsister\r\n",
    )
    assert read_analogy_questions(path) == [
        AnalogyQuestion("capital-common-countries", "Athens", "Greece", "Baghdad", "Iraq"),
        AnalogyQuestion("family", "boy", "girl", "brother", "sister"),
    ]


@pytest.mark.parametrize(
    "text, line, message",
    [
        (": s\na b c d\na b c\n", 3, "four words 'a b c d', found 3"),
        (": s\na b c d e\n", 2, "found 5"),
        ("a b c d\n", 1, "before the first ': section' line"),
        (": s\na b c d\n:\na b c d\n", 3, "without a section name"),
        (": s\n\n", 2, "no analogy questions"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError) as raised:
        read_analogy_questions(path)
    assert raised.value.line == line and raised.value.path == str(path)
    assert message in str(raised.value)


def test_reads_gensims_questions_words():
    gensim = pytest.importorskip("gensim")
    path = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data", "questions-words.txt")
    if not os.path.exists(path):
        pytest.skip("gensim ships no questions-words.txt")
    questions = read_analogy_questions(path)
    # 19,558 lines of which 14 are section headers (Mikolov et al. 2013: 8,869 + 10,675 questions).
    assert len(questions) == 19544
    assert len({question.section for question in questions}) == 14
    assert questions[0] == AnalogyQuestion("capital-common-countries", "Athens", "Greece", "Baghdad", "Iraq")
    assert questions[-1].section == "gram9-plural-verbs"
