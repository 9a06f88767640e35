"""The shipped `pos_tagger_ewt_en` checkpoint on sentences whose tags are
textbook cases (checked by hand against the UD English guidelines)."""

import subprocess
import sys

import pytest

import zoo


@pytest.fixture(scope="module")
def tagger():
    return zoo.load("pos_tagger_ewt_en")


def test_card_reports_dev_accuracy_and_size(tagger):
    card = tagger.card
    assert card.headline_metric == "dev/upos_accuracy"
    assert 0.9 < card.metrics["dev"]["upos_accuracy"] <= 1.0
    assert "CC BY-SA 4.0" in card.data_license
    total_bytes = sum(entry["bytes"] for entry in card.files.values())
    assert total_bytes <= 30 * 2**20


def test_ambiguous_words_are_resolved_by_context(tagger):
    tags = tagger.tag([
        "I will book a flight .".split(),
        "I read a good book .".split(),
        "We need to run .".split(),
        "That was a long run .".split(),
        "She sings very well .".split(),
    ])
    assert [tags[0][2], tags[1][4]] == ["VERB", "NOUN"]
    assert [tags[2][3], tags[3][4]] == ["VERB", "NOUN"]
    assert tags[4][3] == "ADV"


def test_common_sentences(tagger):
    assert tagger.tag([["The", "dog", "barked", "loudly", "."]]) == [
        ["DET", "NOUN", "VERB", "ADV", "PUNCT"]
    ]
    assert tagger.tag([["I", "have", "two", "cats", "and", "a", "dog", "."]]) == [
        ["PRON", "VERB", "NUM", "NOUN", "CCONJ", "DET", "NOUN", "PUNCT"]
    ]


def test_unknown_words_long_and_empty_sentences(tagger):
    tags = tagger.tag([[], ["The", "zorblaxian", "ëlf", "☃", "flumphed", "."], ["the", "dog"] * 500])
    assert tags[0] == []
    assert tags[1][0] == "DET" and tags[1][-1] == "PUNCT" and len(tags[1]) == 6
    assert len(tags[2]) == 1000
    assert tags[2][:2] == ["DET", "NOUN"]


def test_xpos_head(tagger):
    assert tagger.tag([["The", "dogs", "barked", "."]], label="xpos") == [
        ["DT", "NNS", "VBD", "."]
    ]


def test_zoo_predict_prints_token_tag_pairs():
    result = subprocess.run(
        [sys.executable, "-m", "zoo.cli.main", "predict", "pos_tagger_ewt_en", "The dog barked loudly ."],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split()[:2] == ["The/DET/DT", "dog/NOUN/NN"]
