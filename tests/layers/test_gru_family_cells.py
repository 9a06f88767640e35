"""CoupledGRUCell, LayerNormGRUCell and LayerNormSimpleRNNCell against numpy
(`numpy_gru_cells`), keras.layers.GRU and the cell contract.

The checks every cell passes run once per cell (`CellFamily`); the checks of
one cell alone (Keras' GRU weights, blindness to the kernels' scale, which
weights exist) follow. The fused layers' checks are
`test_fused_gru_family.py`.
"""

import dataclasses

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings

import gru_cell_checks as checks
import numpy_gru_cells as ref
from harness import run_layer_test
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell


@dataclasses.dataclass(frozen=True)
class CellFamily:
    """A cell class and the options and tolerances its checks run with."""

    cell: type
    #: Cell options the numpy comparison over several steps runs over.
    variants: tuple
    #: Cell options the masked numpy comparison runs over.
    mask_variants: tuple
    #: Cell options the finite-difference gradient check runs over.
    gradient_variants: tuple
    #: Cell options of the single-step comparison.
    step_options: dict
    #: Two option sets of the config and Keras round trips.
    configs: tuple
    #: Cell options of the mixed_bfloat16 run.
    bfloat16_options: dict
    #: (constructor arguments, word the error must name) pairs.
    bad_arguments: tuple
    #: rtol, atol of the numpy comparisons (layer norm divides by a
    #: variance computed in float32: looser).
    tolerance: tuple = (1e-4, 1e-5)

    def __str__(self):
        return self.cell.__name__


GRU_VARIANTS = tuple(
    {"reset_after": reset_after, "weight_norm": weight_norm}
    for reset_after in (False, True)
    for weight_norm in (False, True)
)
RESET_AFTER_VARIANTS = ({"reset_after": False}, {"reset_after": True})
SMALL_EPSILON = {"epsilon": 1e-2}  # keeps the float64 finite differences smooth

FAMILIES = [
    CellFamily(
        CoupledGRUCell,
        variants=GRU_VARIANTS,
        mask_variants=RESET_AFTER_VARIANTS,
        gradient_variants=(*RESET_AFTER_VARIANTS, {"weight_norm": True}),
        step_options={},
        configs=(
            {"reset_after": True, "dropout": 0.2, "recurrent_dropout": 0.2, "seed": 1},
            {"weight_norm": True, "use_bias": False, "activation": "relu"},
        ),
        bfloat16_options={"reset_after": True},
        bad_arguments=(
            ({"units": 0}, "units"),
            ({"units": -3}, "units"),
            ({"units": 2.5}, "units"),
            ({"units": 3, "dropout": 1.0}, "dropout"),
            ({"units": 3, "dropout": -0.1}, "dropout"),
            ({"units": 3, "recurrent_dropout": 1.5}, "recurrent_dropout"),
        ),
        tolerance=(1e-5, 1e-5),
    ),
    CellFamily(
        LayerNormGRUCell,
        variants=tuple({**options, **SMALL_EPSILON} for options in GRU_VARIANTS),
        mask_variants=RESET_AFTER_VARIANTS,
        gradient_variants=tuple({**options, **SMALL_EPSILON}
                                for options in RESET_AFTER_VARIANTS),
        step_options={},
        configs=(
            {"reset_after": True, "epsilon": 1e-5, "dropout": 0.2, "recurrent_dropout": 0.2,
             "seed": 1, "gamma_regularizer": "l2", "gamma_constraint": "non_neg"},
            {"weight_norm": True, "use_bias": False},
        ),
        bfloat16_options={},
        bad_arguments=(
            ({"units": 0}, "units"),
            ({"units": -1}, "units"),
            ({"units": 3, "dropout": 1.0}, "dropout"),
            ({"units": 3, "recurrent_dropout": -0.5}, "recurrent_dropout"),
            ({"units": 3, "epsilon": 0.0}, "epsilon"),
            ({"units": 3, "epsilon": "small"}, "epsilon"),
            ({"units": 3, "epsilon": float("nan")}, "epsilon"),
        ),
    ),
    CellFamily(
        LayerNormSimpleRNNCell,
        variants=({**SMALL_EPSILON}, {"weight_norm": True, **SMALL_EPSILON}),
        mask_variants=({},),
        gradient_variants=({**SMALL_EPSILON}, {"weight_norm": True, **SMALL_EPSILON}),
        step_options={"activation": "relu"},
        configs=(
            {"epsilon": 1e-5, "dropout": 0.2, "recurrent_dropout": 0.2, "seed": 1,
             "activation": "relu"},
            {"weight_norm": True, "gamma_initializer": "zeros"},
        ),
        bfloat16_options={"weight_norm": True},
        bad_arguments=(
            ({"units": 0}, "units"),
            ({"units": None}, "units"),
            ({"units": 3, "dropout": 1.0}, "dropout"),
            ({"units": 3, "recurrent_dropout": 2}, "recurrent_dropout"),
            ({"units": 3, "epsilon": -1e-3}, "epsilon"),
        ),
    ),
]
family_parameter = pytest.mark.parametrize("family", FAMILIES, ids=str)


def each_option_set(attribute):
    """pytest parameters (family, options): every option set of every family."""
    return [
        pytest.param(family, options, id=f"{family}-{index}")
        for family in FAMILIES
        for index, options in enumerate(getattr(family, attribute))
    ]


def rnn_with_random_weights(cell, features=4, seed=0, **rnn_kwargs):
    layer = keras.layers.RNN(
        cell, return_sequences=True, return_state=True, **rnn_kwargs
    )
    layer(np.zeros((1, 1, features), "float32"))
    checks.set_random_weights(layer, seed=seed)
    return layer


@pytest.mark.parametrize("family, options", each_option_set("variants"))
def test_matches_numpy_over_several_steps(family, options):
    cell = family.cell(3, **options)
    layer = rnn_with_random_weights(cell)
    xs = np.random.default_rng(1).normal(size=(2, 5, 4)).astype("float32")
    outputs, final = layer(xs)
    want_outputs, want_final = checks.reference_run(cell, xs)
    rtol, atol = family.tolerance
    np.testing.assert_allclose(outputs, want_outputs, rtol=rtol, atol=atol)
    np.testing.assert_allclose(final, want_final, rtol=rtol, atol=atol)


@pytest.mark.parametrize("family, options", each_option_set("mask_variants"))
def test_matches_numpy_with_mask(family, options):
    cell = family.cell(3, **options)
    layer = rnn_with_random_weights(cell, seed=2)
    xs = np.random.default_rng(3).normal(size=(3, 5, 4)).astype("float32")
    mask = np.array(
        [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 0, 1, 1, 0]], dtype=bool
    )
    outputs, final = layer(xs, mask=mask)
    want_outputs, want_final = checks.reference_run(cell, xs, mask=mask)
    rtol, atol = family.tolerance
    np.testing.assert_allclose(final, want_final, rtol=rtol, atol=atol)
    outputs = keras.ops.convert_to_numpy(outputs)
    np.testing.assert_allclose(outputs[mask], want_outputs[mask], rtol=rtol, atol=atol)


@family_parameter
def test_single_step_call_and_initial_state(family):
    cell = family.cell(3, **family.step_options)
    cell.build((None, 4))
    checks.set_random_weights(cell, seed=4)
    rng = np.random.default_rng(5)
    x, h = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    output, states = cell(x.astype("float32"), [h.astype("float32")])
    want = checks.reference_step(cell)(
        x, h, checks.reference_weights(checks.numpy_weights(cell))
    )
    rtol, atol = family.tolerance
    np.testing.assert_allclose(output, want, rtol=rtol, atol=atol)
    np.testing.assert_allclose(states[0], want, rtol=rtol, atol=atol)
    zeros = cell.get_initial_state(batch_size=2)
    assert [tuple(s.shape) for s in zeros] == [(2, 3)]


@pytest.mark.parametrize("family, options", each_option_set("gradient_variants"))
def test_gradients_match_float64_finite_differences(family, options):
    checks.check_gradients_against_finite_differences(
        lambda units, **kw: family.cell(units, **options, **kw)
    )


_MASK_LAYERS = {}


def masking_layer(family):
    key = (family.cell.__name__, keras.backend.backend())
    if key not in _MASK_LAYERS:
        _MASK_LAYERS[key] = rnn_with_random_weights(family.cell(3), features=2, seed=9)
    return _MASK_LAYERS[key]


@family_parameter
@settings(max_examples=5, deadline=None)
@given(checks.padded_batches(features=2))
def test_padded_batch_equals_each_sequence_alone(family, sequences):
    checks.check_padding_equals_alone(masking_layer(family), sequences, features=2)


@pytest.mark.parametrize("family, options", each_option_set("configs"))
def test_config_and_keras_round_trips(family, options):
    cell = family.cell(3, **options)
    restored = family.cell.from_config(cell.get_config())
    assert restored.get_config() == cell.get_config()
    x = np.random.default_rng(0).normal(size=(4, 5, 2)).astype("float32")
    run_layer_test(
        checks.CellRNN,
        {"cell": cell, "return_sequences": True},
        x,
        expected_output_shape=(4, 5, 3),
    )


@family_parameter
def test_mixed_bfloat16_runs(family):
    with checks.dtype_policy("mixed_bfloat16"):
        layer = keras.layers.RNN(family.cell(3, **family.bfloat16_options))
        model = keras.Sequential([keras.Input((5, 2)), layer])
        model.compile(optimizer="adam", loss="mse")
        x = np.ones((4, 5, 2), "float32")
        y = model(x)
        assert keras.backend.standardize_dtype(y.dtype) == "bfloat16"
        model.fit(x, np.zeros((4, 3)), epochs=1, verbose=0)
        assert np.isfinite(keras.ops.convert_to_numpy(y).astype("float32")).all()


@pytest.mark.parametrize("family, options", each_option_set("bad_arguments"))
def test_bad_arguments_raise_value_error(family, options):
    kwargs, message = options
    with pytest.raises(ValueError, match=message):
        family.cell(**kwargs)


@family_parameter
def test_wrong_input_rank_raises_value_error(family):
    with pytest.raises(ValueError, match="one time step"):
        keras.layers.RNN(family.cell(3))(np.zeros((2, 4, 5, 2), "float32"))
    with pytest.raises(ValueError, match="one time step"):
        family.cell(3).build((2, 4, 5))


# CoupledGRUCell alone.


@pytest.mark.parametrize("reset_after", [False, True])
def test_coupled_gru_equals_keras_gru_with_the_same_weights(reset_after):
    # Keras' GRU uses the same convention h = z * h_prev + (1 - z) * g and
    # the same block order z, r, g: its weights load unchanged.
    xs = np.random.default_rng(6).normal(size=(2, 5, 4)).astype("float32")
    keras_gru = keras.layers.GRU(
        3, reset_after=reset_after, return_sequences=True, return_state=True
    )
    keras_gru(xs)
    checks.set_random_weights(keras_gru, seed=7)
    ours = keras.layers.RNN(
        CoupledGRUCell(3, reset_after=reset_after),
        return_sequences=True,
        return_state=True,
    )
    ours(xs)
    ours.set_weights(keras_gru.get_weights())
    for got, want in zip(ours(xs), keras_gru(xs)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert [tuple(w.shape) for w in ours.weights] == [
        tuple(w.shape) for w in keras_gru.weights
    ]


def test_coupled_gru_other_z_convention_maps_by_negating_the_z_block():
    # h = (1 - z') h + z' g with z' = sigma(a) is our cell with
    # z = 1 - z' = sigma(-a): negate the z-block of W, U and b.
    rng = np.random.default_rng(8)
    theirs = {
        "W": rng.normal(size=(4, 9)),
        "U": rng.normal(size=(3, 9)),
        "b": rng.normal(size=(9,)),
    }
    xs = rng.normal(size=(2, 5, 4)).astype("float32")
    want, _ = ref.run_sequence(
        lambda x, h: ref.chung_gru_step(x, h, theirs), xs, np.zeros((2, 3))
    )
    flip = np.concatenate([-np.ones(3), np.ones(6)])
    layer = keras.layers.RNN(CoupledGRUCell(3), return_sequences=True)
    layer(xs)
    layer.set_weights(
        [theirs["W"] * flip, theirs["U"] * flip, theirs["b"] * flip]
    )
    np.testing.assert_allclose(layer(xs), want, rtol=1e-5, atol=1e-5)


# LayerNormGRUCell alone.


@pytest.mark.parametrize("reset_after", [False, True])
def test_layer_norm_gru_is_invariant_to_rescaling_the_kernels(reset_after):
    # LN makes the cell blind to the scale of W and U (epsilon aside).
    cell = LayerNormGRUCell(8, reset_after=reset_after, epsilon=1e-8)
    layer = rnn_with_random_weights(cell, seed=6)
    xs = np.random.default_rng(7).normal(size=(2, 4, 4)).astype("float32")
    before = keras.ops.convert_to_numpy(layer(xs)[0])
    cell.kernel.assign(cell.kernel * 3.0)
    cell.recurrent_kernel.assign(cell.recurrent_kernel * 0.5)
    np.testing.assert_allclose(layer(xs)[0], before, rtol=1e-4, atol=1e-5)


def test_layer_norm_gru_has_its_weights_and_bias_only_once():
    cell = LayerNormGRUCell(3)
    cell.build((None, 4))
    shapes = {v.name: tuple(v.shape) for v in cell.weights}
    assert shapes == {
        "kernel": (4, 9),
        "recurrent_kernel": (3, 9),
        "bias": (9,),
        "kernel_norm_gamma": (9,),
        "recurrent_norm_gamma": (9,),
    }
    no_bias = LayerNormGRUCell(3, use_bias=False)
    no_bias.build((None, 4))
    assert "bias" not in {v.name for v in no_bias.weights}


# LayerNormSimpleRNNCell alone.


def test_layer_norm_simple_rnn_weights_and_no_recurrent_activation():
    cell = LayerNormSimpleRNNCell(3)
    cell.build((None, 4))
    shapes = {v.name: tuple(v.shape) for v in cell.weights}
    assert shapes == {
        "kernel": (4, 3),
        "recurrent_kernel": (3, 3),
        "bias": (3,),
        "kernel_norm_gamma": (3,),
        "recurrent_norm_gamma": (3,),
    }
    assert "recurrent_activation" not in cell.get_config()
    with pytest.raises(ValueError, match="recurrent_activation"):
        LayerNormSimpleRNNCell(3, recurrent_activation="sigmoid")
