"""Word-similarity test sets: WordSim-353, SimLex-999 and similar files."""

import glob
import os

import pytest

from zoo.data import DataFormatError
from zoo.data.word_pairs_reader import WordPair
from zoo.data.word_pairs_reader import read_word_pairs


def write(tmp_path, text, name="pairs.tsv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_gensim_style_file_with_comment_header(tmp_path):
    path = write(
        tmp_path,
        "# The WordSimilarity-353 Test Collection\n# Word 1\tWord 2\tHuman (mean)\n"
        "love\tsex\t6.77\ntiger\tcat\t7.35\n\ntiger\ttiger\t10.00\n",
    )
    assert read_word_pairs(path) == [
        WordPair("love", "sex", 6.77),
        WordPair("tiger", "cat", 7.35),
        WordPair("tiger", "tiger", 10.0),
    ]


def test_header_line_and_extra_columns(tmp_path):
    path = write(tmp_path, "Word 1\tWord 2\tHuman (mean)\tnote\nlove\tsex\t6.77\tx\n")
    assert read_word_pairs(path) == [WordPair("love", "sex", 6.77)]


def test_simlex_original_header_picks_its_score_column(tmp_path):
    path = write(
        tmp_path,
        "word1\tword2\tPOS\tSimLex999\tconc(w1)\tconc(w2)\n"
        "old\tnew\tA\t1.58\t2.72\t2.81\nsmart\tintelligent\tA\t9.2\t1.75\t2.46\n",
    )
    assert read_word_pairs(path) == [WordPair("old", "new", 1.58), WordPair("smart", "intelligent", 9.2)]


def test_space_separated_and_explicit_score_column(tmp_path):
    assert read_word_pairs(write(tmp_path, "sun sunlight 50.0\ncafé thé 2\n")) == [
        WordPair("sun", "sunlight", 50.0),
        WordPair("café", "thé", 2.0),
    ]
    path = write(tmp_path, "take\tremove\tV\t6.81\tANTONYMS\n", name="simverb.tsv")
    assert read_word_pairs(path, score_column=3) == [WordPair("take", "remove", 6.81)]


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("# c\nlove\tsex\t6.77\ntiger\tcat\n", 3, "found 2 columns"),
        ("love\tsex\t6.77\ntiger\tcat\tmany\n", 2, "the score (column 3) is 'many', not a finite number"),
        ("love\tsex\t6.77\ntiger\tcat\tnan\n", 2, "not a finite number"),
        ("word1\tword2\tscore\nlove\tsex\tmuch\n", 2, "is 'much'"),
        ("take\tremove\tV\t6.81\nput\tplace\tV\t7.1\n", 2, "pass `score_column`"),
        ("love\t\t6.77\n", 1, "empty"),
        ("# only comments\n\n", 2, "no word pairs"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError) as raised:
        read_word_pairs(path)
    assert raised.value.line == line and raised.value.path == str(path)
    assert message in str(raised.value)


def gensim_test_file(name):
    pytest.importorskip("gensim")
    import gensim

    path = os.path.join(os.path.dirname(gensim.__file__), "test", "test_data", name)
    if not glob.glob(path):
        pytest.skip(f"gensim ships no {name}")
    return path


def test_reads_gensims_wordsim353_and_simlex999():
    wordsim = read_word_pairs(gensim_test_file("wordsim353.tsv"))
    assert len(wordsim) == 353 and wordsim[0] == WordPair("love", "sex", 6.77)
    simlex = read_word_pairs(gensim_test_file("simlex999.txt"))
    assert len(simlex) == 999 and simlex[0] == WordPair("old", "new", 1.58)
