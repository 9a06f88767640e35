"""BIBO and saturation test: drive a cell with bounded inputs for a long time.

A recurrence is BIBO stable (bounded input, bounded output) when every
bounded input sequence gives a bounded state. `stability_test` runs the
cell for `steps` steps, `samples` sequences per drive, each from a random
initial state s_A (every state entry uniform in [-0.5, 0.5]):

    random:    x_t uniform in `input_range`, new at every step
    constant:  x_t = x, one uniform draw per sequence
    zero:      x_t = 0 (the free run), from s_A and from a second start s_B

and reports, for each drive, the norm of every state over time and the
fraction of saturated activations (see `cell_trajectory`), and a verdict.
With n_t the mean norm of the whole state at step t (n_0 the initial
state), `early` the mean of n_0 ... n_w and `late` the mean of the last w
norms (w = steps / 10):

    explodes     a NaN/inf, or late > 100 early, or late > 10 early and
                 still growing (late > 1.05 x the window before it)
    dies         late < 1e-3 early: the state collapses to zero
    fixed_point  the input no longer moves the state: the driven states are
                 those of the zero-input run from the same start (late mean
                 of ||s_t(drive) - s_t(zero)|| < 1e-3 late), typically a
                 saturated cell sitting at an input-independent fixed point
    healthy      none of these

These are the three failure modes of a recurrence; the test's `verdict` is
the worst of the random and constant drives (explodes > dies > fixed_point
> healthy). The free run (zero input) is judged by whether two different
starts stay apart, with d_t the mean distance between the runs from s_A and
s_B:

    explodes     a drive from s_A or s_B explodes, or d grows 100-fold
    dies         d_t falls below 1e-3 d_0: the state forgets where it
                 started (`merge_step` says when); a linear recurrence
                 h_t = lambda h_{t-1} dies for |lambda| < 1
    holds        otherwise: what the state held stays (|lambda| = 1)

The thresholds are heuristics; every curve is in the result, to look at.
"""

import numpy as np

from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.cell_trajectory import run_cell

EXPLODE_GROWTH = 100.0
STILL_GROWING = (10.0, 1.05)
DIE_LEVEL = 1e-3
INPUT_INFLUENCE_LEVEL = 1e-3
MERGE_LEVEL = 1e-3
INITIAL_STATE_RANGE = 0.5
VERDICT_ORDER = ("explodes", "dies", "fixed_point", "healthy")


def check_run_arguments(steps, samples, input_range):
    """ValueErrors for bad `steps`, `samples` or `input_range`."""
    for name, value, least in (("steps", steps, 2), ("samples", samples, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
            raise ValueError(f"`{name}` must be an integer >= {least}, got {value!r}.")
    try:
        low, high = (float(bound) for bound in input_range)
    except (TypeError, ValueError):
        raise ValueError(
            f"`input_range` must be a pair of numbers (low, high), got {input_range!r}."
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"`input_range` must be finite with low < high, got {input_range!r}."
        )
    return low, high


def _window(steps):
    return max(1, steps // 10)


def growth_verdict(norms):
    """"explodes", "dies" or None for a curve n_0 ... n_T of state norms."""
    norms = np.asarray(norms, dtype=np.float64)
    if not np.all(np.isfinite(norms)):
        return "explodes"
    window = _window(len(norms) - 1)
    early = norms[: window + 1].mean()
    late = norms[-window:].mean()
    before_late = norms[-2 * window : -window].mean()
    growth, still_growing = STILL_GROWING
    if late > EXPLODE_GROWTH * early or (
        late > growth * early and late > still_growing * before_late
    ):
        return "explodes"
    if late < DIE_LEVEL * early:
        return "dies"
    return None


def _norms(states, initial):
    """Per-sample norms [samples, steps + 1] of states [samples, steps, size]."""
    full = np.concatenate([initial[:, None, :], states], axis=1).astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sqrt(np.sum(np.square(full), axis=-1))


def _mean_curve(per_sample):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.mean(per_sample, axis=0)


def _curve(values):
    return [float(value) for value in values]


def _drive_report(states, initial, saturation, anatomy, window):
    """State norms (per state name) and saturation curves of one drive."""
    report = {"state_norm": {}, "saturation": {}, "late_saturation": {}}
    offset = 0
    for name, size in zip(anatomy.state_names, anatomy.state_sizes):
        part = slice(offset, offset + size)
        report["state_norm"][name] = _curve(
            _mean_curve(_norms(states[:, :, part], initial[:, part]))
        )
        offset += size
    for label, fractions in saturation.items():
        curve = fractions.mean(axis=0)
        report["saturation"][label] = _curve(curve)
        report["late_saturation"][label] = float(curve[-window:].mean())
    return report


def _free_run_verdict(norms_a, norms_b, distance):
    if growth_verdict(norms_a) == "explodes" or growth_verdict(norms_b) == "explodes":
        return "explodes", None
    if not np.all(np.isfinite(distance)):
        return "explodes", None
    window = _window(len(distance) - 1)
    late = distance[-window:].mean()
    if late > EXPLODE_GROWTH * distance[0]:
        return "explodes", None
    below = np.nonzero(distance < MERGE_LEVEL * distance[0])[0]
    if late < MERGE_LEVEL * distance[0] and len(below):
        return "dies", int(below[0])
    return "holds", None


def stability_test(
    cell, steps=500, samples=8, input_range=(-1.0, 1.0), seed=0, input_dim=None
):
    """Drive `cell` with bounded inputs; report blow-up, death, saturation.

    See the module docstring for the drives and the verdicts.

    Args:
        cell: a built recurrent cell (Keras or zoo).
        steps: int. Time steps of every run, default 500.
        samples: int. Sequences per drive, default 8.
        input_range: (low, high). Range of the random and constant inputs,
            default (-1, 1).
        seed: int. Seed of the inputs and initial states, default 0.
        input_dim: int. Input features, default read from the cell's kernel.

    Returns:
        dict (plain numbers, ready for JSON): `"verdict"`, `"free_run"`
        (`"verdict"`, `"merge_step"`, `"state_distance"` d_0 ... d_T), and
        `"drives"` {random, constant, zero}: each with `"state_norm"`
        {state name: [n_0 ... n_T]} (sample means), `"saturation"`
        {activation: [fraction at steps 1 ... T]}, `"late_saturation"`
        (its mean over the last tenth), and for random and constant a
        `"verdict"` and the `"input_influence"` measured for it.

    Example:

    >>> import keras, numpy as np
    >>> cell = keras.layers.SimpleRNNCell(2, activation="linear", use_bias=False)
    >>> cell.build((None, 2))
    >>> cell.set_weights([np.eye(2), 0.9 * np.eye(2)])   # h_t = 0.9 h_{t-1} + x_t
    >>> result = stability_test(cell, steps=200)
    >>> result["free_run"]["verdict"], result["free_run"]["merge_step"], result["verdict"]
    ('dies', 66, 'healthy')
    """
    low, high = check_run_arguments(steps, samples, input_range)
    anatomy = describe_cell(cell, input_dim)
    rng = np.random.default_rng(seed)
    size, features = anatomy.state_size, anatomy.input_dim

    def start():
        return rng.uniform(-INITIAL_STATE_RANGE, INITIAL_STATE_RANGE, (samples, size))

    start_a, start_b = start(), start()
    zero = np.zeros((samples, steps, features))
    random = rng.uniform(low, high, (samples, steps, features))
    constant = np.broadcast_to(rng.uniform(low, high, (samples, 1, features)), zero.shape)
    runs = ("zero", "zero_b", "random", "constant")
    inputs = np.concatenate([zero, zero, random, constant]).astype(np.float32)
    initial = np.concatenate([start_a, start_b, start_a, start_a]).astype(np.float32)
    offsets = np.cumsum((0,) + anatomy.state_sizes)
    trajectory = run_cell(
        cell, inputs, [initial[:, a:b] for a, b in zip(offsets[:-1], offsets[1:])]
    )

    def rows(run):
        index = runs.index(run)
        return slice(index * samples, (index + 1) * samples)

    def states_of(run):
        return trajectory.states[rows(run)].astype(np.float64)

    window = _window(steps)
    drives = {}
    for run in ("random", "constant", "zero"):
        saturation = {
            label: fractions[rows(run)]
            for label, fractions in trajectory.saturation.items()
        }
        drives[run] = _drive_report(
            states_of(run), initial[rows(run)], saturation, anatomy, window
        )
    full_norms = {
        run: _mean_curve(_norms(states_of(run), initial[rows(run)].astype(np.float64)))
        for run in runs
    }
    with np.errstate(over="ignore", invalid="ignore"):
        for run in ("random", "constant"):
            verdict = growth_verdict(full_norms[run])
            difference = np.linalg.norm(states_of(run) - states_of("zero"), axis=-1)
            late_difference = difference[:, -window:].mean()
            late_norm = full_norms[run][-window:].mean()
            influence = float(late_difference / late_norm) if late_norm > 0 else 0.0
            if verdict is None:
                verdict = (
                    "fixed_point" if influence < INPUT_INFLUENCE_LEVEL else "healthy"
                )
            drives[run]["verdict"] = verdict
            drives[run]["input_influence"] = influence
        distance = _mean_curve(
            _norms(
                states_of("zero") - states_of("zero_b"),
                (start_a - start_b).astype(np.float64),
            )
        )
    free_verdict, merge_step = _free_run_verdict(
        full_norms["zero"], full_norms["zero_b"], distance
    )
    worst = min(
        (drives[run]["verdict"] for run in ("random", "constant")),
        key=VERDICT_ORDER.index,
    )
    return {
        "steps": int(steps),
        "samples": int(samples),
        "input_range": [low, high],
        "seed": int(seed),
        "verdict": worst,
        "free_run": {
            "verdict": free_verdict,
            "merge_step": merge_step,
            "state_distance": _curve(distance),
        },
        "drives": drives,
    }
