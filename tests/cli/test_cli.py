"""The `zoo` command: outputs, help, and one-line errors with status 2."""

import shutil
import subprocess
import sys

import pytest

from zoo.cli.main import main


def test_list_shows_the_adder_with_its_metric(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "binary_adder" in out and "exact_sum_accuracy" in out


def test_info_prints_the_card(capsys):
    assert main(["info", "binary_adder"]) == 0
    out = capsys.readouterr().out
    for text in ("recipe command: python recipes/binary_adder.py", "metrics:", "model.weights.h5"):
        assert text in out


def test_predict_delegates_to_the_model(capsys):
    assert main(["predict", "binary_adder", "5 7", "123456789123456789 1"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "5 + 7 = 12  (correct)",
        "123456789123456789 + 1 = 123456789123456790  (correct)",
    ]


def test_demo_runs_every_checkpoint(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "== binary_adder" in out and "(correct)" in out and "WRONG" not in out


def test_train_runs_a_recipe_with_its_options(capsys, tmp_path):
    assert main(["train", "--list"]) == 0
    assert {"binary_adder", "g2p", "tagger", "word2vec"} <= set(capsys.readouterr().out.split())
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "binary_adder", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: zoo train binary_adder") and "--state-noise" in out
    out_dir = tmp_path / "adder"
    argv = ["train", "binary_adder", "--units", "3", "--epochs", "2", "--candidates", "1",
            "--robustness-draws", "1", "--eval-bits", "8", "--eval-pairs", "4",
            "--out", str(out_dir)]
    status = main(argv)
    import zoo

    adder = zoo.load(str(out_dir))
    assert isinstance(adder, zoo.models.BinaryAdder)
    # The recipe's exit status comes through: 1 unless the adder is exact.
    metrics = adder.card.metrics[adder.card.headline_metric.split("/")[0]]
    exact = metrics["exact_sum_accuracy"] == 1.0 and metrics["carry_chain_exact"] == 1.0
    assert status == (0 if exact else 1)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "nope"], "No recipe 'nope'; the recipes are: binary_adder,"),
        (["train"], "name a recipe: binary_adder,"),
        (["info", "no_such_model"], "Unknown checkpoint 'no_such_model'"),
        (["predict", "binary_adder", "seven"], "two non-negative integers"),
    ],
)
def test_bad_input_is_one_line_and_status_2(capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["predict", "binary_adder"]])
def test_bad_arguments_exit_2_with_one_line(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--help" in err


@pytest.mark.parametrize("command", ["list", "info", "demo", "predict"])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: zoo " + command in capsys.readouterr().out


def test_console_script_is_installed():
    script = shutil.which("zoo") or str(
        __import__("pathlib").Path(sys.executable).parent / "zoo"
    )
    result = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip()


@pytest.mark.parametrize("argv", [["list"], ["info", "parity"], ["--help"]])
def test_reading_cards_does_not_load_keras(argv):
    # A fresh interpreter: this one has Keras loaded already.
    program = (
        "import sys\n"
        "from zoo.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.exit(3 if 'keras' in sys.modules or 'tensorflow' in sys.modules else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "parity" in result.stdout or "usage: zoo" in result.stdout


def test_a_command_that_loads_keras_prints_no_start_up_notes():
    program = "import sys\nfrom zoo.cli.main import main\nsys.exit(main(['predict', 'parity', '0110']))\n"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("parity(0110) = 0")
    for note in ("oneDNN custom operations", "absl::InitializeLog", "cpu_feature_guard"):
        assert note not in result.stderr
