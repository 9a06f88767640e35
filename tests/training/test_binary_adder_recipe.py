"""recipes/binary_adder.py: gradient clipping on by default, a tiny run
through `train_candidates` end to end, and (slow) the exact adder."""


import pytest

import zoo
from zoo.training.candidate_training import CandidateOptions
from zoo.training.recipe_config import parse_config
from zoo.training.recipe_registry import load_recipe


def test_the_config_clips_gradient_norms_by_default():
    # The clipped Adam itself: tests/training/test_candidate_training.py.
    recipe = load_recipe("binary_adder")
    assert issubclass(recipe.BinaryAdderConfig, CandidateOptions)
    assert parse_config(recipe.BinaryAdderConfig, []).clipnorm == 1.0


def test_a_tiny_run_trains_every_candidate_and_saves_the_kept_one(tmp_path, capsys):
    out = tmp_path / "adder"
    status = load_recipe("binary_adder").main(
        ["--units", "3", "--epochs", "2", "--candidates", "2", "--robustness-draws", "1",
         "--eval-bits", "8", "--eval-pairs", "4", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert "candidate seed=0: train_loss " in printed and "candidate seed=1: " in printed
    adder = zoo.load(str(out))
    assert isinstance(adder, zoo.models.BinaryAdder) and adder.units == 3
    assert adder.card.config["clipnorm"] == 1.0
    assert f"kept seed {adder.seed}" in printed
    assert status in (0, 1)


def test_a_negative_clipnorm_exits_with_status_2(tmp_path, capsys):
    out = tmp_path / "adder"
    assert load_recipe("binary_adder").main(["--epochs", "1", "--clipnorm", "-1", "--out", str(out)]) == 2
    assert "--clipnorm must be >= 0" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.slow
def test_the_default_recipe_adds_1000_bit_numbers_exactly(tmp_path):
    out = tmp_path / "adder"
    assert load_recipe("binary_adder").main(["--eval-pairs", "50", "--out", str(out)]) == 0
    adder = zoo.load(str(out))
    assert adder.card.metrics["test_1000_bits"]["exact_sum_accuracy"] == 1.0
    assert adder.add(2**1000 - 1, 1) == 2**1000
