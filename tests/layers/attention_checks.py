"""Checks shared by the attention layer tests: numpy softmax, mask
properties, and the layer contract (config, symbolic call, XLA fit step,
`.keras` round trip) for layers called as `layer(query, memory, mask)`."""

import os
import tempfile

import keras
import numpy as np

from harness import assert_trees_close

RNG = np.random.default_rng(7)
BATCH, TIME, QUERY_DIM, MEMORY_DIM = 4, 5, 3, 6
QUERY = RNG.normal(size=(BATCH, QUERY_DIM)).astype("float32")
MEMORY = RNG.normal(size=(BATCH, TIME, MEMORY_DIM)).astype("float32")
# Rows: full, a prefix, scattered positions, nothing valid.
MASK = np.array(
    [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [0, 1, 0, 1, 1], [0, 0, 0, 0, 0]], bool
)


def numpy_attention(scores, memory, mask):
    """float64 masked softmax weights and context from raw scores [B, T]."""
    scores = np.asarray(scores, np.float64)
    mask = np.ones(scores.shape, bool) if mask is None else np.asarray(mask, bool)
    weights = np.zeros_like(scores)
    for b in range(scores.shape[0]):
        valid = mask[b]
        if valid.any():
            e = np.exp(scores[b, valid] - scores[b, valid].max())
            weights[b, valid] = e / e.sum()
    context = np.einsum("bt,btd->bd", weights, np.asarray(memory, np.float64))
    return context, weights


def random_weights(layer, seed=3, scale=0.7):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=scale, size=w.shape) for w in layer.get_weights()])
    return [np.asarray(w, np.float64) for w in layer.get_weights()]


def close(actual, expected, atol=1e-5):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=atol)


def check_mask_properties(layer, query=QUERY, memory=MEMORY, mask=MASK):
    """Masked weights are exactly 0, valid ones sum to 1, masked memory
    does not matter, an all-masked row gives zeros (no NaN), and
    precomputed keys give the same result."""
    context, weights = (np.asarray(t) for t in layer(query, memory, memory_mask=mask))
    assert np.all(weights[~mask] == 0.0)
    valid_rows = mask.any(axis=1)
    close(weights[valid_rows].sum(axis=1), np.ones(valid_rows.sum()))
    assert np.all(np.isfinite(context)) and np.all(np.isfinite(weights))
    np.testing.assert_array_equal(context[~valid_rows], 0.0)
    noisy = np.where(mask[..., None], memory, 1e3 * RNG.normal(size=memory.shape))
    noisy_context, noisy_weights = layer(query, noisy.astype("float32"), memory_mask=mask)
    close(noisy_context, context)
    close(noisy_weights, weights)
    keys = layer.precompute_keys(memory)
    keyed_context, keyed_weights = layer(query, memory, memory_mask=mask, keys=keys)
    close(keyed_context, context)
    close(keyed_weights, weights)


def check_layer_contract(layer_cls, kwargs, query=QUERY, memory=MEMORY, mask=MASK):
    """Config round trip, symbolic = eager, an XLA fit step and a `.keras`
    round trip of a functional model around the layer."""
    layer = layer_cls(**kwargs)
    config = layer.get_config()
    restored = layer_cls.from_config(config)
    assert restored.get_config() == config
    expected = layer(query, memory, memory_mask=mask)
    restored(query, memory, memory_mask=mask)
    restored.set_weights(layer.get_weights())
    assert_trees_close(restored(query, memory, memory_mask=mask), expected)

    memory_dim = memory.shape[-1]
    inputs = [
        keras.Input((query.shape[-1],)),
        keras.Input((None, memory_dim)),
        keras.Input((None,), dtype="bool"),
    ]
    context, weights = layer(*inputs[:2], memory_mask=inputs[2])
    assert tuple(context.shape) == (None, memory_dim)
    assert tuple(weights.shape) == (None, None)
    model = keras.Model(inputs, [context, weights])
    assert_trees_close(model([query, memory, mask]), expected)

    if layer.trainable_weights:  # a weightless mechanism has nothing to fit
        trainable = keras.Model(inputs, context)
        trainable.compile(
            optimizer="adam", loss="mse", jit_compile=keras.backend.backend() != "torch"
        )
        targets = RNG.normal(size=(len(query), memory_dim)).astype("float32")
        history = trainable.fit(
            [query, memory, mask], targets, batch_size=len(query), verbose=0
        )
        assert np.isfinite(history.history["loss"][-1])

    expected = model([query, memory, mask])
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
    assert_trees_close(loaded([query, memory, mask]), expected)
