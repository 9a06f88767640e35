import numpy as np
import pytest

from zoo.data import DataFormatError
from zoo.data import TextCorpus


def write(tmp_path, text, name="corpus.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_counts_order_and_encoding_from_a_file(tmp_path):
    path = write(tmp_path, "b a b c\n\nc b rare\n")
    corpus = TextCorpus.from_file(path, min_count=2)
    # b: 3, c: 2 (ties would break alphabetically); a and rare are dropped.
    assert corpus.words == ["b", "c"]
    assert corpus.counts.tolist() == [3, 2]
    assert corpus.total_words == 7
    # Sentences: "b b c" -> [0, 0, 1]; the blank line has no words and is
    # skipped; "c b" -> [1, 0].
    assert corpus.ids.tolist() == [0, 0, 1, 1, 0]
    assert corpus.sentence_starts.tolist() == [0, 3, 5]
    assert corpus.sentence_ids().tolist() == [0, 0, 0, 1, 1]


def test_ties_are_alphabetical_and_max_vocabulary_keeps_the_most_frequent():
    sentences = [["z", "y", "x", "y", "z", "w"]]
    corpus = TextCorpus.from_sentences(sentences, min_count=1, max_vocabulary=3)
    assert corpus.words == ["y", "z", "w"]
    assert corpus.counts.tolist() == [2, 2, 1]


def test_lowercase_merges_cases(tmp_path):
    path = write(tmp_path, "The the THE cat\n")
    corpus = TextCorpus.from_file(path, min_count=1, lowercase=True)
    assert corpus.words == ["the", "cat"]
    assert corpus.counts.tolist() == [3, 1]


def test_long_sentences_are_split_not_truncated():
    corpus = TextCorpus.from_sentences([["a"] * 7], min_count=1, max_sentence_length=3)
    assert len(corpus.ids) == 7
    assert corpus.sentence_starts.tolist() == [0, 3, 6, 7]


def test_a_generator_is_read_once_into_memory():
    corpus = TextCorpus.from_sentences((["a", "b"] for _ in range(3)), min_count=3)
    assert corpus.words == ["a", "b"]
    assert len(corpus.ids) == 6


def test_empty_corpus_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="has no words"):
        TextCorpus.from_file(write(tmp_path, "\n  \n"))


def test_corpus_with_no_word_reaching_min_count_names_the_most_frequent(tmp_path):
    with pytest.raises(ValueError, match=r"min_count=5.*'a', occurs 2"):
        TextCorpus.from_file(write(tmp_path, "a a b\n"), min_count=5)


def test_non_utf8_bytes_name_the_line_and_byte(tmp_path):
    path = write(tmp_path, b"good line\nbad \x92 quote\n")
    with pytest.raises(DataFormatError) as error:
        TextCorpus.from_file(path)
    assert error.value.line == 2
    assert "0x92" in str(error.value) and "byte 5" in str(error.value)


def test_strings_instead_of_token_lists_are_refused():
    with pytest.raises(TypeError, match="lists of tokens"):
        TextCorpus.from_sentences(["a sentence as one string"], min_count=1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`min_count` must be a positive integer, got 0"):
        TextCorpus.from_sentences([["a"]], min_count=0)
    with pytest.raises(ValueError, match="`max_sentence_length` must be a positive integer, got 0"):
        TextCorpus.from_sentences([["a"]], min_count=1, max_sentence_length=0)
    with pytest.raises(ValueError, match="`max_sentence_length` must be a positive integer, got 2.5"):
        TextCorpus.from_sentences([["a"]], min_count=1, max_sentence_length=2.5)


def test_ids_are_int32_and_words_round_trip():
    sentences = [["x", "y", "z", "x"], ["z", "x"]]
    corpus = TextCorpus.from_sentences(sentences, min_count=1)
    assert corpus.ids.dtype == np.int32
    decoded = [corpus.words[i] for i in corpus.ids]
    assert decoded == [w for s in sentences for w in s]


def test_from_tfds_reads_a_text_feature_with_mock_data():
    tf = pytest.importorskip("tensorflow")
    tfds = pytest.importorskip("tensorflow_datasets")
    texts = ["The cat sat", "the dog sat down", "A cat"]

    def as_dataset(self, split, **kwargs):
        return tf.data.Dataset.from_tensor_slices({"text": texts})

    with tfds.testing.mock_data(as_dataset_fn=as_dataset):
        corpus = TextCorpus.from_tfds("lm1b", split="train", min_count=2, lowercase=True)
    assert corpus.words == ["cat", "sat", "the"]
    assert corpus.counts.tolist() == [2, 2, 2]
    assert corpus.total_words == 9
    assert [corpus.words[i] for i in corpus.ids] == ["the", "cat", "sat", "the", "sat", "cat"]
