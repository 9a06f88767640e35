"""`BahdanauAttention` against a numpy reference of its equations."""

import keras
import numpy as np
import pytest

from attention_checks import MASK
from attention_checks import MEMORY
from attention_checks import QUERY
from attention_checks import check_layer_contract
from attention_checks import check_mask_properties
from attention_checks import close
from attention_checks import numpy_attention
from attention_checks import random_weights
from zoo.layers.bahdanau_attention import BahdanauAttention


def numpy_bahdanau(query, memory, mask, weights):
    """e_j = v^T tanh(W1 h_j + W2 s), written per position."""
    memory_kernel, query_kernel, v = weights
    batch, time, _ = memory.shape
    scores = np.zeros((batch, time))
    for b in range(batch):
        s = np.asarray(query[b], np.float64)
        for j in range(time):
            h = np.asarray(memory[b, j], np.float64)
            scores[b, j] = v @ np.tanh(memory_kernel.T @ h + query_kernel.T @ s)
    return numpy_attention(scores, memory, mask)


@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_matches_numpy_reference(mask):
    layer = BahdanauAttention(4)
    layer(QUERY, MEMORY)
    weights = random_weights(layer)
    assert [w.path.split("/")[-1] for w in layer.weights] == [
        "memory_kernel", "query_kernel", "score_vector",
    ]
    context, attention = layer(QUERY, MEMORY, memory_mask=mask)
    want_context, want_attention = numpy_bahdanau(QUERY, MEMORY, mask, weights)
    assert keras.backend.standardize_dtype(attention.dtype) == "float32"
    close(attention, want_attention)
    close(context, want_context)


def test_mask_properties():
    layer = BahdanauAttention(4)
    layer(QUERY, MEMORY)
    random_weights(layer, seed=5)
    check_mask_properties(layer)


def test_fully_masked_rows_have_finite_zero_gradients():
    layer = BahdanauAttention(3)
    mask = np.zeros(MASK.shape, bool)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        memory = tf.constant(MEMORY)
        with tf.GradientTape() as tape:
            tape.watch(memory)
            loss = keras.ops.sum(layer(QUERY, memory, memory_mask=mask)[0])
        gradient = tape.gradient(loss, memory)
    else:
        import jax

        gradient = jax.grad(
            lambda m: keras.ops.sum(layer(QUERY, m, memory_mask=mask)[0])
        )(MEMORY)
    np.testing.assert_array_equal(np.asarray(gradient), 0.0)


def test_precompute_keys_needs_a_built_layer():
    with pytest.raises(ValueError, match="build"):
        BahdanauAttention(2).precompute_keys(MEMORY)


@pytest.mark.parametrize("units", [0, -1, 2.5, True])
def test_rejects_bad_units(units):
    with pytest.raises(ValueError, match="units"):
        BahdanauAttention(units)


def test_layer_contract():
    check_layer_contract(BahdanauAttention, {"units": 4})
