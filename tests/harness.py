"""The shared test harness: what every layer and model must get right.

`run_layer_test` checks a layer the way Keras' own `testing.TestCase` does:
config round trip, eager and symbolic calls agree, a `fit` step (XLA on
TensorFlow), and a `.keras` save/load round trip that keeps the outputs.
Correctness of the math is checked separately, against numpy references.
"""

import copy
import os
import tempfile

import keras
import numpy as np


def to_numpy_tree(value):
    return keras.tree.map_structure(keras.ops.convert_to_numpy, value)


def assert_trees_close(actual, expected, rtol=1e-5, atol=1e-6):
    actual = keras.tree.flatten(to_numpy_tree(actual))
    expected = keras.tree.flatten(to_numpy_tree(expected))
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_data,
    expected_output_shape=None,
    run_training=True,
    run_saving=True,
):
    """Check the contract every zoo layer keeps.

    Args:
        layer_cls: the layer class.
        init_kwargs: dict of constructor arguments.
        input_data: numpy array (or list of arrays) with a batch dimension.
        expected_output_shape: shape (or nested shapes) of the eager output.
        run_training: also fit one epoch inside a functional model.
        run_saving: also save and load the model as `.keras`.

    Returns:
        The built layer, for further checks.
    """
    layer = layer_cls(**init_kwargs)
    config = layer.get_config()
    # Some from_config methods (keras.layers.RNN's) consume the dict.
    restored = layer_cls.from_config(copy.deepcopy(config))
    assert restored.get_config() == config, "get_config/from_config differ"

    eager_output = layer(input_data)
    if expected_output_shape is not None:
        shapes = keras.tree.map_structure(lambda x: tuple(x.shape), eager_output)
        assert shapes == expected_output_shape, (shapes, expected_output_shape)

    restored(input_data)
    restored.set_weights(layer.get_weights())
    assert_trees_close(restored(input_data), eager_output)

    inputs = keras.tree.map_structure(
        lambda x: keras.Input(shape=x.shape[1:], dtype=str(x.dtype)), input_data
    )
    symbolic_output = layer(inputs)
    symbolic_shapes = keras.tree.flatten(
        keras.tree.map_structure(lambda x: tuple(x.shape)[1:], symbolic_output)
    )
    eager_shapes = keras.tree.flatten(
        keras.tree.map_structure(lambda x: tuple(x.shape)[1:], eager_output)
    )
    assert symbolic_shapes == eager_shapes, (symbolic_shapes, eager_shapes)

    model = keras.Model(inputs, symbolic_output)
    if run_training:
        first_output = keras.tree.flatten(symbolic_output)[0]
        trainable = keras.Model(inputs, first_output)
        targets = np.random.default_rng(0).normal(
            size=(input_data_batch(input_data),) + tuple(first_output.shape[1:])
        ).astype("float32")
        trainable.compile(
            optimizer="adam",
            loss="mse",
            jit_compile=keras.backend.backend() in ("tensorflow", "jax"),
        )
        history = trainable.fit(
            input_data, targets, batch_size=2, epochs=1, verbose=0
        )
        assert np.isfinite(history.history["loss"][-1])

    if run_saving:
        expected = model(input_data)
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "model.keras")
            model.save(path)
            loaded = keras.saving.load_model(path)
        assert_trees_close(loaded(input_data), expected)
    return layer


def input_data_batch(input_data):
    return keras.tree.flatten(input_data)[0].shape[0]
