"""ParityRNN against a numpy reference of its equations, its shape contract,
its serialization, and its refusal of bad input (untrained models only; the
shipped checkpoint is tested in test_parity_checkpoint.py)."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.parity_strings import parity_sequences
from zoo.models.parity_rnn import ParityRNN

pytestmark = pytest.mark.backend


def numpy_parity_rnn(bits, kernel, recurrent_kernel, bias, readout_kernel, readout_bias):
    """h_t = tanh(x_t W + h_{t-1} U + b), p_t = sigmoid(h_t v + c)."""
    batch, steps, _ = bits.shape
    h = np.zeros((batch, kernel.shape[1]))
    outputs = []
    for t in range(steps):
        h = np.tanh(bits[:, t] @ kernel + h @ recurrent_kernel + bias)
        outputs.append(1 / (1 + np.exp(-(h @ readout_kernel + readout_bias))))
    return np.concatenate(outputs, axis=1)


def test_forward_pass_matches_numpy_equations():
    model = ParityRNN(units=3)
    bits, _ = parity_sequences(["1011", "0", "111000"])
    model(bits)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    kernel, recurrent, bias = model.rnn.cell.cell.get_weights()
    readout_kernel, readout_bias = model.readout.get_weights()
    expected = numpy_parity_rnn(bits, kernel, recurrent, bias, readout_kernel, readout_bias)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(bits)), expected, rtol=1e-5, atol=1e-6
    )


def test_shape_contract_of_an_untrained_model():
    model = ParityRNN(units=2)
    for batch, steps in [(1, 1), (3, 7)]:
        output = model(np.zeros((batch, steps, 1), "float32"))
        assert tuple(output.shape) == (batch, steps)
        probabilities = keras.ops.convert_to_numpy(output)
        assert np.all((probabilities > 0) & (probabilities < 1))
    strings = ["1", "0110", [1, 1, 0, 1, 0, 0, 1], "1" * 33]
    running = model.running_parity_many(strings)
    assert [len(r) for r in running] == [1, 4, 7, 33]
    assert all(set(r) <= {0, 1} for r in running)
    assert model.parity_many(strings) == [r[-1] for r in running]
    assert model.parity("0110") in (0, 1) and model.parity_many([]) == []


def test_batched_answers_equal_one_at_a_time_answers():
    """Zero padding to the longest string (and a power of two) is invisible."""
    model = ParityRNN(units=3, seed=0)
    model(np.zeros((1, 1, 1), "float32"))
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    strings = ["1", "10", "1101", "0" * 17 + "1", "10" * 20]
    batched = model.running_parity_many(strings, batch_size=2)
    assert batched == [model.running_parity(bits) for bits in strings]


def test_training_noise_changes_outputs_only_in_training():
    model = ParityRNN(units=3, state_noise=0.5, seed=1)
    bits, _ = parity_sequences(["101101"])
    clean = keras.ops.convert_to_numpy(model(bits))
    np.testing.assert_array_equal(clean, keras.ops.convert_to_numpy(model(bits)))
    noisy = keras.ops.convert_to_numpy(model(bits, training=True))
    assert not np.allclose(clean, noisy)


def test_config_round_trip_and_fit_step():
    model = ParityRNN(units=4, state_noise=0.2, seed=3)
    restored = ParityRNN.from_config(model.get_config())
    assert restored.get_config() == model.get_config()
    bits, running_parity = parity_sequences(["101", "011", "1", "000"])
    model.compile(optimizer="adam", loss="binary_crossentropy", jit_compile=True)
    history = model.fit(bits, running_parity, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_hub_round_trip(tmp_path):
    model = ParityRNN(units=4)
    bits, _ = parity_sequences(["1100101"])
    expected = keras.ops.convert_to_numpy(model(bits))
    loaded = zoo.load(zoo.save(model, tmp_path / "parity"))
    assert isinstance(loaded, ParityRNN)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(bits)), expected)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_bad_units_are_refused(bad):
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        ParityRNN(units=bad)


def test_negative_noise_is_refused():
    with pytest.raises(ValueError, match="`state_noise` must be a non-negative number, got -0.1"):
        ParityRNN(state_noise=-0.1)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("10201", r"'2' at position 2 of '10201'"),
        ("", "at least one bit"),
        ([1, 0, 7], r"got 7 \(int\) at position 2"),
        (["1", "0"], r"got '1' \(str\) at position 0"),
        (1011, "a str like '1011' or a list of 0/1 ints, got int"),
    ],
)
def test_bad_bits_are_refused_before_the_model_runs(bad, message):
    model = ParityRNN(units=2)
    with pytest.raises(ValueError, match=message):
        model.parity(bad)
    with pytest.raises(ValueError, match=message):
        model.parity_many(["1", bad])
    assert not model.built


def test_one_string_where_a_list_belongs_is_refused():
    with pytest.raises(ValueError, match="Expected a list of bit strings"):
        ParityRNN(units=2).parity_many("1011")
