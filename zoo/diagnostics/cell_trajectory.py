"""Run a cell over a long input sequence and record its states and saturation.

`run_cell(cell, inputs, initial_states)` runs the cell in Keras' own
compiled time loop (`keras.layers.RNN` inside a functional model, so
`predict_on_batch` compiles it with XLA on TensorFlow and `jax.jit` on JAX)
and returns every state at every step. On the way it measures how saturated
each activation of the step is: while the loop is traced, the cell's
`activation` and `recurrent_activation` are wrapped by recorders that see
every call (for an LSTM: sigma(i), sigma(f), tanh(candidate), sigma(o),
tanh(c)), and the step also outputs, per call, the fraction of units whose
activation is saturated:

    tanh-like:     |a| > 0.99
    sigmoid-like:  a < 0.01 or a > 0.99

(there the derivative is below 0.02 and 0.01: a saturated unit passes almost
no gradient and barely responds to its input). Other activations (linear,
relu) do not saturate and are not counted. The wrappers are removed after
the trace, whatever happens.
"""

import dataclasses
import inspect

import keras
import numpy as np
from keras import ops

from zoo.diagnostics.autodiff import run_for_shapes
from zoo.diagnostics.cell_anatomy import describe_cell

SATURATION_LEVEL = 0.99
TANH_LIKE = ("tanh", "hard_tanh")
SIGMOID_LIKE = ("sigmoid", "hard_sigmoid")


def saturation_kind(activation):
    """`"tanh"`, `"sigmoid"` or None (an activation that does not saturate)."""
    name = getattr(activation, "__name__", "")
    if name in TANH_LIKE:
        return "tanh"
    if name in SIGMOID_LIKE:
        return "sigmoid"
    return None


def saturated(values, kind):
    """Boolean tensor: which entries of `values` are saturated for `kind`."""
    if kind == "tanh":
        return ops.greater(ops.abs(values), SATURATION_LEVEL)
    return ops.logical_or(
        ops.less(values, 1.0 - SATURATION_LEVEL), ops.greater(values, SATURATION_LEVEL)
    )


class _Recorder:
    def __init__(self, activation, attribute, log):
        self.activation = activation
        self.attribute = attribute
        self.log = log
        self.__name__ = getattr(activation, "__name__", "activation")

    def __call__(self, values):
        result = self.activation(values)
        self.log.append((self.attribute, result))
        return result


def call_cell(cell, inputs, states, log=None):
    """`cell(inputs, states)` at inference; with `log`, records activations.

    Returns `(output, new_states)` with `new_states` a flat list.
    """
    attributes = [
        name
        for name in ("activation", "recurrent_activation")
        if callable(getattr(cell, name, None))
    ]
    originals = {name: getattr(cell, name) for name in attributes}
    if log is not None:
        for name in attributes:
            setattr(cell, name, _Recorder(originals[name], name, log))
    try:
        if "training" in inspect.signature(cell.call).parameters:
            output, new_states = cell(inputs, states, training=False)
        else:
            output, new_states = cell(inputs, states)
    finally:
        for name in attributes:
            setattr(cell, name, originals[name])
    return output, keras.tree.flatten(new_states)


class _SaturationProbe(keras.layers.Layer):
    """A cell whose output is [all new states, saturated fraction per call]."""

    def __init__(self, cell, calls, **kwargs):
        super().__init__(**kwargs)
        self.cell = cell
        self.calls = calls  # [(attribute, kind)] in call order
        self.state_size = cell.state_size
        self.output_size = sum(keras.tree.flatten(cell.state_size)) + len(calls)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, states):
        log = []
        _, new_states = call_cell(self.cell, inputs, states, log)
        if len(log) != len(self.calls):
            raise ValueError(
                f"{type(self.cell).__name__} made {len(log)} activation calls in "
                f"one step and {len(self.calls)} in another."
            )
        columns = [ops.cast(state, "float32") for state in new_states]
        for (_, values), (_, kind) in zip(log, self.calls):
            if kind is None:
                fraction = ops.zeros_like(values[..., :1], dtype="float32")
            else:
                fraction = ops.mean(
                    ops.cast(saturated(values, kind), "float32"), axis=-1, keepdims=True
                )
            columns.append(fraction)
        return ops.concatenate(columns, axis=-1), new_states


@dataclasses.dataclass
class CellTrajectory:
    """Every state of a run, and the saturated fraction of every activation.

    Attributes:
        states: float array [batch, time, all states], the states after
            each step, concatenated in the cell's order (h first).
        saturation: dict {activation name: array [batch, time]}, the
            fraction of saturated units of each saturating activation call.
        saturation_kinds: dict {activation name: "tanh" or "sigmoid"}.

    Example:

    ```python
    import keras
    import numpy as np
    from zoo.diagnostics import run_cell

    cell = keras.layers.GRUCell(4)
    cell.build((None, 3))
    inputs = np.random.default_rng(0).uniform(-1, 1, (2, 50, 3))
    trajectory = run_cell(cell, inputs, [np.zeros((2, 4))])
    trajectory.states.shape          # (2, 50, 4): h after each step
    trajectory.saturation["z"]       # (2, 50): saturated fraction of the update gate
    ```
    """

    states: np.ndarray
    saturation: dict
    saturation_kinds: dict


def activation_calls(cell, input_dim):
    """[(attribute, kind)] of the activation calls one step makes."""
    sizes = keras.tree.flatten(cell.state_size)
    log = []

    def one_step():
        states = [ops.zeros((1, size), dtype=cell.compute_dtype) for size in sizes]
        inputs = ops.zeros((1, input_dim), dtype=cell.compute_dtype)
        return call_cell(cell, inputs, states, log)

    run_for_shapes(one_step)
    return [(attribute, saturation_kind(getattr(cell, attribute))) for attribute, _ in log]


def activation_labels(calls, anatomy):
    """A name per activation call: the cell's own names, or generic ones."""
    names = anatomy.activation_names
    if names is not None and len(names) == len(calls):
        return list(names)
    counts = {}
    labels = []
    for attribute, _ in calls:
        counts[attribute] = counts.get(attribute, 0) + 1
        labels.append(f"{attribute}_{counts[attribute]}")
    return labels


def run_cell(cell, inputs, initial_states):
    """Run `cell` over `inputs` from `initial_states` in a compiled loop.

    Args:
        cell: a built recurrent cell.
        inputs: float array [batch, time, features].
        initial_states: list of float arrays [batch, size], one per state.

    Returns:
        A `CellTrajectory`.
    """
    inputs = np.asarray(inputs, dtype=np.float32)
    if inputs.ndim != 3:
        raise ValueError(f"inputs must have shape [batch, time, features], got {inputs.shape}.")
    try:
        anatomy = describe_cell(cell)
    except ValueError:  # no kernel to read the width from: trust the inputs
        anatomy = describe_cell(cell, input_dim=inputs.shape[-1])
    if inputs.shape[-1] != anatomy.input_dim:
        raise ValueError(
            f"inputs must have shape [batch, time, {anatomy.input_dim}], got "
            f"{inputs.shape}."
        )
    calls = activation_calls(cell, anatomy.input_dim)
    labels = activation_labels(calls, anatomy)
    probe = _SaturationProbe(cell, calls)
    sequence = keras.Input(shape=inputs.shape[1:])
    starts = [keras.Input(shape=(size,)) for size in anatomy.state_sizes]
    outputs = keras.layers.RNN(probe, return_sequences=True)(
        sequence, initial_state=starts
    )
    runner = keras.Model([sequence, *starts], outputs)
    states = [np.asarray(state, dtype=np.float32) for state in initial_states]
    result = np.asarray(runner.predict_on_batch([inputs, *states]))
    size = anatomy.state_size
    saturation, kinds = {}, {}
    for column, (label, (_, kind)) in enumerate(zip(labels, calls)):
        if kind is not None:
            saturation[label] = result[:, :, size + column]
            kinds[label] = kind
    return CellTrajectory(result[:, :, :size], saturation, kinds)
