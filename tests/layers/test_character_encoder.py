"""CharacterEncoder: a word's vector depends on its characters only."""

import keras
import numpy as np
import pytest

from harness import run_layer_test
from zoo.layers import CharacterEncoder


@pytest.mark.parametrize("encoder, width", [("rnn", 10), ("cnn", 5)])
def test_layer_contract(encoder, width):
    characters = np.array([[[3, 4, 0], [5, 0, 0]], [[0, 0, 0], [0, 0, 0]]])
    run_layer_test(
        CharacterEncoder,
        {"vocabulary_size": 8, "embedding_dim": 3, "units": 5, "encoder": encoder},
        characters,
        expected_output_shape=(2, 2, width),
    )


@pytest.mark.parametrize("encoder", ["rnn", "cnn"])
def test_word_vector_ignores_padding_and_other_words(encoder):
    keras.utils.set_random_seed(0)
    layer = CharacterEncoder(vocabulary_size=20, embedding_dim=4, units=6, encoder=encoder)
    narrow = np.array([[[5, 6, 7], [8, 0, 0]]])
    wide = np.array([[[9, 9, 9, 9, 9, 9], [5, 6, 7, 0, 0, 0], [0, 0, 0, 0, 0, 0]]])
    narrow_out = keras.ops.convert_to_numpy(layer(narrow))
    wide_out = keras.ops.convert_to_numpy(layer(wide))
    np.testing.assert_allclose(narrow_out[0, 0], wide_out[0, 1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(wide_out[0, 2], 0.0)  # a padding word
    assert not np.allclose(narrow_out[0, 0], narrow_out[0, 1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="`encoder` must be one of"):
        CharacterEncoder(10, encoder="transformer")
    with pytest.raises(ValueError, match="`units` must be a positive integer"):
        CharacterEncoder(10, units=0)
