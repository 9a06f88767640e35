"""The shared base: validation, config, the two-part step, dropout masks."""

import inspect

import numpy as np
import pytest

from zoo.layers import CIFGLSTMCell
from zoo.layers import LayerNormLSTMCell
from zoo.layers import PeepholeLSTMCell
from zoo.layers import RecurrentCell

CELLS = [PeepholeLSTMCell, CIFGLSTMCell, LayerNormLSTMCell]


@pytest.mark.parametrize("units", [0, -2, 2.5, "3", True, None])
def test_units_must_be_positive_int(units):
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        PeepholeLSTMCell(units)


@pytest.mark.parametrize("name", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5, "0.1"])
def test_dropout_rates_in_unit_interval(name, rate):
    with pytest.raises(ValueError, match=f"`{name}` must be a float in \\[0, 1\\)"):
        CIFGLSTMCell(3, **{name: rate})


def test_bad_seed_and_activation():
    with pytest.raises(ValueError, match="`seed`"):
        PeepholeLSTMCell(3, seed="x")
    with pytest.raises(ValueError):
        PeepholeLSTMCell(3, activation="no_such_activation")


@pytest.mark.parametrize("cell_cls", CELLS)
def test_config_has_every_argument_with_keras_defaults(cell_cls):
    cell = cell_cls(3)
    config = cell.get_config()
    arguments = set(inspect.signature(cell_cls.__init__).parameters) - {"self", "kwargs"}
    arguments |= set(inspect.signature(RecurrentCell.__init__).parameters) - {"self", "kwargs"}
    assert arguments <= set(config)
    assert config["activation"] == "tanh"
    assert config["recurrent_activation"] == "sigmoid"
    assert config["use_bias"] is True
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert config["bias_initializer"]["class_name"] == "Zeros"
    assert config["unit_forget_bias"] is True
    assert (config["dropout"], config["recurrent_dropout"], config["seed"]) == (0.0, 0.0, None)
    restored = cell_cls.from_config(config)
    assert restored.get_config() == config


@pytest.mark.parametrize("cell_cls", CELLS)
def test_call_is_recurrent_step_of_projected_inputs(cell_cls):
    cell = cell_cls(3)
    x = np.random.default_rng(0).normal(size=(2, 6, 4)).astype("float32")
    cell.build((None, 4))
    states = cell.get_initial_state(2)
    assert [tuple(s.shape) for s in states] == [(2, 3), (2, 3)]
    projected = cell.project_inputs(x)  # the whole sequence at once
    assert tuple(projected.shape) == (2, 6, cell.projection_size)
    out_step, states_step = cell(x[:, 0], states)
    out_split, states_split = cell.recurrent_step(projected[:, 0], states)
    np.testing.assert_allclose(np.asarray(out_step), np.asarray(out_split), rtol=1e-6, atol=1e-7)
    with cell.projected_inputs_mode():
        out_mode, _ = cell(projected[:, 0], states)
    np.testing.assert_allclose(np.asarray(out_mode), np.asarray(out_step), rtol=1e-6, atol=1e-7)
    assert not cell._projected_inputs_mode


def test_dropout_masks_shapes_values_and_cache():
    cell = PeepholeLSTMCell(3, dropout=0.5, recurrent_dropout=0.25, seed=1)
    cell.build((None, 4))
    input_mask, recurrent_mask = cell.make_dropout_masks(5)
    assert tuple(input_mask.shape) == (5, 4) and tuple(recurrent_mask.shape) == (5, 3)
    assert set(np.unique(np.asarray(input_mask))) <= {0.0, 2.0}
    values = np.unique(np.asarray(recurrent_mask))
    assert np.all(np.isclose(values, 0.0) | np.isclose(values, 4.0 / 3.0))
    # get_initial_state draws this sequence's masks; every step reuses them.
    states = cell.get_initial_state(5)
    x = np.ones((5, 4), "float32")
    first, _ = cell(x, states, training=True)
    second, _ = cell(x, states, training=True)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))
