"""BinaryAdder against a numpy reference, its serialization, and the
shipped checkpoint's exactness on 1,000-bit numbers."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.binary_numbers import addition_sequences
from zoo.data.binary_numbers import random_addition_pairs
from zoo.models import BinaryAdder


def numpy_adder(bit_pairs, kernel, recurrent_kernel, bias, readout_kernel, readout_bias):
    """h_t = tanh(x_t W + h_{t-1} U + b), p_t = sigmoid(h_t v + c)."""
    batch, steps, _ = bit_pairs.shape
    h = np.zeros((batch, kernel.shape[1]))
    outputs = []
    for t in range(steps):
        h = np.tanh(bit_pairs[:, t] @ kernel + h @ recurrent_kernel + bias)
        outputs.append(1 / (1 + np.exp(-(h @ readout_kernel + readout_bias))))
    return np.concatenate(outputs, axis=1)


def test_forward_pass_matches_numpy_equations():
    model = BinaryAdder(units=3)
    bit_pairs, _ = addition_sequences([(5, 6), (7, 1), (0, 3)])
    model(bit_pairs)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    kernel, recurrent, bias = model.rnn.cell.cell.get_weights()
    readout_kernel, readout_bias = model.readout.get_weights()
    expected = numpy_adder(bit_pairs, kernel, recurrent, bias, readout_kernel, readout_bias)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(bit_pairs)), expected, rtol=1e-5, atol=1e-6
    )


def test_training_noise_changes_outputs_only_in_training():
    model = BinaryAdder(units=3, state_noise=0.5, seed=1)
    bit_pairs, _ = addition_sequences([(5, 6)])
    clean = keras.ops.convert_to_numpy(model(bit_pairs))
    np.testing.assert_array_equal(clean, keras.ops.convert_to_numpy(model(bit_pairs)))
    noisy = keras.ops.convert_to_numpy(model(bit_pairs, training=True))
    assert not np.allclose(clean, noisy)


def test_config_round_trip_and_fit_step():
    model = BinaryAdder(units=4, state_noise=0.2, seed=3)
    restored = BinaryAdder.from_config(model.get_config())
    assert restored.get_config() == model.get_config()
    bit_pairs, sum_bits = addition_sequences([(1, 2), (3, 3)], length=4)
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=True)
    history = model.fit(bit_pairs, sum_bits, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_hub_round_trip(tmp_path):
    model = BinaryAdder(units=4)
    bit_pairs, _ = addition_sequences([(9, 4)])
    expected = keras.ops.convert_to_numpy(model(bit_pairs))
    loaded = zoo.load(zoo.save(model, tmp_path / "adder"))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(bit_pairs)), expected)


@pytest.mark.parametrize("bad", [0, -2, 1.5])
def test_bad_units_are_refused(bad):
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        BinaryAdder(units=bad)


def test_shipped_adder_is_exact_on_1000_bit_numbers():
    adder = zoo.load("binary_adder")
    pairs = random_addition_pairs(64, 1000, seed=2026)
    pairs += [(2**1000 - 1, 1), (2**999, 2**999), (0, 0), (2**200 + 1, 3**120)]
    assert adder.add_many(pairs) == [a + b for a, b in pairs]


def test_predict_text_parses_and_refuses():
    adder = zoo.load("binary_adder")
    assert adder.predict_text(["5 7", "100+23"]) == [
        "5 + 7 = 12  (correct)",
        "100 + 23 = 123  (correct)",
    ]
    with pytest.raises(ValueError, match="two non-negative integers"):
        adder.predict_text(["5 -7"])
