"""Recipe configs on the command line: flags from the dataclass, `--set
name=value`, and errors that name the field, its type and the valid names."""

import dataclasses

import pytest

from zoo.training.recipe_config import option
from zoo.training.recipe_config import parse_config
from zoo.training.runner_options import ResumableRunnerOptions


@dataclasses.dataclass
class Config(ResumableRunnerOptions):
    """A toy recipe."""

    units: int = option(64, "RNN units")
    learning_rate: float = option(2e-3, "Adam step")
    tie_embeddings: bool = option(True, "tie them")
    cell: str = option("lstm", "the cell")
    from_checkpoint: str = option("", "start here", flag="--from")


def test_defaults_flags_and_set_agree():
    assert parse_config(Config, []) == Config()
    by_flags = parse_config(Config, ["--units", "8", "--learning-rate", "0.5",
                                     "--no-tie-embeddings", "--from", "ckpt", "--resume"])
    by_set = parse_config(Config, ["--set", "units=8", "--set", "learning_rate=0.5",
                                   "--set", "tie_embeddings=false", "--set", "from_checkpoint=ckpt",
                                   "--set", "resume=yes"])
    assert by_flags == by_set == Config(units=8, learning_rate=0.5, tie_embeddings=False,
                                        from_checkpoint="ckpt", resume=True)


def test_given_options_are_those_on_the_command_line():
    # Given with its default value still counts as given; --set counts too.
    config = parse_config(Config, ["--units", "64", "--no-tie-embeddings",
                                   "--set", "learning-rate=2e-3"])
    assert config.given_options == {"units", "tie_embeddings", "learning_rate"}
    assert parse_config(Config, []).given_options == frozenset()
    assert "given_options" not in dataclasses.asdict(config)  # not a field: not in a card


def test_set_accepts_dashes_and_later_values_win():
    config = parse_config(Config, ["--units", "8", "--set", "units=16", "--set", "cell=gru",
                                   "--set", "learning-rate=1e-4"])
    assert (config.units, config.cell, config.learning_rate) == (16, "gru", 1e-4)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--set", "units=big"], "--set units=big: units takes an int, not 'big'"),
        (["--set", "learning_rate=fast"], "learning_rate takes a float, not 'fast'"),
        (["--set", "tie_embeddings=maybe"], "tie_embeddings takes a bool (true or false)"),
        (["--set", "unitz=8"], "Config has no field 'unitz' (did you mean units?)"),
        (["--set", "units"], "--set takes name=value, got 'units'"),
        (["--units", "8.5"], "argument --units: invalid int value: '8.5'"),
        (["--colour", "red"], "unrecognized arguments: --colour red"),
    ],
)
def test_bad_values_exit_2_naming_the_field(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        parse_config(Config, argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_field_lists_the_fields(capsys):
    with pytest.raises(SystemExit):
        parse_config(Config, ["--set", "zzz=1"])
    err = capsys.readouterr().err
    assert "its fields: precision, logdir, distribute, resume, state_dir, units," in err


def test_help_lists_every_flag_with_its_default(capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_config(Config, ["--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for piece in ("--units UNITS RNN units (default: 64)", "--from FROM_CHECKPOINT",
                  "--set NAME=VALUE", "--distribute", "--resume", "--precision"):
        assert piece in text


def test_state_dir_defaults_beside_the_checkpoint():
    assert Config().state_dir_for("runs/tagger") == "runs/tagger.training"
    assert Config(state_dir="/tmp/s").state_dir_for("runs/tagger") == "/tmp/s"
    assert Config().state_dir_for("") is None
