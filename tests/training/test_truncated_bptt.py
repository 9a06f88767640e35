"""Truncated BPTT with `LanguageModel.fit(BPTTBatches(...))`: the states
carried across batches inside the compiled train step (XLA on TensorFlow,
jit on JAX), and the gradients cut at chunk boundaries.
(test_truncated_bptt_learning.py, slow: what the carry lets a model learn.)"""

import keras
import numpy as np
import pytest

from zoo.data.bptt_batches import BPTTBatches
from zoo.data.bptt_batches import batchify
from zoo.models.language_model import LanguageModel

pytestmark = pytest.mark.backend


def numpy(x):
    return keras.ops.convert_to_numpy(x)


def random_model(seed=0, scale=0.5, **kwargs):
    options = dict(vocabulary_size=9, embedding_dim=3, units=4, num_layers=2, seed=0)
    model = LanguageModel(**{**options, **kwargs})
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        variable.assign(rng.normal(scale=scale, size=variable.shape).astype("float32"))
    return model


def loss_and_gradients(model, tokens, targets):
    """The training loss of one `call(training=True)` and its gradients wrt
    the trainable variables (by variable path), as numpy."""
    tokens = np.asarray(tokens, "int32")
    targets = np.asarray(targets, "int32")
    paths = [variable.path for variable in model.trainable_variables]
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = model.compute_loss(tokens, targets, model(tokens, training=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        gradients = [tf.convert_to_tensor(g) for g in gradients]
    else:
        import jax

        non_trainable = [variable.value for variable in model.non_trainable_variables]

        def loss_fn(trainable):
            logits, _ = model.stateless_call(trainable, non_trainable, tokens, training=True)
            return model.compute_loss(tokens, targets, logits)

        loss, gradients = jax.jit(jax.value_and_grad(loss_fn))(
            [variable.value for variable in model.trainable_variables]
        )
    return float(loss), {path: np.asarray(g) for path, g in zip(paths, gradients)}


@pytest.mark.parametrize("cell, jit_compile", [
    ("lstm", True),
    # TensorFlow's graph (non-XLA) train step; on JAX "auto" is XLA, as for the LSTM.
    pytest.param("gru", "auto", marks=pytest.mark.skipif(
        keras.backend.backend() == "jax", reason="the LSTM case covers JAX")),
])
def test_fit_carries_the_states_of_one_long_pass_and_resets_them_each_epoch(cell, jit_compile):
    model = random_model(cell=cell, scale=0.4)
    ids = np.random.default_rng(3).integers(1, 9, size=2 * 13 + 1)
    batches = BPTTBatches(ids, batch_size=2, bptt=5)  # chunks of 5, 5 and 2 (+3 padding)
    assert len(batches) == 3
    # Learning rate 0: the weights stay, the states move (XLA on TensorFlow
    # for the LSTM; JAX always compiles with XLA).
    model.compile(optimizer=keras.optimizers.SGD(0.0), jit_compile=jit_compile)
    model.fit(batches, epochs=2, verbose=0)
    # One unrolled pass over each whole row, from zero states; after two
    # epochs the states are one pass's, not two: they were reset.
    _, expected = model.logits_and_states(batchify(ids, 2)[:, :-1])
    carried = model.carried_states
    assert len(carried) == 2 and len(carried[0]) == {"lstm": 2, "gru": 1}[cell]
    for got_layer, want_layer in zip(carried, expected):
        for got, want in zip(got_layer, want_layer):
            np.testing.assert_allclose(got, numpy(want), rtol=1e-4, atol=1e-5)
    # The carried states are train-step state, not weights: not saved, not counted.
    weight_paths = {v.path for v in model.weights}
    carried_paths = [v.path for v in model.non_trainable_variables if v.path not in weight_paths
                     and "carried_state" in v.path]
    assert len(carried_paths) == 2 * len(carried[0])
    assert model.count_params() == sum(int(np.prod(v.shape)) for v in model.weights)
    if cell == "lstm":
        # An ordinary fit afterwards (arrays, from zero states) leaves the carry alone.
        tokens = np.random.default_rng(6).integers(1, 9, size=(2, 3))
        model.fit(tokens, tokens, batch_size=2, verbose=0)
        for got_layer, want_layer in zip(model.carried_states, carried):
            for got, want in zip(got_layer, want_layer):
                np.testing.assert_array_equal(got, want)


def test_the_loss_of_a_carried_chunk_is_the_loss_of_those_steps_in_one_pass():
    model = random_model(num_layers=1)
    ids = np.random.default_rng(4).integers(1, 9, size=3 * 9 + 1)
    batches = BPTTBatches(ids, batch_size=3, bptt=4)
    rows = batchify(ids, 3)
    logits = model(rows[:, :-1])
    targets = rows[:, 1:]
    with model.carrying_states(batch_size=3):
        for index in range(len(batches)):
            x, y = batches[index]
            steps = min(4, 8 - 4 * index)
            expected = model.compute_loss(None, targets[:, 4 * index : 4 * index + steps],
                                          logits[:, 4 * index : 4 * index + steps])
            loss = model.compute_loss(x, y, model(x, training=True))
            assert float(loss) == pytest.approx(float(expected), rel=1e-5)


def test_gradients_stop_at_chunk_boundaries():
    model = random_model(vocabulary_size=8, num_layers=1)
    chunk_1 = np.array([[3, 5, 4, 3]])  # 5 occurs only in chunk 1
    chunk_2 = np.array([[4, 6, 3, 6]])
    targets_2 = np.array([[6, 3, 6, 4]])
    with model.carrying_states(batch_size=1):
        model(chunk_1, training=True)
        _, gradients = loss_and_gradients(model, chunk_2, targets_2)
    embedding_gradient = gradients[[path for path in gradients if path.endswith("embeddings")][0]]
    np.testing.assert_array_equal(embedding_gradient[5], 0.0)
    assert np.abs(embedding_gradient[[3, 4, 6]]).sum(axis=1).min() > 0
    # Without the cut (one pass over both chunks, the loss on chunk 2's
    # steps only) that gradient is not zero: the cut is what zeroes it.
    both = np.concatenate([chunk_1, chunk_2], axis=1)
    targets = np.concatenate([np.zeros_like(chunk_1), targets_2], axis=1)
    _, full_gradients = loss_and_gradients(model, both, targets)
    full = full_gradients[[path for path in full_gradients if path.endswith("embeddings")][0]]
    assert np.abs(full[5]).sum() > 1e-6
