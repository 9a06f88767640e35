"""FusedRNN and the zoo LSTM-family fused layers against keras.layers.RNN."""

import importlib.util
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from autodiff import loss_and_gradients
from harness import run_layer_test
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import numpy_cells
from zoo.layers import CIFGLSTM
from zoo.layers import CoupledGRU
from zoo.layers import fused_rnn
from zoo.layers import CIFGLSTMCell
from zoo.layers import FusedRNN
from zoo.layers import LayerNormGRU
from zoo.layers import LayerNormLSTM
from zoo.layers import LayerNormGRUCell
from zoo.layers import LayerNormLSTMCell
from zoo.layers import LayerNormSimpleRNN
from zoo.layers import LayerNormSimpleRNNCell
from zoo.layers import PeepholeLSTM
from zoo.layers import PeepholeLSTMCell

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 0]], bool)

FAMILIES = [
    (PeepholeLSTM, PeepholeLSTMCell, {}),
    (CIFGLSTM, CIFGLSTMCell, {"use_peepholes": True}),
    (LayerNormLSTM, LayerNormLSTMCell, {}),
]
IDS = [fused.__name__ for fused, _, _ in FAMILIES]
WEIGHT_NORM_FAMILIES = [
    (fused, cell, {**kwargs, "weight_norm": True}) for fused, cell, kwargs in FAMILIES
]
WEIGHT_NORM_IDS = [f"{name}_weight_norm" for name in IDS]


def twins(fused_cls, cell_cls, kwargs, seed=1, **rnn_kwargs):
    """A fused layer and keras.layers.RNN(cell) with the same random weights.

    The fused layer always hoists the projection, inference included, so the
    hoisted path is what these tests compare.
    """
    fused = fused_cls(3, **kwargs, hoist_inputs=True, **rnn_kwargs)
    reference = keras.layers.RNN(cell_cls(3, **kwargs), **rnn_kwargs)
    fused(X)
    reference(X)
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=0.5, size=w.shape) for w in fused.get_weights()]
    fused.set_weights(weights)
    reference.set_weights(fused.get_weights())
    return fused, reference


def assert_close(got, want):
    for a, b in zip(keras.tree.flatten(got), keras.tree.flatten(want)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "fused_cls,cell_cls,kwargs",
    FAMILIES + WEIGHT_NORM_FAMILIES,
    ids=IDS + WEIGHT_NORM_IDS,
)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_outputs_match_keras_rnn(fused_cls, cell_cls, kwargs, go_backwards, mask):
    fused, reference = twins(
        fused_cls, cell_cls, kwargs, return_sequences=True, return_state=True,
        go_backwards=go_backwards,
    )
    initial_state = [RNG.normal(size=(3, 3)).astype("float32") for _ in range(2)]
    assert_close(
        fused(X, mask=mask, initial_state=initial_state),
        reference(X, mask=mask, initial_state=initial_state),
    )


@pytest.mark.parametrize(
    "fused_cls,cell_cls,kwargs",
    FAMILIES + WEIGHT_NORM_FAMILIES,
    ids=IDS + WEIGHT_NORM_IDS,
)
def test_gradients_match_keras_rnn(fused_cls, cell_cls, kwargs):
    fused, reference = twins(
        fused_cls, cell_cls, kwargs, return_sequences=True, go_backwards=True
    )
    mask = MASK
    probe = RNG.normal(size=(3, 5, 3)).astype("float32")
    loss_f, dx_f, dw_f = loss_and_gradients(fused, X, probe, mask=mask)
    loss_r, dx_r, dw_r = loss_and_gradients(reference, X, probe, mask=mask)
    np.testing.assert_allclose(loss_f, loss_r, rtol=1e-5)
    assert_close([dx_f] + dw_f, [dx_r] + dw_r)


@pytest.mark.parametrize("fused_cls,cell_cls,kwargs", FAMILIES, ids=IDS)
def test_last_output_and_zero_output_for_mask(fused_cls, cell_cls, kwargs):
    fused, reference = twins(fused_cls, cell_cls, kwargs)
    assert_close(fused(X, mask=MASK), reference(X, mask=MASK))
    fused, reference = twins(
        fused_cls, cell_cls, kwargs, return_sequences=True, zero_output_for_mask=True
    )
    got = fused(X, mask=MASK)
    assert_close(got, reference(X, mask=MASK))
    assert np.all(np.asarray(got)[~MASK] == 0)


@pytest.mark.parametrize("fused_cls,cell_cls,kwargs", FAMILIES, ids=IDS)
def test_bidirectional_with_masking_layer(fused_cls, cell_cls, kwargs):
    x = X.copy()
    x[~MASK] = 0.0

    def model(layer):
        inputs = keras.Input((5, 4))
        masked = keras.layers.Masking(0.0)(inputs)
        outputs = keras.layers.Bidirectional(layer)(masked)
        return keras.Model(inputs, outputs)

    fused = model(fused_cls(3, return_sequences=True, **kwargs))
    reference = model(keras.layers.RNN(cell_cls(3, **kwargs), return_sequences=True))
    reference.set_weights(fused.get_weights())
    assert_close(fused(x), reference(x))
    assert [w.path.split("/", 1)[1] for w in fused.weights][:1] == [
        w.path.split("/", 1)[1] for w in fused.weights
    ][:1]


def test_stateful_matches_keras_rnn():
    fused = PeepholeLSTM(3, stateful=True, return_sequences=True)
    reference = keras.layers.RNN(PeepholeLSTMCell(3), stateful=True, return_sequences=True)
    for layer in (fused, reference):
        layer(keras.ops.convert_to_tensor(X))
    reference.set_weights(fused.get_weights())
    fused.reset_state()
    reference.reset_state()
    for _ in range(2):  # the second call starts from the first call's state
        assert_close(fused(X), reference(X))
    fused.reset_state()
    reference.reset_state()
    assert_close(fused(X), reference(X))


def test_weights_load_into_cell_version_with_same_paths():
    fused = LayerNormLSTM(3, name="encoder")
    fused(X)
    reference = keras.layers.RNN(LayerNormLSTMCell(3, name="layer_norm_lstm_cell"), name="encoder")
    reference(X)
    reference.set_weights(fused.get_weights())
    assert [w.path for w in fused.weights] == [w.path for w in reference.weights]
    assert_close(fused(X), reference(X))


@pytest.mark.parametrize(
    "fused_cls,cell_cls,kwargs", WEIGHT_NORM_FAMILIES, ids=WEIGHT_NORM_IDS
)
def test_weight_norm_weights_load_both_ways_with_same_paths(
    fused_cls, cell_cls, kwargs
):
    # Weights set in either form load into the other with the same paths,
    # and both compute the same thing afterwards.
    fused = fused_cls(3, name="encoder", return_sequences=True, **kwargs)
    cell = cell_cls(3, name=fused.cell.name, **kwargs)
    reference = keras.layers.RNN(cell, name="encoder", return_sequences=True)
    fused(X)
    reference(X)
    assert [w.path for w in fused.weights] == [w.path for w in reference.weights]
    assert [w.path.split("/")[-1] for w in fused.weights][-2:] == [
        "kernel_g", "recurrent_kernel_g"
    ]
    rng = np.random.default_rng(3)
    reference.set_weights(
        [rng.normal(scale=0.5, size=w.shape) for w in reference.get_weights()]
    )
    fused.set_weights(reference.get_weights())
    assert_close(fused(X, mask=MASK), reference(X, mask=MASK))
    rng = np.random.default_rng(4)
    fused.set_weights(
        [rng.normal(scale=0.5, size=w.shape) for w in fused.get_weights()]
    )
    reference.set_weights(fused.get_weights())
    assert_close(reference(X, mask=MASK), fused(X, mask=MASK))


@pytest.mark.parametrize(
    "fused_cls,cell_cls,kwargs",
    FAMILIES + WEIGHT_NORM_FAMILIES,
    ids=IDS + WEIGHT_NORM_IDS,
)
def test_layer_contract(fused_cls, cell_cls, kwargs):
    run_layer_test(
        fused_cls,
        {"units": 3, "return_sequences": True, "dropout": 0.2,
         "recurrent_dropout": 0.2, "seed": 3, **kwargs},
        X,
        expected_output_shape=(3, 5, 3),
    )


@pytest.mark.parametrize("fused_cls,cell_cls,kwargs", FAMILIES, ids=IDS)
def test_mixed_bfloat16(fused_cls, cell_cls, kwargs):
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        layer = fused_cls(3, return_sequences=True, dropout=0.1, **kwargs)
        out = layer(X, mask=MASK, training=True)
        assert keras.backend.standardize_dtype(out.dtype) == "bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")


def test_dropout_is_variational_and_matches_numpy():
    """Masks drawn once per sequence: the numpy reference with one input and
    one recurrent mask (drawn from a twin seed generator) at every step."""
    # The fused layer draws only when training; the cell in a plain
    # keras.layers.RNN draws in every get_initial_state (also at build).
    for make, draws_before in (
        (lambda: PeepholeLSTM(3, dropout=0.5, recurrent_dropout=0.5, seed=7,
                              return_sequences=True), 0),
        (lambda: keras.layers.RNN(
            PeepholeLSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=7),
            return_sequences=True), 1),
    ):
        layer = make()
        layer(X)
        weights = [np.random.default_rng(2).normal(scale=0.5, size=w.shape)
                   for w in layer.get_weights()]
        layer.set_weights(weights)
        twin = PeepholeLSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=7)
        twin.build((None, 4))
        for _ in range(draws_before):
            twin.make_dropout_masks(3)
        input_mask, recurrent_mask = twin.make_dropout_masks(3)
        want, _, _ = numpy_cells.run_sequence(
            numpy_cells.peephole_lstm_step, weights, X,
            input_mask=np.asarray(input_mask), recurrent_mask=np.asarray(recurrent_mask),
        )
        got = layer(X, training=True)
        np.testing.assert_allclose(np.asarray(got), want,
                                   rtol=1e-5, atol=1e-5)
        # inference: no dropout
        want, _, _ = numpy_cells.run_sequence(numpy_cells.peephole_lstm_step, weights, X)
        assert not np.allclose(np.asarray(got), want, atol=1e-3)
        np.testing.assert_allclose(np.asarray(layer(X)), want, rtol=1e-5, atol=1e-5)


@settings(max_examples=5, deadline=None)
@given(lengths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       go_backwards=st.booleans())
def test_padded_batch_equals_each_sequence_alone(lengths, go_backwards):
    layer = CIFGLSTM(3, use_peepholes=True, return_state=True, go_backwards=go_backwards)
    rng = np.random.default_rng(len(lengths))
    time = max(lengths)
    x = rng.normal(size=(len(lengths), time, 4)).astype("float32")
    mask = np.arange(time)[None, :] < np.array(lengths)[:, None]
    x[~mask] = 0.0
    batch = layer(x, mask=mask)
    for row, length in enumerate(lengths):
        alone = layer(x[row : row + 1, :length])
        for got, want in zip(batch, alone):
            np.testing.assert_allclose(np.asarray(got)[row], np.asarray(want)[0],
                                       rtol=1e-5, atol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`units` must be a positive integer, got 0"):
        PeepholeLSTM(0)
    with pytest.raises(ValueError, match="`dropout` must be a float in"):
        LayerNormLSTM(3, dropout=1.0)
    with pytest.raises(ValueError, match="`recurrent_dropout`"):
        CIFGLSTM(3, recurrent_dropout=-0.1)
    with pytest.raises(ValueError, match="ndim=3"):
        PeepholeLSTM(3)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="one time step"):
        keras.layers.RNN(PeepholeLSTMCell(3))(np.zeros((2, 5, 4, 1), "float32"))
    with pytest.raises(ValueError, match="zoo cell"):
        FusedRNN(keras.layers.LSTMCell(3))


def test_auto_hoists_in_training_and_on_accelerators_only():
    layer = PeepholeLSTM(3)
    assert layer.hoist_inputs == "auto"
    assert layer.hoists(training=True)
    assert layer.hoists(training=False) == fused_rnn.on_accelerator()
    assert PeepholeLSTM(3, hoist_inputs=True).hoists(training=False)
    assert not PeepholeLSTM(3, hoist_inputs=False).hoists(training=True)
    # Dropout masks are drawn before the loop, which needs the hoisted path.
    assert PeepholeLSTM(3, hoist_inputs=False, dropout=0.1).hoists(training=True)
    assert not PeepholeLSTM(3, hoist_inputs=False, dropout=0.1).hoists(training=False)
    with pytest.raises(ValueError, match="hoist_inputs"):
        PeepholeLSTM(3, hoist_inputs="sometimes")


@pytest.mark.parametrize("fused_cls,cell_cls,kwargs", FAMILIES, ids=IDS)
def test_every_hoisting_choice_gives_the_cell_outputs(fused_cls, cell_cls, kwargs):
    hoisted, reference = twins(fused_cls, cell_cls, kwargs, return_sequences=True)
    for choice in ("auto", False):
        layer = fused_cls(3, **kwargs, hoist_inputs=choice, return_sequences=True)
        layer(X)
        layer.set_weights(hoisted.get_weights())
        assert_close(layer(X, mask=MASK), reference(X, mask=MASK))


@pytest.mark.parametrize(
    "cell_cls", [LayerNormLSTMCell, LayerNormGRUCell, LayerNormSimpleRNNCell],
    ids=lambda cls: cls.__name__,
)
@pytest.mark.parametrize("training", [False, True])
def test_fused_rnn_centers_layer_norm_kernels_once_per_call(cell_cls, training):
    # FusedRNN(cell), not only the named layers, computes the centered
    # kernels before its loop: every LN matmul of the call finds them ready.
    cell = cell_cls(3)
    layer = FusedRNN(cell, return_sequences=True)
    layer(X)
    found_hoisted = []
    layer_norm_matmul = cell.layer_norm_matmul

    def recording_layer_norm_matmul(*args, **kwargs):
        found_hoisted.append(cell.__dict__.get("_hoisted_centered_kernels") is not None)
        return layer_norm_matmul(*args, **kwargs)

    object.__setattr__(cell, "layer_norm_matmul", recording_layer_norm_matmul)
    outputs = layer(X, training=training)
    assert found_hoisted and all(found_hoisted)
    assert cell.__dict__.get("_hoisted_centered_kernels") is None  # reset after the call
    object.__delattr__(cell, "layer_norm_matmul")
    np.testing.assert_allclose(outputs, keras.layers.RNN(cell, return_sequences=True)(X),
                               rtol=1e-5, atol=1e-6)


TORCH_PROGRAM = """
import json, sys
import keras, numpy as np
import zoo.layers

arrays = np.load(sys.argv[1])
outputs = {}
for index, (name, kwargs) in enumerate(json.loads(sys.argv[2])):
    for hoist in ("auto", True):
        layer = getattr(zoo.layers, name)(3, **kwargs, hoist_inputs=hoist, return_sequences=True)
        layer(arrays["x"])
        layer.set_weights([arrays[f"{index}_{k}"] for k in range(len(layer.weights))])
        got = layer(arrays["x"], mask=arrays["mask"])
        outputs[f"{index}_{hoist}"] = keras.ops.convert_to_numpy(got)
np.savez(sys.argv[3], **outputs)
"""


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_every_fused_layer_gives_the_same_outputs_on_the_torch_backend(tmp_path):
    families = [(fused, kwargs) for fused, _, kwargs in FAMILIES] + [
        (CoupledGRU, {}), (LayerNormGRU, {}), (LayerNormSimpleRNN, {}),
    ]
    arrays, expected = {"x": X, "mask": MASK}, []
    for index, (fused_cls, kwargs) in enumerate(families):
        layer = fused_cls(3, **kwargs, return_sequences=True)
        layer(X)
        rng = np.random.default_rng(index)
        weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
        layer.set_weights(weights)
        arrays.update({f"{index}_{k}": w for k, w in enumerate(weights)})
        expected.append(keras.ops.convert_to_numpy(layer(X, mask=MASK)))
    np.savez(tmp_path / "inputs.npz", **arrays)
    names = json.dumps([(fused_cls.__name__, kwargs) for fused_cls, kwargs in families])
    result = subprocess.run(
        [sys.executable, "-c", TORCH_PROGRAM, str(tmp_path / "inputs.npz"), names,
         str(tmp_path / "outputs.npz")],
        capture_output=True, text=True, env={**os.environ, "KERAS_BACKEND": "torch"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = np.load(tmp_path / "outputs.npz")
    for index, want in enumerate(expected):
        for hoist in ("auto", True):
            np.testing.assert_allclose(outputs[f"{index}_{hoist}"], want, rtol=1e-5, atol=1e-6)
