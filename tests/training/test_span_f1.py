"""Chunk F1: against hand-worked examples and conlleval's rules."""

import pytest

from zoo.training.span_f1 import chunks
from zoo.training.span_f1 import is_chunk_labeling
from zoo.training.span_f1 import span_f1


def test_bio_chunks():
    labels = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-LOC", "O"]
    assert chunks(labels) == {("PER", 0, 1), ("LOC", 3, 3), ("LOC", 4, 5)}


def test_iob1_inside_after_outside_or_other_type_starts_a_chunk():
    # IOB1: I- starts a chunk unless it continues one of the same type.
    assert chunks(["I-ORG", "I-ORG", "I-PER", "O", "I-LOC"]) == {
        ("ORG", 0, 1),
        ("PER", 2, 2),
        ("LOC", 4, 4),
    }


def test_bioes_chunks():
    labels = ["S-PER", "B-ORG", "I-ORG", "E-ORG", "S-ORG", "O"]
    assert chunks(labels) == {("PER", 0, 0), ("ORG", 1, 3), ("ORG", 4, 4)}


def test_chunk_at_sentence_end_is_closed():
    assert chunks(["O", "B-MISC", "I-MISC"]) == {("MISC", 1, 2)}


def test_a_chunk_counts_only_with_type_and_both_boundaries():
    gold = [["B-PER", "I-PER", "O", "B-LOC", "O"]]
    wrong_end = [["B-PER", "O", "O", "B-LOC", "O"]]
    wrong_type = [["B-ORG", "I-ORG", "O", "B-LOC", "O"]]
    too_long = [["B-PER", "I-PER", "I-PER", "B-LOC", "O"]]
    for predicted in (wrong_end, wrong_type, too_long):
        result = span_f1(gold, predicted)
        assert result["correct"] == 1
        assert result["precision"] == pytest.approx(0.5)
        assert result["recall"] == pytest.approx(0.5)
    assert span_f1(gold, gold)["f1"] == 1.0


def test_precision_recall_hand_computed():
    gold = [["B-A", "O", "B-B", "I-B"], ["B-A", "B-A"]]  # 4 gold chunks
    predicted = [["B-A", "O", "O", "O"], ["B-A", "B-A"]]  # 3 predicted, all correct
    result = span_f1(gold, predicted)
    assert (result["gold"], result["predicted"], result["correct"]) == (4, 3, 3)
    assert result["precision"] == 1.0
    assert result["recall"] == pytest.approx(0.75)
    assert result["f1"] == pytest.approx(2 * 0.75 / 1.75)


def test_no_chunks_gives_zero_not_an_error():
    assert span_f1([["O", "O"]], [["O", "O"]])["f1"] == 0.0


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="Sentence 0"):
        span_f1([["O", "B-A"]], [["O"]])


def test_is_chunk_labeling():
    assert is_chunk_labeling(["O", "B-NP", "I-NP", "E-VP", "S-PP"])
    assert not is_chunk_labeling(["O"])
    assert not is_chunk_labeling(["NOUN", "B-NP"])
    assert not is_chunk_labeling(["B-", "O"])
