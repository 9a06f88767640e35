"""Names, search folders and the list of models."""

import pytest

import zoo
from zoo.hub import CheckpointError
from zoo.hub import registry


def test_shipped_checkpoints_are_listed_with_headline_metrics():
    cards = {card.name: card for card in zoo.list_models()}
    assert "binary_adder" in cards
    assert cards["binary_adder"].description
    assert "exact_sum_accuracy" in cards["binary_adder"].headline()


def test_a_path_to_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(CheckpointError, match="No checkpoint folder"):
        registry.resolve(tmp_path / "missing")


@pytest.mark.parametrize(
    "text, expected",
    [("binary_adder", False), ("./binary_adder", True), ("a/b", True), ("~/x", True)],
)
def test_names_and_paths_are_told_apart(text, expected):
    assert registry.is_path(text) is expected
