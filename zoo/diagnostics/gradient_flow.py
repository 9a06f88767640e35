"""||dLoss / dh_t|| at every step of every RNN layer, on one batch.

Vanishing and exploding gradients through time show as the gradient of the
loss with respect to the state h_t shrinking or growing geometrically as t
moves away from where the loss is. To measure dLoss/dh_t for every t the
state must be something autodiff can differentiate against, so for the
duration of the measurement each RNN layer of the model runs its cell in a
Python loop that adds a perturbation to the new states of every step,

    s_t = cell(x_t, s_{t-1}) + e_t,        e_t = 0,

and dLoss/de_t = dLoss/ds_t: the total derivative through everything that
comes after step t (later steps, later layers, the loss). The numbers are
those of the model (the loop does what `keras.layers.RNN`'s does: masks,
`go_backwards`, `zero_output_for_mask`), at inference (no dropout). A
masked step keeps its state, perturbation dropped, so its gradient is 0.
The loop replaces the layer's `inner_loop` on the instance and is removed
afterwards.

Steps are in the order the recurrence runs them: for a backward layer of a
`Bidirectional`, step 0 is the last position of the sequence. The norm at a
step is per sequence (root mean square over the sequences the step
updates), so a padded batch, where late steps update few sequences, gives
comparable numbers at every step.
"""

import contextlib

import keras
import numpy as np
from keras import ops

from zoo.diagnostics.autodiff import run_for_shapes
from zoo.diagnostics.autodiff import value_and_gradients
from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.cell_trajectory import call_cell
from zoo.diagnostics.find_recurrent_cells import find_rnn_layers
from zoo.diagnostics.find_recurrent_cells import is_recurrent_cell


class _StatePerturbations:
    """Shapes of the perturbations (first pass), then their values (second)."""

    def __init__(self):
        self.calls = []  # [(layer, shapes)] in call order
        self.unmasked = []  # per call: unmasked fraction per step, or None
        self.values = None
        self.position = 0

    def take(self, layer, shapes):
        if self.values is None:
            self.calls.append((layer, shapes))
            return None
        if self.position >= len(self.calls) or self.calls[self.position] != (layer, shapes):
            raise ValueError(
                "The model called its RNN layers differently on two identical "
                "forward passes; gradient_flow needs a deterministic model."
            )
        values = self.values[self.position]
        self.position += 1
        return values


def _perturbed_inner_loop(layer, perturbations):
    """A replacement for `layer.inner_loop` that adds perturbations to states.

    It runs `keras.ops.scan` over the time steps (a compiled loop on JAX, so
    a long sequence is not unrolled into the graph) and does what Keras' own
    loop does with masks, `go_backwards` and `zero_output_for_mask`.
    """

    def inner_loop(sequences, initial_state, mask, training=False):
        cell = layer.cell
        structure = initial_state
        states = keras.tree.flatten(initial_state)
        batch, time = int(sequences.shape[0]), int(sequences.shape[1])
        shapes = tuple((batch, time, int(state.shape[-1])) for state in states)
        if mask is not None and keras.tree.is_nested(mask):
            mask = keras.tree.flatten(mask)[0]
        additions = perturbations.take(layer, shapes)
        if additions is None:
            additions = [ops.zeros(shape, states[0].dtype) for shape in shapes]
        if mask is None:
            keep = ops.ones((batch, time), dtype="bool")
        else:
            keep = ops.cast(mask, "bool")
        if layer.go_backwards:
            sequences, keep = ops.flip(sequences, axis=1), ops.flip(keep, axis=1)
        if perturbations.values is not None:
            # Per processing step, the fraction of sequences it updates.
            perturbations.unmasked.append(
                None if mask is None else ops.mean(ops.cast(keep, "float32"), axis=0)
            )
        # Time-major, in processing order (the additions already are).
        xs = [
            ops.moveaxis(sequences, 1, 0),
            ops.moveaxis(keep, 1, 0),
            *[ops.moveaxis(ops.cast(a, s.dtype), 1, 0) for a, s in zip(additions, states)],
        ]
        no_output = ops.zeros((batch, int(cell.output_size)), dtype=states[0].dtype)

        def step(carry, x):
            old_states, previous_output = carry[:-1], carry[-1]
            inputs, keep_t, adds = x[0], ops.expand_dims(x[1], -1), x[2:]
            output, new_states = call_cell(
                cell, inputs, keras.tree.pack_sequence_as(structure, old_states)
            )
            output_is_state = output is new_states[0]
            new_states = [state + add for state, add in zip(new_states, adds)]
            if output_is_state:
                output = new_states[0]
            # A masked step keeps the old state (and drops its perturbation).
            new_states = [
                ops.where(keep_t, new, old) for new, old in zip(new_states, old_states)
            ]
            fallback = ops.zeros_like(output) if layer.zero_output_for_mask else previous_output
            output = ops.cast(ops.where(keep_t, output, fallback), previous_output.dtype)
            carry = [*new_states, output]
            return carry, carry

        final, stacked = ops.scan(step, [*states, no_output], xs)
        outputs = ops.moveaxis(stacked[-1], 0, 1)
        return outputs[:, -1], outputs, keras.tree.pack_sequence_as(structure, final[:-1])

    return inner_loop


@contextlib.contextmanager
def _perturbed(layers, perturbations):
    for layer in layers:
        layer.inner_loop = _perturbed_inner_loop(layer, perturbations)
    try:
        yield
    finally:
        for layer in layers:
            del layer.inner_loop


def _loss_function(model, loss):
    if loss is None:
        overridden = type(model).compute_loss is not keras.Model.compute_loss
        if not isinstance(model, keras.Model) or not (
            overridden or getattr(model, "compiled", False)
        ):
            raise ValueError(
                "gradient_flow needs a loss: pass `loss` (a callable "
                "loss(y_true, y_pred), or a Keras loss name such as \"mse\"), "
                "or a compiled model or one whose `compute_loss` is its loss."
            )
        return lambda x, y, y_pred: model.compute_loss(
            x=x, y=y, y_pred=y_pred, training=False
        )
    loss = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss
    if not callable(loss):
        raise ValueError(f"`loss` must be callable or a Keras loss name, got {loss!r}.")
    return lambda x, y, y_pred: ops.mean(loss(y, y_pred))


def _state_names(cell, count):
    try:
        names = describe_cell(cell).state_names
    except ValueError:
        names = ()
    if len(names) == count:
        return list(names)
    return ["h"] + [f"state{k}" for k in range(1, count)]


def gradient_flow(model, x, y=None, loss=None):
    """||dLoss / ds_t|| for every state s (h, c) and step t of every RNN layer.

    See the module docstring for how the state is differentiated against.

    Args:
        model: a Keras model or layer containing RNN layers (`keras.layers`
            RNN/LSTM/GRU/SimpleRNN, `Bidirectional`, zoo fused layers), or
            a recurrent cell (run as `keras.layers.RNN(cell,
            return_sequences=True)`, so `y_pred` is the sequence of h).
        x: the model's input batch.
        y: the targets, passed to the loss.
        loss: callable `loss(y_true, y_pred)` (averaged to a scalar) or a
            Keras loss name such as `"mse"`; None uses
            `model.compute_loss(x, y, y_pred)` (a compiled model, or a
            model that defines its own, like `zoo.models.SequenceTagger`).

    Returns:
        dict: `"loss"` (its value) and `"layers"`, one entry per call of an
        RNN layer: `"path"`, `"cell"` (class name), `"direction"`,
        `"steps"`, `"gradient_norm"` {state name: [||dLoss/ds_t|| for t in
        processing order]}, each the root mean square, over the sequences
        step t updates, of one sequence's gradient norm (without a mask:
        the Frobenius norm over the batch / sqrt(batch)),
        `"unmasked_fraction"` (with a mask: per step, the fraction of the
        sequences it updates; a masked step keeps its state, so its
        gradient is 0), `"active_steps"`: [first, last] step that updates
        any sequence, and `"first_over_last"`: ||dLoss/dh_t|| at the first
        over the last of them.

    Example:

    >>> import keras, numpy as np
    >>> rnn = keras.layers.SimpleRNN(2, activation="linear", use_bias=False)
    >>> rnn.build((None, 5, 2))
    >>> rnn.set_weights([np.eye(2), 0.5 * np.eye(2)])   # h_t = 0.5 h_{t-1} + x_t
    >>> flow = gradient_flow(rnn, np.ones((1, 5, 2)), np.zeros((1, 2)), "mse")
    >>> [round(g / flow["layers"][0]["gradient_norm"]["h"][-1], 4)
    ...  for g in flow["layers"][0]["gradient_norm"]["h"]]   # 0.5^(T-1-t)
    [0.0625, 0.125, 0.25, 0.5, 1.0]
    """
    if is_recurrent_cell(model):
        model = keras.layers.RNN(model, return_sequences=True)
    if not isinstance(model, keras.layers.Layer):
        raise ValueError(
            f"gradient_flow takes a Keras model, layer or cell, got {type(model).__name__}."
        )
    layers = find_rnn_layers(model)
    if not layers:
        raise ValueError(f"{model.name} has no RNN layers to measure gradients in.")
    paths = {id(layer): path for path, layer in layers}
    loss_of = _loss_function(model, loss)
    perturbations = _StatePerturbations()
    with _perturbed([layer for _, layer in layers], perturbations):
        # Records the shape of every state (traced, not computed, on JAX).
        run_for_shapes(lambda: model(x, training=False))
        if not perturbations.calls:
            raise ValueError(f"{model.name}'s forward pass ran none of its RNN layers.")
        zeros = [
            np.zeros(shape, np.float32)
            for _, shapes in perturbations.calls
            for shape in shapes
        ]
        counts = [len(shapes) for _, shapes in perturbations.calls]

        def loss_at(*flat):
            split = np.cumsum([0] + counts)
            perturbations.values = [
                list(flat[a:b]) for a, b in zip(split[:-1], split[1:])
            ]
            perturbations.position = 0
            perturbations.unmasked = []
            loss = loss_of(x, y, model(x, training=False))
            return loss, list(perturbations.unmasked)

        loss_value, unmasked, grads = value_and_gradients(loss_at, zeros)
    grads = [np.asarray(ops.convert_to_numpy(g), dtype=np.float64) for g in grads]
    entries, position = [], 0
    calls_seen = {}
    for (layer, shapes), fraction in zip(perturbations.calls, unmasked):
        if fraction is not None:
            fraction = [float(v) for v in np.asarray(ops.convert_to_numpy(fraction))]
        names = _state_names(layer.cell, len(shapes))
        batch = shapes[0][0]
        # Sequences each step updates (a masked step keeps its state: its
        # gradient is 0 and it is not counted).
        active_count = batch * (np.ones(shapes[0][1]) if fraction is None else np.array(fraction))
        norms = {}
        for name in names:
            g = grads[position]
            position += 1
            squares = np.sum(g * g, axis=(0, 2))
            with np.errstate(divide="ignore", invalid="ignore"):
                rms = np.where(active_count > 0, np.sqrt(squares / active_count), 0.0)
            norms[name] = [float(v) for v in rms]
        h = norms[names[0]]
        active = np.nonzero(fraction)[0] if fraction is not None else np.arange(len(h))
        first, last = (h[active[0]], h[active[-1]]) if len(active) else (0.0, 0.0)
        call = calls_seen.get(id(layer), 0)
        calls_seen[id(layer)] = call + 1
        entries.append(
            {
                "path": paths[id(layer)],
                "cell": type(layer.cell).__name__,
                "direction": "backward" if layer.go_backwards else "forward",
                "call": call,
                "steps": len(h),
                "gradient_norm": norms,
                "unmasked_fraction": fraction,
                "active_steps": [int(active[0]), int(active[-1])] if len(active) else None,
                "first_over_last": float(first / last) if last > 0 else None,
            }
        )
    return {"loss": float(np.asarray(ops.convert_to_numpy(loss_value))), "layers": entries}


def compare_gradient_flow(before, after):
    """How the gradient flow of one model changed, e.g. through training.

    Args:
        before, after: `gradient_flow` results of two models with the same
            RNN layers (the same architecture, e.g. before and after
            training), on the same batch.

    Returns:
        dict with `"layers"`: per RNN layer call, the path (of `after`),
        `"first_over_last"` before and after, and `"mean_log10_change"`,
        the mean over t of log10(||dL/dh_t|| after / before).

    Example:

    >>> before = {"loss": 1.0, "layers": [{"path": "rnn", "direction": "forward",
    ...     "cell": "LSTMCell", "gradient_norm": {"h": [0.001, 0.1]}, "first_over_last": 0.01}]}
    >>> after = {"loss": 0.1, "layers": [{"path": "rnn", "direction": "forward",
    ...     "cell": "LSTMCell", "gradient_norm": {"h": [0.1, 0.1]}, "first_over_last": 1.0}]}
    >>> compare_gradient_flow(before, after)["layers"][0]["mean_log10_change"]
    1.0
    """
    if len(before["layers"]) != len(after["layers"]):
        raise ValueError(
            f"Cannot compare gradient flows of {len(before['layers'])} and "
            f"{len(after['layers'])} RNN layer calls: the models differ."
        )
    layers = []
    for old, new in zip(before["layers"], after["layers"]):
        if old["cell"] != new["cell"]:
            raise ValueError(
                f"Cannot compare a {old['cell']} with a {new['cell']}: the models differ."
            )
        old_h = np.asarray(next(iter(old["gradient_norm"].values())), dtype=np.float64)
        new_h = np.asarray(next(iter(new["gradient_norm"].values())), dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.log10(new_h) - np.log10(old_h)
        finite = change[np.isfinite(change)]
        layers.append(
            {
                "path": new["path"],
                "direction": new["direction"],
                "first_over_last_before": old["first_over_last"],
                "first_over_last_after": new["first_over_last"],
                "mean_log10_change": float(finite.mean()) if len(finite) else None,
            }
        )
    return {"loss_before": before["loss"], "loss_after": after["loss"], "layers": layers}
