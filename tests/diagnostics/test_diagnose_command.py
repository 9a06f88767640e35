"""`zoo diagnose` on the shipped binary_adder checkpoint, and its errors."""

import json

import numpy as np
import pytest

import zoo
from zoo.cli import diagnose_command
from zoo.cli import main as zoo_main

pytestmark = pytest.mark.backend

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def run_zoo(monkeypatch):
    """`zoo.cli.main.main` with the diagnose command registered."""
    if diagnose_command not in zoo_main.COMMANDS:
        monkeypatch.setattr(zoo_main, "COMMANDS", (*zoo_main.COMMANDS, diagnose_command))
    return zoo_main.main


def test_diagnose_binary_adder_writes_json_pngs_and_prints_a_summary(
    run_zoo, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert run_zoo(["diagnose", "binary_adder", "--steps", "100", "--memory-steps", "30"]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "diagnostics_binary_adder"  # the default --out
    report = json.loads((folder / "report.json").read_text())
    pngs = sorted(folder.glob("*.png"))
    # One figure per cell (Keras may number its name: simple_rnn_cell_1) and one
    # of the gradient flow.
    assert len(pngs) == 2 and pngs[1].name == "gradient_flow.png"
    assert pngs[0].name.startswith("cell01-rnn-noisy_state_cell")
    assert all(png.read_bytes().startswith(PNG_SIGNATURE) for png in pngs)
    assert (folder / "summary.txt").read_text().strip() == out.split("\n\nwrote")[0].strip()
    assert "binary_adder (BinaryAdder), 1 recurrent cell" in out

    (cell,) = report["cells"]
    assert cell["cell"] == "SimpleRNNCell" and cell["units"] == 8 and cell["input_dim"] == 2
    assert cell["figure"] in {png.name for png in pngs}
    # The spectrum is that of the checkpoint's recurrent kernel.
    adder = zoo.load("binary_adder")
    kernel = np.asarray(adder.rnn.cell.cell.recurrent_kernel.numpy())
    radius = np.max(np.abs(np.linalg.eigvals(kernel.astype(np.float64))))
    assert cell["spectrum"]["gates"]["h"]["spectral_radius"] == pytest.approx(radius, rel=1e-6)
    stability = cell["stability"]
    assert stability["steps"] == 100 and stability["input_range"] == [0.0, 1.0]
    assert stability["free_run"]["verdict"] in {"dies", "holds", "explodes"}
    assert stability["verdict"] in {"explodes", "dies", "fixed_point", "healthy"}
    assert len(stability["drives"]["random"]["state_norm"]["h"]) == 101
    assert 0.0 <= stability["drives"]["random"]["late_saturation"]["h"] <= 1.0
    assert len(cell["memory"]["jacobian_norm"]) == 30

    # Gradient flow on 24-bit sums: the trained adder (exact) against its
    # untrained self (chance: binary cross-entropy about log 2 = 0.69).
    flow = report["gradient_flow"]
    assert flow["model"]["loss"] < 0.05 < 0.4 < flow["before"]["loss"]
    (layer,) = flow["model"]["layers"]
    assert layer["steps"] == 25 and len(layer["gradient_norm"]["h"]) == 25
    assert flow["change"]["layers"][0]["mean_log10_change"] is not None


@pytest.mark.parametrize(
    "argv, message",
    [
        (["diagnose", "no_such_model"], "Unknown checkpoint 'no_such_model'"),
        (["diagnose", "skip_gram_en"], "skip_gram_en has no recurrent cells"),
        (["diagnose", "binary_adder", "--steps", "1"], "--steps must be at least 2"),
    ],
)
def test_errors_are_one_line_with_status_2(run_zoo, argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run_zoo(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("zoo diagnose: error:") and message in err
    assert not any(tmp_path.iterdir())  # nothing written
