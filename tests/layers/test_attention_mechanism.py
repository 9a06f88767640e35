"""`AttentionMechanism`: a subclass that defines only `scores` gets the masked
softmax, the context, the output spec and the config from the base."""

import inspect
import re

import keras
import numpy as np
import pytest
from keras import ops

from attention_checks import MASK
from attention_checks import MEMORY
from attention_checks import RNG
from attention_checks import check_layer_contract
from attention_checks import check_mask_properties
from attention_checks import close
from attention_checks import numpy_attention
from zoo.layers.attention_decoder_cell import AttentionDecoderCell
from zoo.layers.attention_mechanism import AttentionMechanism
from zoo.layers.bahdanau_attention import BahdanauAttention
from zoo.layers.luong_attention import LuongAttention

SQUARE_QUERY = RNG.normal(size=(MEMORY.shape[0], MEMORY.shape[2])).astype("float32")


@keras.saving.register_keras_serializable(package="zoo_tests")
class ScaledDotAttention(AttentionMechanism):
    """The smallest mechanism: only the score hook, e_j = s . h_j / sqrt(d)."""

    def scores(self, query, keys):
        return ops.einsum("bd,btd->bt", query, keys) / keys.shape[-1] ** 0.5


def numpy_scaled_dot(query, memory, mask):
    """e_j = s . h_j / sqrt(d), written per position."""
    batch, time, dim = memory.shape
    scores = np.zeros((batch, time))
    for b in range(batch):
        for j in range(time):
            scores[b, j] = np.dot(
                np.asarray(query[b], np.float64), np.asarray(memory[b, j], np.float64)
            ) / np.sqrt(dim)
    return numpy_attention(scores, memory, mask)


@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_score_only_subclass_matches_numpy(mask):
    layer = ScaledDotAttention()
    context, weights = layer(SQUARE_QUERY, MEMORY, memory_mask=mask)
    want_context, want_weights = numpy_scaled_dot(SQUARE_QUERY, MEMORY, mask)
    assert keras.backend.standardize_dtype(weights.dtype) == "float32"
    close(weights, want_weights)
    close(context, want_context)


def test_score_only_subclass_masks_and_keys():
    layer = ScaledDotAttention()
    np.testing.assert_array_equal(np.asarray(layer.precompute_keys(MEMORY)), MEMORY)
    check_mask_properties(layer, query=SQUARE_QUERY)


def test_score_only_subclass_layer_contract():
    check_layer_contract(ScaledDotAttention, {}, query=SQUARE_QUERY)


def test_score_only_subclass_drives_a_decoder_cell():
    units = MEMORY.shape[2]
    cell = AttentionDecoderCell(keras.layers.GRUCell(units), ScaledDotAttention())
    cell.build((None, 2), MEMORY.shape)
    keys = cell.precompute_keys(MEMORY)
    states = cell.get_initial_state(batch_size=MEMORY.shape[0])
    inputs = np.ones((MEMORY.shape[0], 2), "float32")
    output, states, weights = cell.step(inputs, states, MEMORY, MASK, keys)
    assert tuple(output.shape) == (MEMORY.shape[0], units)
    assert np.all(np.asarray(weights)[~MASK] == 0.0)
    assert np.all(np.isfinite(np.asarray(output)))


def test_scores_must_be_implemented():
    with pytest.raises(NotImplementedError, match="scores"):
        AttentionMechanism()(SQUARE_QUERY, MEMORY)


def test_check_built_names_the_method():
    with pytest.raises(ValueError, match="`precompute_keys`"):
        ScaledDotAttention().check_built("precompute_keys")


def test_shared_config_is_kept():
    config = ScaledDotAttention(kernel_regularizer="l2").get_config()
    restored = ScaledDotAttention.from_config(config)
    assert isinstance(restored.kernel_regularizer, keras.regularizers.L2)
    assert restored.get_config() == config


def test_built_in_mechanisms_share_the_base():
    for cls in (BahdanauAttention, LuongAttention):
        assert issubclass(cls, AttentionMechanism)
        assert cls.call is AttentionMechanism.call
        assert cls.compute_output_spec is AttentionMechanism.compute_output_spec
    # The saved configs keep exactly the keys they had before the base class.
    layer_keys = set(keras.layers.Layer().get_config())
    assert set(BahdanauAttention(2).get_config()) - layer_keys == {
        "units", "kernel_initializer", "kernel_regularizer",
    }
    assert set(LuongAttention().get_config()) - layer_keys == {
        "score", "scale", "kernel_initializer", "kernel_regularizer",
    }


def test_docstring_example_runs():
    docstring = inspect.getdoc(AttentionMechanism)
    blocks = re.findall(r"```python\n(.*?)```", docstring, re.DOTALL)
    assert blocks
    for block in blocks:
        exec(compile(block, "<AttentionMechanism docstring>", "exec"), {})
