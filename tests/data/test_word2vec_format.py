"""word2vec text and binary files: exact bytes, round trips, gensim, errors."""

import os
import struct

import numpy as np
import pytest

from zoo.data import DataFormatError
from zoo.data.word2vec_format import load_word2vec_format
from zoo.data.word2vec_format import save_word2vec_format

WORDS = ["A", "b"]
VECTORS = np.array([[0.5, -1.0, 0.25], [1e-05, 3.0, -2.5]], "float32")
TEXT = "2 3\nA 0.5 -1.0 0.25\nb 1e-05 3.0 -2.5\n".encode("utf-8")
BINARY = b"2 3\n" + b"A " + struct.pack("<3f", 0.5, -1.0, 0.25) + b"b " + struct.pack("<3f", 1e-05, 3.0, -2.5)
UNICODE_WORDS = ["the", "café", "東京", "naïve", "a\u00a0b", "Ünïcödé"]


def random_matrix(rows, columns, seed=0):
    rng = np.random.default_rng(seed)
    scales = np.array([1e-30, 1e-6, 1.0, 1e6, 3e30, 1.0, 0.1, 7.0])[:columns]
    return (rng.standard_normal((rows, columns)) * scales).astype("float32")


def write(path, data):
    path.write_bytes(data)
    return path


def test_text_bytes_are_the_hand_written_ones(tmp_path):
    save_word2vec_format(tmp_path / "v.txt", WORDS, VECTORS)
    assert (tmp_path / "v.txt").read_bytes() == TEXT


def test_binary_bytes_are_the_hand_built_ones(tmp_path):
    save_word2vec_format(tmp_path / "v.bin", WORDS, VECTORS, binary=True)
    assert (tmp_path / "v.bin").read_bytes() == BINARY


@pytest.mark.parametrize("binary", [False, True])
def test_round_trip_is_exact(tmp_path, binary):
    matrix = random_matrix(len(UNICODE_WORDS), 8)
    save_word2vec_format(tmp_path / "v", UNICODE_WORDS, matrix, binary=binary)
    words, vectors = load_word2vec_format(tmp_path / "v", binary=binary)
    assert words == UNICODE_WORDS
    assert vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors, matrix)


@pytest.mark.parametrize("binary", [False, True])
def test_limit_reads_the_first_words_only(tmp_path, binary):
    path = write(tmp_path / "v", BINARY if binary else TEXT)
    words, vectors = load_word2vec_format(path, binary=binary, limit=1)
    assert words == ["A"]
    np.testing.assert_array_equal(vectors, VECTORS[:1])


def test_reads_the_c_tool_variants(tmp_path):
    # word2vec.c ends text lines with a space and binary vectors with "\n"; Windows ends lines with "\r\n".
    text = write(tmp_path / "c.txt", b"2 3\r\nA 0.500000 -1.000000 0.250000 \r\nb 0.000010 3.000000 -2.500000 \r\n")
    binary = BINARY.replace(b"b ", b"\nb ") + b"\n"
    for path, is_binary in ((text, False), (write(tmp_path / "c.bin", binary), True)):
        words, vectors = load_word2vec_format(path, binary=is_binary)
        assert words == WORDS
        np.testing.assert_array_equal(vectors, VECTORS)


@pytest.mark.parametrize("binary", [False, True])
def test_gensim_reads_our_files_and_writes_the_same_bytes(tmp_path, binary):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    matrix = random_matrix(len(UNICODE_WORDS), 8, seed=1)
    save_word2vec_format(tmp_path / "ours", UNICODE_WORDS, matrix, binary=binary)
    loaded = keyedvectors.KeyedVectors.load_word2vec_format(str(tmp_path / "ours"), binary=binary)
    assert loaded.index_to_key == UNICODE_WORDS
    np.testing.assert_array_equal(loaded.vectors, matrix)
    loaded.save_word2vec_format(str(tmp_path / "gensims"), binary=binary)
    assert (tmp_path / "gensims").read_bytes() == (tmp_path / "ours").read_bytes()


@pytest.mark.parametrize("binary", [False, True])
def test_we_read_gensims_files(tmp_path, binary):
    keyedvectors = pytest.importorskip("gensim.models.keyedvectors")
    matrix = random_matrix(len(UNICODE_WORDS), 5, seed=2)
    keyed = keyedvectors.KeyedVectors(5)
    keyed.add_vectors(UNICODE_WORDS, matrix)
    keyed.save_word2vec_format(str(tmp_path / "g"), binary=binary)
    words, vectors = load_word2vec_format(tmp_path / "g", binary=binary)
    assert words == UNICODE_WORDS
    np.testing.assert_array_equal(vectors, matrix)


@pytest.mark.parametrize(
    "words, vectors, message",
    [
        (["a", "b"], np.zeros((3, 2)), "2 words but 3 vectors"),
        (["a", "a"], np.zeros((2, 2)), "'a' is given twice"),
        (["a", "b c"], np.zeros((2, 2)), "contains whitespace"),
        (["a", "b\n"], np.zeros((2, 2)), "contains whitespace"),
        (["a", ""], np.zeros((2, 2)), "empty"),
        (["a"], np.zeros(2), "2-D array"),
    ],
)
def test_save_refuses_what_it_cannot_write_and_writes_nothing(tmp_path, words, vectors, message):
    with pytest.raises(ValueError, match=message):
        save_word2vec_format(tmp_path / "v", words, vectors)
    assert os.listdir(tmp_path) == []


def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = write(tmp_path / "v.txt", b"old contents")

    def failing_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        save_word2vec_format(path, WORDS, VECTORS)
    assert path.read_bytes() == b"old contents"
    assert os.listdir(tmp_path) == ["v.txt"]


TEXT_ERRORS = [
    (b"", 1, "empty"),
    (b"2\nA 1 2\n", 1, "header must be 'WORDS DIMENSIONS'"),
    (b"two 3\n", 1, "header must be"),
    (b"1 0\nA\n", 1, "header must be"),
    (b"A 0.5 1.0\nb 1.0 2.0\n", 1, "header must be"),
    (b"2 2\nA 1.0 2.0\nb 1.0\n", 3, "'b' has 1 values, the header says 2"),
    (b"2 2\nA 1.0 2.0\nb 1.0 2.0 3.0\n", 3, "'b' has 3 values"),
    (b"2 2\nA 1.0 zero\nb 1.0 2.0\n", 2, "value 2 of the word 'A' is 'zero', not a number"),
    (b"3 2\nA 1.0 2.0\nb 1.0 2.0\n", 4, "ends after 2 words, the header says 3"),
    (b"1 2\nA 1.0 2.0\nb 1.0 2.0\n", 3, "goes on after them"),
    (b"2 2\nA 1.0 2.0\nA 3.0 4.0\n", 3, "'A' is listed twice (first on line 2)"),
    (b"2 2\nA 1.0 2.0\n\xe9t\xe9 3.0 4.0\n", 3, "not valid UTF-8"),
    (b"2 2\nA 1.0 2.0\n\nb 3.0 4.0\n", 3, "blank line"),
    (b"2 2\nA 1.0 2.0\n 3.0 4.0\n", 3, "starts with a space"),
]


@pytest.mark.parametrize("data, line, message", TEXT_ERRORS)
def test_malformed_text_files_name_the_line(tmp_path, data, line, message):
    path = write(tmp_path / "bad.txt", data)
    with pytest.raises(DataFormatError) as raised:
        load_word2vec_format(path)
    assert raised.value.line == line
    assert raised.value.path == str(path)
    assert message in str(raised.value)


def test_trailing_blank_lines_are_fine(tmp_path):
    words, _ = load_word2vec_format(write(tmp_path / "v.txt", TEXT + b"\n\n"))
    assert words == WORDS


FLOATS_1_2 = struct.pack("<2f", 1.0, 2.0)
BINARY_ERRORS = [
    (b"2 2", "no 'WORDS DIMENSIONS' header"),
    (b"2 x\n", "header must be"),
    # "2 2\n" is bytes 0-3; word 0 "A " + 8 bytes is bytes 4-13; word 1 starts at byte 14.
    (b"2 2\nA " + FLOATS_1_2 + b"b " + FLOATS_1_2[:5], "word 1 (byte 14): the vector of 'b' is cut short (5 of 8 bytes)"),
    (b"2 2\nA " + FLOATS_1_2, "word 1 (byte 14): the file ends before it"),
    (b"2 2\nA " + FLOATS_1_2 + b"A " + FLOATS_1_2, "word 1 (byte 14): the word 'A' is listed twice (first as word 0)"),
    (b"2 2\nA " + FLOATS_1_2 + b"\xff\xfe " + FLOATS_1_2, "word 1 (byte 14): the word is not valid UTF-8 (byte 0xff at byte 14)"),
    (b"1 2\nA " + FLOATS_1_2 + b"b " + FLOATS_1_2, "byte 14: the header says 1 words, but the file goes on"),
    (b"2 2\nA " + FLOATS_1_2 + b" " + FLOATS_1_2, "word 1 (byte 14): no word"),
]


@pytest.mark.parametrize("data, message", BINARY_ERRORS)
def test_malformed_binary_files_name_the_word_and_byte(tmp_path, data, message):
    path = write(tmp_path / "bad.bin", data)
    with pytest.raises(DataFormatError) as raised:
        load_word2vec_format(path, binary=True)
    assert message in str(raised.value)
    assert str(raised.value).startswith(str(path))


def test_binary_words_longer_than_a_read_chunk(tmp_path, monkeypatch):
    from zoo.data import word2vec_format

    monkeypatch.setattr(word2vec_format, "READ_CHUNK_BYTES", 3)
    words = ["x" * 10, "café", "y"]
    matrix = random_matrix(3, 4, seed=5)
    save_word2vec_format(tmp_path / "v.bin", words, matrix, binary=True)
    loaded_words, vectors = load_word2vec_format(tmp_path / "v.bin", binary=True)
    assert loaded_words == words
    np.testing.assert_array_equal(vectors, matrix)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_word2vec_format(tmp_path / "missing.txt")


def test_a_binary_file_read_as_text_suggests_binary(tmp_path):
    path = write(tmp_path / "v.bin", b"1 2\nA " + struct.pack("<2f", -1.5e-38, 2.0) + b"\n")
    with pytest.raises(DataFormatError, match="pass binary=True") as raised:
        load_word2vec_format(path)
    assert raised.value.line == 2
