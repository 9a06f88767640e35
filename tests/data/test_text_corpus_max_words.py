"""`TextCorpus.from_file(max_words=...)`: whole lines, up to and including
the line at which the tokens read reach `max_words`."""

import numpy as np
import pytest

from zoo.data import TextCorpus

# 3 + 2 + 4 + 1 = 10 tokens; "rare" occurs once.
TEXT = "a b c\nb c\nc a rare a\nb\n"


def write(tmp_path, data):
    path = tmp_path / "corpus.txt"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    "max_words, lines, total_words",
    [
        (1, 1, 3),   # the first line already reaches 1 word: read whole
        (3, 1, 3),   # exactly one line
        (4, 2, 5),   # line 2 brings 3 to 5 >= 4
        (5, 2, 5),   # exactly two lines
        (6, 3, 9),   # line 3 brings 5 to 9 >= 6
        (10, 4, 10), # exactly the file
        (11, 4, 10), # more than the file: all of it
    ],
)
def test_stops_after_the_line_that_reaches_max_words(tmp_path, max_words, lines, total_words):
    corpus = TextCorpus.from_file(write(tmp_path, TEXT), min_count=1, max_words=max_words)
    assert corpus.total_words == total_words
    assert corpus.number_of_sentences == lines
    expected = [line.split() for line in TEXT.splitlines()[:lines]]
    decoded = [
        [corpus.words[i] for i in corpus.ids[start:stop]]
        for start, stop in zip(corpus.sentence_starts[:-1], corpus.sentence_starts[1:])
    ]
    assert decoded == expected


def test_counts_cover_only_the_lines_read(tmp_path):
    corpus = TextCorpus.from_file(write(tmp_path, TEXT), min_count=2, max_words=4)
    # Lines "a b c" and "b c": b and c twice, a once (dropped by min_count),
    # but the dropped word still counts towards total_words.
    assert corpus.words == ["b", "c"]
    assert corpus.counts.tolist() == [2, 2]
    assert corpus.total_words == 5
    assert corpus.ids.tolist() == [0, 1, 0, 1]


@pytest.mark.parametrize("no_limit", [None, 0, np.int64(0)])
def test_zero_or_none_reads_everything(tmp_path, no_limit):
    path = write(tmp_path, TEXT)
    everything = TextCorpus.from_file(path, min_count=1)
    corpus = TextCorpus.from_file(path, min_count=1, max_words=no_limit)
    assert corpus.total_words == everything.total_words == 10
    assert corpus.ids.tolist() == everything.ids.tolist()
    assert corpus.sentence_starts.tolist() == everything.sentence_starts.tolist()


def test_blank_lines_count_no_words(tmp_path):
    corpus = TextCorpus.from_file(write(tmp_path, "a b\n\n\nc d\ne\n"), min_count=1, max_words=3)
    assert corpus.total_words == 4
    assert corpus.ids.tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("bad", [-1, 2.5, True, "100", 1e3])
def test_bad_max_words_raise_value_error_naming_it(tmp_path, bad):
    with pytest.raises(ValueError, match="`max_words` must be a non-negative integer"):
        TextCorpus.from_file(write(tmp_path, TEXT), min_count=1, max_words=bad)
