"""`diagnose` and `DiagnosticReport`: summary, files, JSON round trip, errors."""

import json

import keras
import numpy as np
import pytest

from linear_recurrence import scaled_identity_cell
from zoo.diagnostics import DiagnosticReport
from zoo.diagnostics import diagnose

pytestmark = pytest.mark.backend


def small_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((6, 3)),
            keras.layers.LSTM(4, return_sequences=True),
            keras.layers.GRU(3, go_backwards=True),
            keras.layers.Dense(1),
        ],
        name="small",
    )


def test_a_model_with_a_batch_and_the_same_model_before_training(tmp_path):
    # Two initializations stand in for "after" and "before": the comparison is
    # what is tested here (tests/diagnostics/test_diagnose_command.py compares
    # the trained binary_adder with its untrained self).
    model, before = small_model(seed=0), small_model(seed=1)
    x = np.random.default_rng(0).normal(size=(4, 6, 3)).astype("float32")
    y = np.ones((4, 1), "float32")
    report = diagnose(model, batch=(x, y, "mse"), before=before, steps=60, memory_steps=20)
    assert [cell["cell"] for cell in report.cells] == ["LSTMCell", "GRUCell"]
    assert [cell["direction"] for cell in report.cells] == ["forward", "backward"]
    flow = report.data["gradient_flow"]
    mse = [np.mean(np.square(np.asarray(m(x)) - y)) for m in (model, before)]
    assert [flow["model"]["loss"], flow["before"]["loss"]] == pytest.approx(mse, rel=1e-5)
    for old, new, change in zip(
        flow["before"]["layers"], flow["model"]["layers"], flow["change"]["layers"]
    ):
        ratio = np.array(new["gradient_norm"]["h"]) / np.array(old["gradient_norm"]["h"])
        assert change["mean_log10_change"] == pytest.approx(np.mean(np.log10(ratio)))

    summary = report.summary()
    lines = summary.splitlines()
    assert lines[0] == "zoo diagnostics: small (Sequential), 2 recurrent cells, " + (
        f"{keras.backend.backend()} backend"
    )
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 150
    for cell in report.cells:
        gates = cell["spectrum"]["gates"].items()
        radii = " ".join(f"{name} {gate['spectral_radius']:.2f}" for name, gate in gates)
        assert radii in summary

    files = report.write(tmp_path / "out")
    assert [f.name for f in files[:2]] == ["report.json", "summary.txt"]
    assert sorted(f.suffix for f in files[2:]) == [".png"] * 3  # 2 cells + gradient flow
    loaded = DiagnosticReport.from_json((tmp_path / "out" / "report.json").read_text())
    assert loaded.summary() == summary
    assert loaded.cells[1]["spectrum"] == report.to_dict()["cells"][1]["spectrum"]


def test_numbers_that_overflow_are_written_as_null(tmp_path):
    report = diagnose(scaled_identity_cell(3.0), steps=120, memory_steps=10)
    (cell,) = report.cells
    assert cell["stability"]["free_run"]["verdict"] == "explodes"
    report.write(tmp_path)
    text = (tmp_path / "report.json").read_text()
    assert "Infinity" not in text and "NaN" not in text
    norms = json.loads(text)["cells"][0]["stability"]["drives"]["random"]["state_norm"]["h"]
    assert norms[-1] is None and norms[0] is not None
    assert "explodes" in report.summary()


def test_diagnose_errors():
    with pytest.raises(ValueError, match="no recurrent cell"):
        diagnose(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match="needs a `batch`"):
        diagnose(small_model(), before=small_model())
    with pytest.raises(ValueError, match="ExampleBatch or a tuple"):
        diagnose(small_model(), batch=np.zeros((1, 6, 3)))
    with pytest.raises(ValueError, match="`steps` must be an integer >= 2"):
        diagnose(small_model(), steps=0)
    with pytest.raises(ValueError, match="needs a dict"):
        DiagnosticReport([])
