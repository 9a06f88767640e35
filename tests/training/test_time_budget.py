"""`TimeBudget` and `--max-minutes`: a run ends after the epoch that passes
the budget (never within one), evaluates and saves like an early stop, and
`--resume` trains on from there."""

import json

import keras
import numpy as np
import pytest

from test_tdnn_recipe import NEXT  # noqa: F401  (the same grammar)
from test_tdnn_recipe import corpus  # noqa: F401  (a pytest fixture)
from test_tdnn_recipe import small
from zoo.training.recipe_registry import load_recipe
from zoo.training.time_budget import TimeBudget


class Clock:
    """A clock that moves only when told: `seconds` more per call."""

    def __init__(self, seconds):
        self.seconds, self.now = seconds, 0.0

    def __call__(self):
        now = self.now
        self.now += self.seconds
        return now


def fit_with(budget, epochs=10):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 1)), np.ones((8, 1)), epochs=epochs, verbose=0,
                        callbacks=[budget])
    return len(history.history["loss"])


@pytest.mark.parametrize(
    "minutes, seconds_per_epoch, epochs_run",
    [
        (1, 30, 2),     # 30 s, 60 s: the 2nd epoch ends at the budget
        (1, 25, 3),     # 25, 50, 75 s: the 3rd is the first to end past 60 s
        (0.5, 100, 1),  # one epoch longer than the budget still finishes
        (60, 30, 10),   # a budget never reached: every epoch runs
    ],
)
def test_stops_after_the_first_epoch_that_ends_past_the_budget(
    minutes, seconds_per_epoch, epochs_run, capsys
):
    budget = TimeBudget(minutes, clock=Clock(seconds_per_epoch))
    assert fit_with(budget) == epochs_run
    printed = capsys.readouterr().out
    if epochs_run < 10:
        assert budget.stopped_at == epochs_run
        assert f"reached after epoch {epochs_run} " in printed
    else:
        assert budget.stopped_at is None and "time budget" not in printed


def test_each_fit_has_its_own_start():
    budget = TimeBudget(1, clock=Clock(40))
    assert fit_with(budget) == 2  # starts at 0: ends 40, 80
    assert fit_with(budget) == 2  # starts again at 120: ends 160, 200


@pytest.mark.parametrize("minutes", [0, -1, float("nan"), "5", True, None])
def test_a_budget_must_be_a_positive_number(minutes):
    with pytest.raises(ValueError, match="`minutes` must be a positive number"):
        TimeBudget(minutes)


def test_recipe_stops_saves_and_resumes_within_the_budget(corpus, tmp_path, capsys):  # noqa: F811
    recipe = load_recipe("tdnn")
    out = tmp_path / "tdnn"
    # A budget shorter than one epoch: one epoch trains, then the run ends
    # like an early stop, with a checkpoint and a resumable state.
    assert recipe.main(small(corpus, out, "--max-minutes", "0.0001")) == 0
    printed = capsys.readouterr().out
    assert "time budget: 0.0001 min reached after epoch 1 " in printed
    card = json.loads((out / "card.json").read_text())
    assert card["config"]["max_minutes"] == 0.0001
    assert card["metrics"]["training"]["epochs"] == 1
    state = json.loads((tmp_path / "tdnn.training" / "state.json").read_text())
    assert state["epochs_done"] == 1 and not state["stopped"]
    # --resume without a budget trains the remaining epochs (--epochs 4).
    assert recipe.main(small(corpus, out, "--resume")) == 0
    state = json.loads((tmp_path / "tdnn.training" / "state.json").read_text())
    assert state["epochs_done"] == 4


def test_a_negative_budget_exits_2_before_training(corpus, tmp_path, capsys):  # noqa: F811
    recipe = load_recipe("tdnn")
    out = tmp_path / "tdnn"
    assert recipe.main(small(corpus, out, "--max-minutes", "-1")) == 2
    assert "--max-minutes must be 0 (no limit) or positive, got -1" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("name", ["g2p", "lm", "tagger", "tdnn"])
def test_a_negative_budget_is_an_option_error_when_parsed(name, tmp_path, capsys):
    # Fine-tuning recipes (g2p, lm, tagger) inherit their options from two
    # classes: both classes' checks must run, before any data is read.
    recipe = load_recipe(name)
    out = tmp_path / name
    assert recipe.main(["--max-minutes", "-0.5", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "error: --max-minutes must be 0 (no limit) or positive, got -0.5" in captured.err
    assert "config:" not in captured.out  # stopped while parsing, before the run began
    assert not out.exists()


@pytest.mark.parametrize("momentum", ["1", "-0.1"])
def test_an_averaging_momentum_outside_0_1_is_an_option_error_when_parsed(momentum, tmp_path,
                                                                          capsys):
    out = tmp_path / "g2p"
    assert load_recipe("g2p").main(["--ema-momentum", momentum, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert f"error: --ema-momentum must be in [0, 1) (0: no averaging), got {momentum}" in (
        captured.err)
    assert not out.exists()


def test_fine_tuning_options_still_pick_their_learning_rate_beside_the_budget():
    import dataclasses

    from zoo.training.fine_tuning_options import FineTuningOptions
    from zoo.training.recipe_config import OptionError
    from zoo.training.runner_options import DevStoppingRunnerOptions

    @dataclasses.dataclass
    class Config(FineTuningOptions, DevStoppingRunnerOptions):
        learning_rate: float = 0.0

    assert Config(max_minutes=5).learning_rate == FineTuningOptions.LEARNING_RATE
    assert Config(from_checkpoint="x").learning_rate == FineTuningOptions.FINE_TUNING_LEARNING_RATE
    with pytest.raises(OptionError, match="--max-minutes must be 0"):
        Config(from_checkpoint="x", max_minutes=-1)
