"""`LuongAttention` ("general" and "dot", optional scale) against numpy."""

import numpy as np
import pytest

from attention_checks import MASK
from attention_checks import MEMORY
from attention_checks import QUERY
from attention_checks import RNG
from attention_checks import check_layer_contract
from attention_checks import check_mask_properties
from attention_checks import close
from attention_checks import numpy_attention
from attention_checks import random_weights
from zoo.layers.luong_attention import LuongAttention

SQUARE_QUERY = RNG.normal(size=(MEMORY.shape[0], MEMORY.shape[2])).astype("float32")


def numpy_luong(query, memory, mask, score, W_a=None, g=1.0):
    """e_j = g * s^T W_a h_j (general) or g * s^T h_j (dot), per position."""
    batch, time, _ = memory.shape
    scores = np.zeros((batch, time))
    for b in range(batch):
        s = np.asarray(query[b], np.float64)
        for j in range(time):
            h = np.asarray(memory[b, j], np.float64)
            scores[b, j] = g * (s @ (W_a @ h if score == "general" else h))
    return numpy_attention(scores, memory, mask)


@pytest.mark.parametrize("scale", [False, True], ids=["unscaled", "scaled"])
@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_general_score_matches_numpy(mask, scale):
    layer = LuongAttention("general", scale=scale)
    layer(QUERY, MEMORY)
    weights = random_weights(layer)
    kernel = weights[0]  # [memory_dim, query_dim] = W_a^T
    g = weights[1] if scale else 1.0
    context, attention = layer(QUERY, MEMORY, memory_mask=mask)
    want_context, want_attention = numpy_luong(QUERY, MEMORY, mask, "general", kernel.T, g)
    close(attention, want_attention)
    close(context, want_context)


@pytest.mark.parametrize("mask", [None, MASK], ids=["no_mask", "mask"])
def test_dot_score_matches_numpy(mask):
    layer = LuongAttention("dot", scale=True)
    layer(SQUARE_QUERY, MEMORY)
    assert [w.path.split("/")[-1] for w in layer.weights] == ["scale"]
    np.testing.assert_array_equal(np.asarray(layer.scale_weight), 1.0)
    layer.set_weights([np.array(0.5)])
    context, attention = layer(SQUARE_QUERY, MEMORY, memory_mask=mask)
    want_context, want_attention = numpy_luong(SQUARE_QUERY, MEMORY, mask, "dot", g=0.5)
    close(attention, want_attention)
    close(context, want_context)


def test_dot_score_needs_equal_sizes():
    with pytest.raises(ValueError, match="same size"):
        LuongAttention("dot")(QUERY, MEMORY)


@pytest.mark.parametrize("score", ["general", "dot"])
def test_mask_properties(score):
    layer = LuongAttention(score)
    query = QUERY if score == "general" else SQUARE_QUERY
    layer(query, MEMORY)
    if layer.weights:
        random_weights(layer, seed=9)
    check_mask_properties(layer, query=query)


def test_precompute_keys():
    np.testing.assert_array_equal(
        np.asarray(LuongAttention("dot").precompute_keys(MEMORY)), MEMORY
    )
    with pytest.raises(ValueError, match="build"):
        LuongAttention("general").precompute_keys(MEMORY)


def test_rejects_unknown_score():
    with pytest.raises(ValueError, match="score"):
        LuongAttention("concat")


def test_layer_contract():
    check_layer_contract(LuongAttention, {"score": "general", "scale": True})
