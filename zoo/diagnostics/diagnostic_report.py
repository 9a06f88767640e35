"""`DiagnosticReport`: the numbers, a one-screen summary, JSON and PNG files."""

import copy
import json
import math
import re
from pathlib import Path

REPORT_FILE = "report.json"
SUMMARY_FILE = "summary.txt"
GRADIENT_FLOW_FILE = "gradient_flow.png"
PATH_WIDTH = 36
SIGNIFICANT_DIGITS = 7


def _json_ready(value):
    """Floats to 7 significant digits, NaN and infinities to None."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    return value


def _short_path(path, width=PATH_WIDTH):
    parts = path.split("/")
    shown = "/".join(parts[1:]) if len(parts) > 1 else path
    return shown if len(shown) <= width else "…" + shown[-(width - 1) :]


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:60]


def _number(value, digits=2):
    if value is None:
        return "n/a"
    if value != 0 and (abs(value) >= 1e4 or abs(value) < 1e-2):
        return f"{value:.1e}"
    return f"{value:.{digits}f}"


def _gates(spectrum):
    if spectrum is None:
        return "-", "-"
    radii = " ".join(
        f"{name} {_number(gate['spectral_radius'])}" for name, gate in spectrum["gates"].items()
    )
    return radii, _number(spectrum["largest_singular_value"])


def _free_run(free_run):
    if free_run["verdict"] == "dies":
        return f"dies @{free_run['merge_step']}"
    return free_run["verdict"]


def _memory(memory):
    if not memory["relative"]:
        return "none"
    if memory["horizon"] is None:
        return f">{memory['steps'] - 1}"
    return str(memory["horizon"])


def _saturation(stability):
    late = stability["drives"]["random"]["late_saturation"]
    if not late:
        return "-"
    top = sorted(late.items(), key=lambda item: -item[1])[:2]
    return ", ".join(f"{name} {100 * value:.0f}%" for name, value in top)


def _table(rows, right=()):
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "  ".join(
            text.rjust(width) if column in right else text.ljust(width)
            for column, (text, width) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]


class DiagnosticReport:
    """Stability and gradient-flow diagnostics of a model's recurrent cells.

    Made by `zoo.diagnostics.diagnose(model)`; `data` is a plain dict (what
    `report.json` holds):

        name, model_class, backend, keras_version, settings
        cells: one per recurrent cell, each with
            path, cell, units, input_dim, states, gates, direction
            spectrum    `recurrent_spectrum(cell)`: eigenvalues, spectral
                        radius and largest singular values per gate block
            stability   `stability_test(cell)`: state norms and saturated
                        fractions over time for random, constant and zero
                        input, the verdicts (explodes / dies / fixed_point /
                        healthy; free run dies / holds / explodes)
            memory      `input_memory(cell)`: ||dh_t/dx_0|| over t, horizon,
                        decay rate
        gradient_flow (with a batch): `model` (`gradient_flow(model, ...)`),
            `before` and `change` (with a model before training)

    `summary()` is the one-screen text, `write(directory)` writes
    `report.json`, `summary.txt`, one PNG per cell (eigenvalues on the
    complex plane with the unit circle, state norms, saturation, memory) and
    `gradient_flow.png`. `DiagnosticReport.from_json(text)` reads a
    `report.json` back (to redraw or compare).

    Example:

    ```python
    import tempfile
    import keras
    from zoo.diagnostics import diagnose

    cell = keras.layers.GRUCell(4)
    cell.build((None, 3))
    report = diagnose(cell, steps=100, memory_steps=30)
    print(report.summary())
    report.data["cells"][0]["stability"]["free_run"]["verdict"]   # e.g. 'dies'
    files = report.write(tempfile.mkdtemp())   # report.json, summary.txt, a PNG
    ```
    """

    def __init__(self, data):
        if not isinstance(data, dict) or "cells" not in data:
            raise ValueError("A DiagnosticReport needs a dict with a 'cells' list.")
        self.data = data

    @property
    def cells(self):
        return self.data["cells"]

    def to_dict(self):
        """A JSON-ready deep copy of the data (non-finite numbers as None)."""
        return _json_ready(copy.deepcopy(self.data))

    def to_json(self):
        return json.dumps(self.to_dict(), indent=1, allow_nan=False)

    @classmethod
    def from_json(cls, text):
        return cls(json.loads(text))

    def summary(self):
        """The report on one screen: a line per cell, gradient flow, legend."""
        data, settings = self.data, self.data["settings"]
        count = len(data["cells"])
        low, high = settings["input_range"]
        lines = [
            f"zoo diagnostics: {data['name']} ({data['model_class']}), {count} "
            f"recurrent cell{'s' * (count != 1)}, {data['backend']} backend",
            f"drives: {settings['steps']} steps x {settings['samples']} sequences, "
            f"inputs in [{low:g}, {high:g}]; memory: {settings['memory_steps']} steps x "
            f"{settings['memory_samples']}",
            "",
        ]
        rows = [("#", "cell", "units", "rho(U) by gate", "sigma1", "free run",
                 "random / constant", "memory", "saturated (random)")]
        for index, cell in enumerate(data["cells"], 1):
            radii, sigma = _gates(cell["spectrum"])
            drives = cell["stability"]["drives"]
            rows.append((
                str(index),
                _short_path(cell["path"]),
                str(cell["units"]),
                radii,
                sigma,
                _free_run(cell["stability"]["free_run"]),
                f"{drives['random']['verdict']} / {drives['constant']['verdict']}",
                _memory(cell["memory"]),
                _saturation(cell["stability"]),
            ))
        lines.extend(_table(rows, right=(0, 2, 4, 7)))
        lines.extend(self._gradient_flow_lines())
        lines += [
            "",
            "free run (zero input, two starts): dies @t (forgets its start by step t) | "
            "holds | explodes",
            "random / constant input: explodes | dies (state -> 0) | fixed_point "
            "(input no longer moves it) | healthy",
            "memory: steps until ||dh_t/dx_0|| < 1e-3 ||dh_0/dx_0||; saturated: last "
            "tenth, |tanh| > 0.99 or sigmoid < 0.01 or > 0.99",
        ]
        return "\n".join(lines)

    def _gradient_flow_lines(self):
        section = self.data.get("gradient_flow")
        if not section:
            return ["", "gradient flow: no batch (pass one to diagnose, or use gradient_flow)"]
        before = section.get("before")
        loss = f"loss {_number(section['model']['loss'], 4)}"
        if before:
            loss += f"; before training {_number(before['loss'], 4)}"
        lines = [
            "",
            f"gradient flow ||dLoss/dh_t|| on {section['batch']}",
            f"({loss}; steps in the order each layer runs, padding left out):",
        ]
        old_layers = before["layers"] if before else []
        rows = [("", "layer", "direction", "steps", "first", "last", "first/last",
                 "before training" if old_layers else "")]
        for index, entry in enumerate(section["model"]["layers"]):
            h = next(iter(entry["gradient_norm"].values()))
            first, last = entry.get("active_steps") or (0, len(h) - 1)
            old = old_layers[index]["first_over_last"] if index < len(old_layers) else None
            rows.append((
                "",
                _short_path(entry["path"]),
                entry["direction"],
                f"{first}-{last}",
                _number(h[first]),
                _number(h[last]),
                _number(entry["first_over_last"]),
                _number(old) if index < len(old_layers) else "",
            ))
        return lines + _table(rows, right=(3, 4, 5, 6, 7))

    def write(self, directory):
        """Write report.json, summary.txt and the PNGs; returns their paths."""
        from zoo.diagnostics.plots import cell_figure
        from zoo.diagnostics.plots import gradient_flow_figure

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for index, cell in enumerate(self.cells, 1):
            path = directory / f"cell{index:02d}-{_slug(_short_path(cell['path'], 60))}.png"
            cell_figure(cell).savefig(path, dpi=100)
            cell["figure"] = path.name
            written.append(path)
        if self.data.get("gradient_flow"):
            path = directory / GRADIENT_FLOW_FILE
            gradient_flow_figure(self.data["gradient_flow"]).savefig(path, dpi=100)
            self.data["gradient_flow"]["figure"] = path.name
            written.append(path)
        report = directory / REPORT_FILE
        report.write_text(self.to_json() + "\n", encoding="utf-8")
        summary = directory / SUMMARY_FILE
        summary.write_text(self.summary() + "\n", encoding="utf-8")
        return [report, summary, *written]
