"""The model card's JSON form and headline."""

import pytest

from zoo.hub import ModelCard


def test_json_round_trip():
    card = ModelCard(name="x", metrics={"dev": {"accuracy": 0.9512}}, headline_metric="dev/accuracy")
    assert ModelCard.from_json(card.to_json()) == card
    assert card.headline() == "accuracy on dev: 0.9512"


def test_headline_of_a_missing_metric_is_empty():
    assert ModelCard(name="x", headline_metric="dev/f1").headline() == ""


def test_unknown_fields_are_refused():
    with pytest.raises(ValueError, match="bogus"):
        ModelCard.from_json('{"name": "x", "bogus": 1}')
