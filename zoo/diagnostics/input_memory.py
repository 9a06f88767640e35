"""How long a cell remembers an input: ||dh_t / dx_0|| over t.

The cell reads x_0, x_1, ... (uniform in `input_range`) from a zero state;
s_t is its whole state after reading x_t (h and, for an LSTM, c) and h_t
its output. By the chain rule

    dh_t / dx_0 = P_h  D_t D_{t-1} ... D_1  B_0,
    D_t = ds_t / ds_{t-1}  (state Jacobian of step t),  B_0 = ds_0 / dx_0,

with P_h keeping the rows of h. D_t and B_0 come from the backend's
autodiff (`zoo.diagnostics.autodiff`: `tape.batch_jacobian` on TensorFlow,
`jax.jacrev` on JAX), all steps of all samples at once (each step is one
row of a batch), and their product is accumulated in float64. The result
is the Frobenius norm m_t = ||dh_t / dx_0||, averaged over the samples, and

    relative_t = m_t / m_0
    horizon    = the first t with relative_t < threshold (1e-3): how many
                 steps an input keeps a measurable effect (None: longer than
                 the run)
    decay_rate = exp(slope of log relative_t against t), fitted by least
                 squares: the per-step factor of a geometric decay

For a linear recurrence h_t = lambda h_{t-1} + x_t, relative_t = lambda^t
exactly and the decay rate is lambda.
"""

import numpy as np
from keras import ops

from zoo.diagnostics.autodiff import batch_jacobian_function
from zoo.diagnostics.autodiff import check_backend
from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.cell_trajectory import call_cell
from zoo.diagnostics.cell_trajectory import run_cell
from zoo.diagnostics.stability_test import check_run_arguments

#: Entries of one chunk of per-row Jacobians (2^22 floats, 16 MB in float32).
JACOBIAN_CHUNK_ENTRIES = 2**22
#: Relative norms below this are numerical noise: left out of the fit.
FIT_FLOOR = 1e-12


def _flat_step(cell, anatomy):
    """step(states [rows, S], inputs [rows, F]) -> new states [rows, S]."""
    splits = np.cumsum(anatomy.state_sizes)[:-1].tolist()

    def step(states, inputs):
        parts = ops.split(states, splits, axis=-1) if splits else [states]
        parts = [ops.cast(part, cell.compute_dtype) for part in parts]
        inputs = ops.cast(inputs, cell.compute_dtype)
        _, new_states = call_cell(cell, inputs, list(parts))
        return ops.concatenate(
            [ops.cast(state, "float32") for state in new_states], axis=-1
        )

    return step


def decay_rate(relative):
    """Per-step factor of the best geometric fit to a relative-norm curve."""
    relative = np.asarray(relative, dtype=np.float64)
    steps = np.arange(len(relative))
    keep = np.isfinite(relative) & (relative > FIT_FLOOR)
    if keep.sum() < 2:
        return None
    slope = np.polyfit(steps[keep], np.log(relative[keep]), 1)[0]
    return float(np.exp(slope))


def input_memory(
    cell,
    steps=100,
    samples=4,
    input_range=(-1.0, 1.0),
    seed=0,
    threshold=1e-3,
    input_dim=None,
    inputs=None,
):
    """||dh_t / dx_0|| for t = 0 ... steps - 1: how long an input is remembered.

    See the module docstring for the method.

    Args:
        cell: a built recurrent cell (Keras or zoo).
        steps: int. Steps after x_0 to follow, default 100.
        samples: int. Input sequences averaged over, default 4.
        input_range: (low, high). Range of the uniform inputs, default (-1, 1).
        seed: int. Seed of the inputs, default 0.
        threshold: float in (0, 1). Relative norm that ends the memory
            horizon, default 1e-3.
        input_dim: int. Input features, default read from the cell's kernel.
        inputs: float array [samples, steps, features], or None. Your own
            input sequences (of a task) instead of uniform ones; they set
            `steps` and `samples`. Default None.

    Returns:
        dict: `"jacobian_norm"` [m_0 ... m_{steps-1}], `"relative"`
        [m_t / m_0], `"horizon"` (int or None), `"decay_rate"` (float or
        None), and the settings. If x_0 does not reach the state at all
        (m_0 = 0), `"relative"` is empty and `"note"` says so.

    Example:

    >>> import keras, numpy as np
    >>> cell = keras.layers.SimpleRNNCell(2, activation="linear", use_bias=False)
    >>> cell.build((None, 2))
    >>> cell.set_weights([np.eye(2), 0.5 * np.eye(2)])   # h_t = 0.5 h_{t-1} + x_t
    >>> memory = input_memory(cell, steps=20)
    >>> memory["horizon"], round(memory["decay_rate"], 6)   # 0.5^10 < 1e-3
    (10, 0.5)
    """
    check_backend()
    own_inputs = inputs is not None
    if own_inputs:
        inputs = np.asarray(inputs, dtype=np.float32)
        if inputs.ndim != 3:
            raise ValueError(
                f"`inputs` must have shape [samples, steps, features], got {inputs.shape}."
            )
        samples, steps = inputs.shape[:2]
    low, high = check_run_arguments(steps, samples, input_range)
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"`threshold` must be in (0, 1), got {threshold!r}.")
    anatomy = describe_cell(cell, input_dim)
    size, features, units = anatomy.state_size, anatomy.input_dim, anatomy.units
    if own_inputs and inputs.shape[-1] != features:
        raise ValueError(
            f"`inputs` have {inputs.shape[-1]} features; the cell takes {features}."
        )
    if not own_inputs:
        rng = np.random.default_rng(seed)
        inputs = rng.uniform(low, high, (samples, steps, features)).astype(np.float32)
    zero_states = [np.zeros((samples, n), np.float32) for n in anatomy.state_sizes]
    states = run_cell(cell, inputs, zero_states).states
    previous = np.concatenate([np.zeros((samples, 1, size), np.float32), states[:, :-1]], 1)

    # One row per (step, sample), time-major: (s_{t-1}, x_t). The Jacobian of
    # the step with respect to both gives D_t (the s columns) and, at t = 0,
    # B_0 (the x columns); chunks of whole steps keep memory bounded and the
    # running product J_t = D_t J_{t-1} goes forward chunk by chunk.
    step = _flat_step(cell, anatomy)
    jacobian_of = batch_jacobian_function(lambda z: step(z[:, :size], z[:, size:]))
    joint = np.concatenate(
        [previous.transpose(1, 0, 2), inputs.transpose(1, 0, 2)], axis=-1
    ).reshape(steps * samples, size + features)
    rows = len(joint)
    steps_per_chunk = max(1, JACOBIAN_CHUNK_ENTRIES // (samples * size * (size + features)))
    chunk = min(rows, samples * steps_per_chunk)
    norms = np.empty((samples, steps))
    jacobian = None
    with np.errstate(over="ignore", invalid="ignore"):
        for first in range(0, rows, chunk):
            index = np.arange(first, first + chunk).clip(max=rows - 1)
            block = jacobian_of(ops.convert_to_tensor(joint[index]))
            block = np.asarray(ops.convert_to_numpy(block), np.float64)[: rows - first]
            for offset in range(0, len(block), samples):
                t = (first + offset) // samples
                rows_t = block[offset : offset + samples]
                if t == 0:
                    jacobian = rows_t[:, :, size:]  # B_0 = ds_0/dx_0
                else:
                    jacobian = rows_t[:, :, :size] @ jacobian  # D_t J_{t-1}
                norms[:, t] = np.linalg.norm(jacobian[:, :units], axis=(1, 2))
        curve = norms.mean(axis=0)
    result = {
        "steps": int(steps),
        "samples": int(samples),
        "input_range": None if own_inputs else [low, high],
        "seed": int(seed),
        "threshold": float(threshold),
        "jacobian_norm": [float(value) for value in curve],
        "relative": [],
        "horizon": None,
        "decay_rate": None,
    }
    if not curve[0] > 0:
        result["note"] = "x_0 does not reach the state: dh_0/dx_0 = 0."
        return result
    relative = curve / curve[0]
    below = np.nonzero(relative < threshold)[0]
    result["relative"] = [float(value) for value in relative]
    result["horizon"] = int(below[0]) if len(below) else None
    result["decay_rate"] = decay_rate(relative)
    return result
