"""The report's figures, drawn with matplotlib's object API (no pyplot).

Figures are `matplotlib.figure.Figure` objects saved as PNG through the Agg
canvas, so nothing here touches pyplot's global state or needs a display.
Each function takes the plain dicts of a `DiagnosticReport`.

    cell_figure(cell_report)        eigenvalues of U against the unit circle,
                                    state norms and saturation over time,
                                    memory ||dh_t/dx_0|| / ||dh_0/dx_0||
    gradient_flow_figure(section)   ||dLoss/dh_t|| per RNN layer (after, and
                                    before training dashed)
"""

import numpy as np

DRIVE_COLORS = {"random": "tab:blue", "constant": "tab:orange", "zero": "tab:green"}
STATE_STYLES = ("-", "--", ":", "-.")
FLOOR = 1e-12


def _figure(rows, columns, width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height))  # no layout engine: 2x faster
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False)
    figure.subplots_adjust(
        left=0.08, right=0.97, bottom=0.08, top=0.9, hspace=0.32, wspace=0.22
    )
    return figure, axes


def _values(curve):
    return np.array([np.nan if value is None else value for value in curve], float)


def _positive_log_scale(axes, curves):
    data = np.concatenate([c[np.isfinite(c)] for c in curves] or [np.zeros(0)])
    if len(data) and np.all(data > 0) and data.max() > 20 * data.min():
        axes.set_yscale("log")


def _draw_spectrum(axes, spectrum):
    angle = np.linspace(0, 2 * np.pi, 256)
    axes.plot(np.cos(angle), np.sin(angle), color="0.6", linewidth=1, label="|z| = 1")
    if spectrum is None:
        axes.set_title("no recurrent kernel")
        return
    limit = 1.05
    for name, gate in spectrum["gates"].items():
        real = np.asarray(gate["eigenvalues"]["real"])
        imag = np.asarray(gate["eigenvalues"]["imag"])
        axes.scatter(
            real, imag, s=12, label=f"{name}: rho {gate['spectral_radius']:.2f}"
        )
        limit = max(limit, 1.05 * float(np.max(np.hypot(real, imag), initial=0)))
    axes.set_xlim(-limit, limit)
    axes.set_ylim(-limit, limit)
    axes.set_aspect("equal")
    axes.axhline(0, color="0.85", linewidth=0.5)
    axes.axvline(0, color="0.85", linewidth=0.5)
    axes.set_title("eigenvalues of U by gate")
    axes.set_xlabel("Re")
    axes.set_ylabel("Im")
    axes.legend(fontsize=7, loc="upper right")


def _draw_norms(axes, stability):
    curves = []
    for drive, report in stability["drives"].items():
        for style, (state, curve) in zip(STATE_STYLES, report["state_norm"].items()):
            values = _values(curve)
            curves.append(values)
            verdict = report.get("verdict", stability["free_run"]["verdict"])
            axes.plot(
                values,
                style,
                color=DRIVE_COLORS.get(drive),
                label=f"||{state}|| {drive} ({verdict})",
                linewidth=1,
            )
    _positive_log_scale(axes, curves)
    axes.set_title("state norm over time (sample mean)")
    axes.set_xlabel("step")
    axes.legend(fontsize=7)


def _draw_saturation(axes, stability):
    report = stability["drives"]["random"]
    if not report["saturation"]:
        axes.set_title("no saturating activation (linear, relu, ...)")
        return
    for label, curve in report["saturation"].items():
        axes.plot(np.arange(1, len(curve) + 1), _values(curve), label=label, linewidth=1)
    axes.set_ylim(-0.02, 1.02)
    axes.set_title("saturated fraction, random input")
    axes.set_xlabel("step")
    axes.legend(fontsize=7)


def _draw_memory(axes, memory):
    relative = _values(memory["relative"])
    if not len(relative):
        axes.set_title("x_0 does not reach the state")
        return
    positive = np.where(relative > 0, relative, np.nan)
    axes.semilogy(positive, color="tab:purple", linewidth=1.5)
    if np.nanmin(positive, initial=np.inf) < FLOOR:
        axes.set_ylim(bottom=FLOOR)  # below: many decades of ~0, not worth the room
    axes.axhline(memory["threshold"], color="0.5", linestyle="--", linewidth=1)
    horizon = memory["horizon"]
    rate = memory["decay_rate"]
    title = "||dh_t/dx_0|| / ||dh_0/dx_0||"
    if horizon is not None:
        axes.axvline(horizon, color="tab:red", linewidth=1)
        title += f": horizon {horizon}"
    else:
        title += f": horizon > {len(relative) - 1}"
    if rate is not None:
        title += f", rate {rate:.3f}/step"
    axes.set_title(title)
    axes.set_xlabel("t (steps after x_0)")


def cell_figure(cell_report):
    """A 2 x 2 figure of one cell: spectrum, norms, saturation, memory."""
    figure, axes = _figure(2, 2, 11, 8.5)
    _draw_spectrum(axes[0, 0], cell_report["spectrum"])
    _draw_norms(axes[0, 1], cell_report["stability"])
    _draw_saturation(axes[1, 0], cell_report["stability"])
    _draw_memory(axes[1, 1], cell_report["memory"])
    figure.suptitle(f"{cell_report['path']} ({cell_report['cell']})", fontsize=10)
    return figure


def _without_zeros(curve):
    """Zeros (masked steps: no gradient) as gaps, so a log scale can show the rest."""
    values = _values(curve)
    return np.where(values > 0, values, np.nan)


def gradient_flow_figure(section):
    """||dLoss/dh_t|| over t for every RNN layer call; before training dashed."""
    figure, axes = _figure(1, 1, 10, 5.5)
    figure.subplots_adjust(left=0.1, right=0.97, bottom=0.1, top=0.92)
    axes = axes[0, 0]
    before = (section.get("before") or {}).get("layers") or []
    curves = []
    for index, entry in enumerate(section["model"]["layers"]):
        color = f"C{index % 10}"
        values = _without_zeros(next(iter(entry["gradient_norm"].values())))
        curves.append(values)
        name = entry["path"].split("/", 1)[-1]
        axes.plot(values, color=color, label=f"{name} ({entry['direction']})", linewidth=1.5)
        if index < len(before):
            old = _without_zeros(next(iter(before[index]["gradient_norm"].values())))
            curves.append(old)
            axes.plot(old, color=color, linestyle="--", linewidth=1)
    if any(np.any(np.isfinite(c)) for c in curves):
        axes.set_yscale("log")
    axes.set_xlabel("t (step of the recurrence, in the order it runs)")
    axes.set_ylabel("||dLoss / dh_t|| per sequence")
    title = "gradient flow through time"
    if before:
        title += " (dashed: before training)"
    axes.set_title(title)
    axes.legend(fontsize=7)
    return figure
