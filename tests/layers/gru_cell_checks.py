"""Shared checks for the GRU-family / layer-norm cell tests and their layers.

Kept here so that the test files stay short; the references are in
`numpy_gru_cells.py`, the backend-specific autodiff in `autodiff.py` (shared
with the LSTM-family tests).
"""

import contextlib
import copy

import keras
import numpy as np
from hypothesis import strategies as st

import numpy_gru_cells as ref
from autodiff import first_output
from autodiff import float64_context
from autodiff import loss_and_gradients
from numpy_weight_norm import weight_normalize


@keras.saving.register_keras_serializable(package="zoo_tests")
class CellRNN(keras.layers.RNN):
    """keras.layers.RNN for `run_layer_test`: its `from_config` copies.

    Keras' `RNN.from_config` pops "cell" out of the dict it is given, so
    the harness' `restored.get_config() == config` check would compare
    against a config without its cell.
    """

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return super().from_config(copy.deepcopy(config), custom_objects)


# ---------------------------------------------------------------- weights
def set_random_weights(layer, seed=0, scale=0.6):
    """Random normal weights; LN gains and weight-norm lengths near 1."""
    rng = np.random.default_rng(seed)
    for variable in layer.trainable_weights:
        shape = tuple(variable.shape)
        value = rng.normal(size=shape) * scale
        if variable.name.endswith("gamma") or variable.name.endswith("_g"):
            value = 1.0 + 0.3 * rng.normal(size=shape)
        variable.assign(value.astype(keras.backend.standardize_dtype(variable.dtype)))


def variables_by_name(cell):
    return {v.name: v for v in cell.weights}


def numpy_weights(cell):
    return {
        name: keras.ops.convert_to_numpy(v).astype("float64")
        for name, v in variables_by_name(cell).items()
    }


def reference_weights(values):
    """Keras variable names -> the reference's W, U, b, gamma_x, gamma_h."""
    W, U = values["kernel"], values["recurrent_kernel"]
    if "kernel_g" in values:
        W = weight_normalize(W, values["kernel_g"])
        U = weight_normalize(U, values["recurrent_kernel_g"])
    out = {"W": W, "U": U}
    out["b"] = values.get("bias", np.zeros(U.shape[1]))
    if "kernel_norm_gamma" in values:
        out["gamma_x"] = values["kernel_norm_gamma"]
        out["gamma_h"] = values["recurrent_norm_gamma"]
    return out


NUMPY_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0)}


def reference_step(cell):
    """The numpy step function matching a cell's class and options."""
    name = type(cell).__name__
    reset_after = getattr(cell, "reset_after", False)
    if name == "CoupledGRUCell":
        return lambda x, h, w: ref.coupled_gru_step(x, h, w, reset_after)
    if name == "LayerNormGRUCell":
        return lambda x, h, w: ref.layer_norm_gru_step(
            x, h, w, cell.epsilon, reset_after
        )
    if name == "LayerNormSimpleRNNCell":
        activation = NUMPY_ACTIVATIONS[keras.activations.serialize(cell.activation)]
        return lambda x, h, w: ref.layer_norm_simple_rnn_step(
            x, h, w, cell.epsilon, activation
        )
    raise AssertionError(name)


def reference_run(cell, xs, h0=None, mask=None, values=None):
    values = numpy_weights(cell) if values is None else values
    weights = reference_weights(values)
    step = reference_step(cell)
    xs = np.asarray(xs, "float64")
    if h0 is None:
        h0 = np.zeros((xs.shape[0], cell.units))
    return ref.run_sequence(lambda x, h: step(x, h, weights), xs, h0, mask)


def check_gradients_against_finite_differences(cell_factory, seed=0):
    """Autodiff of RNN(cell) in float64 vs central differences of numpy.

    The loss is sum(C * h_1..T) on a tiny case (batch 2, time 3, features
    2, units 2); every weight entry and every input entry is checked. The
    tolerance allows for XLA's float64 tanh on CPU (about 3e-8 off); a
    wrong gradient term is off by orders of magnitude more.
    """
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(2, 3, 2))
    cotangent = rng.normal(size=(2, 3, 2))
    with float64_context():
        cell = cell_factory(2, dtype="float64")
        layer = keras.layers.RNN(cell, return_sequences=True, dtype="float64")
        layer(xs)
        set_random_weights(layer, seed=seed)
        _, grad_x, grads = loss_and_gradients(layer, xs, cotangent)
        values = numpy_weights(cell)
    names = [v.name for v in layer.trainable_variables]

    def loss(values, xs):
        outputs, _ = reference_run(cell, xs, values=values)
        return float((outputs * cotangent).sum())

    eps = 1e-6
    for name, grad in zip(names, grads):
        numeric = np.zeros_like(values[name])
        for index in np.ndindex(numeric.shape):
            plus = {k: v.copy() for k, v in values.items()}
            minus = {k: v.copy() for k, v in values.items()}
            plus[name][index] += eps
            minus[name][index] -= eps
            numeric[index] = (loss(plus, xs) - loss(minus, xs)) / (2 * eps)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-6, err_msg=name)
    numeric_x = np.zeros_like(xs)
    for index in np.ndindex(xs.shape):
        plus, minus = xs.copy(), xs.copy()
        plus[index] += eps
        minus[index] -= eps
        numeric_x[index] = (loss(values, plus) - loss(values, minus)) / (2 * eps)
    np.testing.assert_allclose(grad_x, numeric_x, rtol=1e-5, atol=1e-6)


# --------------------------------------------------- fused vs keras RNN
def paired_layers(fused_cls, units=3, features=4, seed=0, **kwargs):
    """A fused layer and keras.layers.RNN(its cell class) with equal weights.

    The fused layer always hoists its input projection (inference included),
    so the hoisted path is the one compared.
    """
    rnn_kwargs = {
        k: kwargs.pop(k)
        for k in list(kwargs)
        if k in ("return_sequences", "return_state", "go_backwards")
    }
    fused = fused_cls(units, hoist_inputs=True, **rnn_kwargs, **kwargs)
    cell = fused.cell_class(units, **kwargs)
    plain = keras.layers.RNN(cell, **rnn_kwargs)
    x = np.zeros((1, 2, features), "float32")
    fused(x)
    plain(x)
    set_random_weights(fused, seed=seed)
    plain.set_weights(fused.get_weights())
    return fused, plain


def assert_same_outputs_and_gradients(first, second, x, **call_kwargs):
    out_a = first(x, **call_kwargs)
    out_b = second(x, **call_kwargs)
    for a, b in zip(keras.tree.flatten(out_a), keras.tree.flatten(out_b)):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(a),
            keras.ops.convert_to_numpy(b),
            rtol=1e-5,
            atol=1e-6,
        )
    shape = tuple(first_output(out_a).shape)
    cotangent = np.random.default_rng(1).normal(size=shape).astype("float32")
    loss_a, gx_a, grads_a = loss_and_gradients(first, x, cotangent, **call_kwargs)
    loss_b, gx_b, grads_b = loss_and_gradients(second, x, cotangent, **call_kwargs)
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-5, atol=1e-6)
    assert len(grads_a) == len(grads_b)
    for a, b in zip(grads_a + [gx_a], grads_b + [gx_b]):
        # float32 reordering noise (the hoisted matmul and layer norm run
        # over [batch, time, ...] instead of per step) is relative to the
        # tensor's scale, not to each entry: an entry near 0 in a gradient
        # of size 10 can be off by ~1e-5.
        scale = max(1.0, float(np.abs(b).max()))
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * scale)


# ------------------------------------------------------------- masking
def padded_batch(sequences, features):
    length = max(len(s) for s in sequences)
    x = np.zeros((len(sequences), length, features), "float32")
    mask = np.zeros((len(sequences), length), bool)
    for i, s in enumerate(sequences):
        x[i, : len(s)] = s
        mask[i, : len(s)] = True
    return x, mask


def padded_batches(features):
    """Hypothesis strategy: 1 to 3 sequences of 1 to 5 steps of `features`
    floats in [-2, 2], what `check_padding_equals_alone` takes."""
    step = st.lists(st.floats(-2, 2, width=32), min_size=features, max_size=features)
    return st.lists(st.lists(step, min_size=1, max_size=5), min_size=1, max_size=3)


def check_padding_equals_alone(layer, sequences, features):
    """A right-padded masked batch == each sequence run alone.

    `layer` returns (sequence outputs, final h): return_sequences and
    return_state.
    """
    x, mask = padded_batch(sequences, features)
    outputs, final = layer(x, mask=mask)[:2]
    outputs = keras.ops.convert_to_numpy(outputs)
    final = keras.ops.convert_to_numpy(final)
    for i, s in enumerate(sequences):
        alone, alone_final = layer(np.asarray(s, "float32")[None])[:2]
        np.testing.assert_allclose(
            outputs[i, : len(s)],
            keras.ops.convert_to_numpy(alone)[0],
            rtol=1e-5,
            atol=1e-6,
        )
        np.testing.assert_allclose(
            final[i], keras.ops.convert_to_numpy(alone_final)[0], rtol=1e-5, atol=1e-6
        )


@contextlib.contextmanager
def dtype_policy(name):
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)
