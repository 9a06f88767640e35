"""read_tfds against the real universal_dependencies spec, with tfds's mock data (no network)."""

import doctest
import sys

import pytest

from zoo.data import tfds_tagging
from zoo.data.tfds_tagging import read_tfds

try:
    import tensorflow as tf
    import tensorflow_datasets as tfds
except ImportError:  # the readers work without them; these tests do not
    tf = tfds = None

needs_tfds = pytest.mark.skipif(tfds is None, reason="needs tensorflow-datasets")
EWT = "universal_dependencies/en_ewt"


def upos_names():
    return set(tfds.builder(EWT).info.features["upos"].feature.names)


def as_dataset_of(examples):
    """A `DatasetBuilder._as_dataset` replacement that yields `examples`."""

    def as_dataset(self, split, **kwargs):
        del self, split, kwargs
        return tf.data.Dataset.from_generator(
            lambda: iter(examples),
            output_signature={
                "tokens": tf.TensorSpec([None], tf.string),
                "upos": tf.TensorSpec([None], tf.int64),
                "xpos": tf.TensorSpec([None], tf.string),
            },
        )

    return as_dataset


@needs_tfds
def test_class_labels_become_their_names_and_text_becomes_str():
    examples = [
        {"tokens": ["The", "dog"], "upos": [5, 7], "xpos": ["DT", "NN"]},
        {"tokens": ["Café", "!"], "upos": [11, 12], "xpos": ["NNP", "."]},
    ]
    with tfds.testing.mock_data(as_dataset_fn=as_dataset_of(examples)):
        first, second = read_tfds(EWT, "dev", label_features=("upos", "xpos"))
    assert first.tokens == ["The", "dog"]
    assert first.labels == {"upos": ["DET", "NOUN"], "xpos": ["DT", "NN"]}
    assert second.tokens == ["Café", "!"]
    assert second.labels == {"upos": ["PROPN", "PUNCT"], "xpos": ["NNP", "."]}
    assert first.source == ""


@needs_tfds
def test_random_mock_examples_of_the_real_spec():
    with tfds.testing.mock_data(num_examples=3):
        sentences = read_tfds(EWT, "train", label_features=())
        tagged = read_tfds(EWT, "train", token_feature="upos", label_features="upos")
    assert len(sentences) == 3
    assert all(isinstance(token, str) for s in sentences for token in s.tokens)
    for sentence in tagged:
        assert len(sentence.labels["upos"]) == len(sentence.tokens)
        assert set(sentence.labels["upos"]) <= upos_names()


@needs_tfds
def test_an_example_without_one_label_per_token_is_refused():
    examples = [{"tokens": ["a", "b"], "upos": [1], "xpos": ["X", "Y"]}]
    with tfds.testing.mock_data(as_dataset_fn=as_dataset_of(examples)):
        with pytest.raises(ValueError, match="Example 0 .* 2 'tokens' but 1 'upos'"):
            read_tfds(EWT, "train")


@needs_tfds
def test_an_unknown_feature_lists_the_features():
    with pytest.raises(ValueError, match="no feature 'pos'; its features are .*upos, xpos"):
        read_tfds(EWT, "train", label_features=("pos",))


@needs_tfds
def test_a_dataset_that_is_not_prepared_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="not prepared") as caught:
        read_tfds(EWT, "train", data_dir=str(tmp_path))
    message = str(caught.value)
    assert str(tmp_path) in message
    assert "download=True" in message and "read_conllu" in message
    assert f"tfds build {EWT}" in message


def test_without_tensorflow_datasets_the_error_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", None)
    with pytest.raises(ImportError, match="pip install tensorflow-datasets.*read_conllu"):
        read_tfds(EWT, "train")


@needs_tfds
def test_docstring_examples_run():
    failures, tried = doctest.testmod(tfds_tagging)
    assert tried and not failures
