"""recipes/parity.py: gradient clipping on by default, a tiny run through
`train_candidates` end to end, and (slow) the exact parity RNN."""


import pytest

import zoo
from zoo.models.parity_rnn import ParityRNN
from zoo.training.candidate_training import CandidateOptions
from zoo.training.recipe_config import parse_config
from zoo.training.recipe_registry import load_recipe


def test_the_config_clips_gradient_norms_by_default():
    # The clipped Adam itself: tests/training/test_candidate_training.py.
    recipe = load_recipe("parity")
    assert issubclass(recipe.ParityConfig, CandidateOptions)
    assert parse_config(recipe.ParityConfig, []).clipnorm == 1.0


def test_a_tiny_run_trains_every_candidate_and_saves_the_kept_one(tmp_path, capsys):
    out = tmp_path / "parity"
    status = load_recipe("parity").main(
        ["--units", "3", "--train-bits", "3", "--steps", "2", "--candidates", "2",
         "--robustness-draws", "1", "--eval-bits", "8", "--eval-strings", "4",
         "--long-bits", "16", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert "candidate seed=0: train_loss " in printed and "candidate seed=1: " in printed
    model = zoo.load(str(out))
    assert isinstance(model, ParityRNN) and model.units == 3
    assert model.card.config["clipnorm"] == 1.0
    assert f"kept seed {model.seed}" in printed
    assert status in (0, 1)


@pytest.mark.slow
def test_the_default_recipe_is_exact_on_long_strings(tmp_path):
    out = tmp_path / "parity"
    argv = ["--eval-strings", "200", "--long-bits", "10000", "--out", str(out)]
    assert load_recipe("parity").main(argv) == 0
    model = zoo.load(str(out))
    assert model.card.metrics["test_1000_bits"]["exact_parity_accuracy"] == 1.0
    assert model.parity("1" * 2001) == 1
