"""IdentityRecurrentInitializer: scale * I per units x units block (IRNN)."""

import keras
import numpy as np
import pytest

from zoo.layers.identity_initializer import IdentityRecurrentInitializer


@pytest.mark.parametrize("scale", [1.0, 0.5])
def test_square_kernel_is_scaled_identity(scale):
    value = IdentityRecurrentInitializer(scale)((4, 4), dtype="float32")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(value), scale * np.eye(4, dtype="float32")
    )


def test_gate_fused_kernel_gets_identity_per_block():
    value = keras.ops.convert_to_numpy(
        IdentityRecurrentInitializer(0.25)((3, 9), dtype="float32")
    )
    assert value.shape == (3, 9)
    for gate in range(3):
        np.testing.assert_array_equal(
            value[:, 3 * gate : 3 * (gate + 1)], 0.25 * np.eye(3)
        )


def test_dtype_defaults_to_floatx_and_is_honoured():
    init = IdentityRecurrentInitializer()
    assert keras.backend.standardize_dtype(init((2, 2)).dtype) == "float32"
    assert (
        keras.backend.standardize_dtype(init((2, 2), dtype="float16").dtype)
        == "float16"
    )


@pytest.mark.parametrize("shape", [(3,), (3, 4), (2, 3, 3), (0, 3)])
def test_bad_shapes_raise(shape):
    with pytest.raises(ValueError, match="IdentityRecurrentInitializer"):
        IdentityRecurrentInitializer()(shape)


def test_config_round_trip_and_registry():
    init = IdentityRecurrentInitializer(scale=0.3)
    assert init.get_config() == {"scale": 0.3}
    restored = keras.initializers.deserialize(
        keras.initializers.serialize(init)
    )
    assert isinstance(restored, IdentityRecurrentInitializer)
    assert restored.scale == 0.3
    by_name = keras.initializers.get("zoo>IdentityRecurrentInitializer")
    assert isinstance(by_name, IdentityRecurrentInitializer)


def test_irnn_simple_rnn_trains_a_step_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 5, 3)).astype("float32")
    y = rng.normal(size=(4, 2)).astype("float32")
    inputs = keras.Input((5, 3))
    rnn = keras.layers.SimpleRNN(
        6,
        activation="relu",
        recurrent_initializer=IdentityRecurrentInitializer(),
    )
    outputs = keras.layers.Dense(2)(rnn(inputs))
    model = keras.Model(inputs, outputs)
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(rnn.cell.recurrent_kernel), np.eye(6)
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.evaluate(x, y, verbose=0) < before
    path = str(tmp_path / "irnn.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)),
        keras.ops.convert_to_numpy(model(x)),
        rtol=1e-6,
    )
    recurrent = loaded.layers[1].cell.recurrent_initializer
    assert isinstance(recurrent, IdentityRecurrentInitializer)
