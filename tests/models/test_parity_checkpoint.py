"""The shipped `parity` checkpoint: exact on 1,000-bit strings, checked
against Python's sum(bits) % 2, and its text interface for `zoo predict`."""

import numpy as np
import pytest

import zoo
from zoo.data.parity_strings import random_bit_strings
from zoo.models.parity_rnn import ParityRNN

pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def model():
    return zoo.load("parity")


def test_the_shipped_checkpoint_is_a_parity_rnn_with_its_card(model):
    assert isinstance(model, ParityRNN)
    assert model.card.metrics["test_1000_bits"]["exact_parity_accuracy"] == 1.0
    assert model.card.recipe_command.startswith("python recipes/parity.py")


def test_exact_on_1000_random_1000_bit_strings(model):
    # Seed 2026, not the recipe's 12345: strings the recipe never measured.
    strings = random_bit_strings(1000, 1000, seed=2026)
    expected = [sum(int(c) for c in text) % 2 for text in strings]
    assert 400 < sum(expected) < 600
    assert model.parity_many(strings) == expected


def test_exact_on_worst_cases_and_as_lists_of_ints(model):
    rng = np.random.default_rng(7)
    cases = [
        "1" * 1000,
        "1" * 999,
        "0" * 1000,
        "0" * 999 + "1",
        "1" + "0" * 999,
        "10" * 500,
        "1",
        "0",
        rng.integers(0, 2, 1000).tolist(),
        rng.integers(0, 2, 2500).tolist(),
    ]
    expected = [sum(int(bit) for bit in bits) % 2 for bits in cases]
    assert model.parity_many(cases) == expected
    assert [model.parity(bits) for bits in cases[-2:]] == expected[-2:]


def test_running_parity_of_a_1000_bit_string_is_exact_at_every_step(model):
    (text,) = random_bit_strings(1, 1000, seed=11)
    bits = [int(c) for c in text]
    expected = [sum(bits[: t + 1]) % 2 for t in range(len(bits))]
    assert model.running_parity(text) == expected


def test_predict_text_and_demo_inputs(model):
    assert model.predict_text(["1011", " 0 ", "1" * 50]) == [
        "parity(1011) = 1  (correct: 3 ones in 4 bits)",
        "parity(0) = 0  (correct: 0 ones in 1 bit)",
        "parity(11111111111111111111...11111111111111111111) = 0  "
        "(correct: 50 ones in 50 bits)",
    ]
    lines = model.predict_text(list(model.demo_inputs))
    assert len(lines) == len(model.demo_inputs)
    assert all("(correct" in line for line in lines)
    with pytest.raises(ValueError, match=r"'2' at position 2 of '10201'"):
        model.predict_text(["1011", "10201"])
