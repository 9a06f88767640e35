"""`CharacterEncoder`: one vector per word from the word's characters."""

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer

ENCODERS = ("rnn", "cnn")


@keras.saving.register_keras_serializable(package="zoo")
class CharacterEncoder(keras.layers.Layer):
    """Encodes every word of a batch of sentences from its characters.

    Words never seen in training still get a representation from their
    spelling: capitalization, prefixes and suffixes ("-ly", "-ing", "un-")
    carry most of what a tagger needs to know about an unknown word.

    - `"rnn"` (Lample et al. 2016): a bidirectional LSTM over the
      characters; the word vector is `[h_forward_last; h_backward_first]`,
      `2 * units` wide.
    - `"cnn"` (Ma & Hovy 2016): a width-3 convolution with `units` filters
      and tanh, max-pooled over the word's characters, `units` wide.

    Character id 0 is padding (a word shorter than the longest is padded
    with 0; a padding word is all zeros and encodes to zeros).

    Args:
        vocabulary_size: int. Number of character ids, padding included.
        embedding_dim: int. Character embedding size, default 32.
        units: int. LSTM units per direction, or filters, default 64.
        encoder: `"rnn"` or `"cnn"`, default `"rnn"`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments:
        characters: int tensor `[batch, words, characters]`.

    Returns:
        `[batch, words, output_dim]`.

    Example:

    >>> import numpy as np
    >>> encoder = CharacterEncoder(vocabulary_size=30, units=8)
    >>> characters = np.array([[[3, 4, 5, 0], [6, 0, 0, 0], [0, 0, 0, 0]]])
    >>> tuple(encoder(characters).shape)
    (1, 3, 16)
    """

    def __init__(self, vocabulary_size, embedding_dim=32, units=64, encoder="rnn", **kwargs):
        super().__init__(**kwargs)
        if encoder not in ENCODERS:
            raise ValueError(f"`encoder` must be one of {ENCODERS}, got {encoder!r}")
        for name, value in [
            ("vocabulary_size", vocabulary_size),
            ("embedding_dim", embedding_dim),
            ("units", units),
        ]:
            check_positive_integer(name, value)
        self.vocabulary_size = vocabulary_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.encoder = encoder
        self.embedding = keras.layers.Embedding(
            vocabulary_size, embedding_dim, name="embedding"
        )  # padding is masked in `call`, not through Keras' implicit mask
        if encoder == "rnn":
            self.network = keras.layers.Bidirectional(
                keras.layers.LSTM(units), merge_mode="concat", name="bidirectional_lstm"
            )
        else:
            self.network = keras.layers.Conv1D(
                units, 3, padding="same", activation="tanh", name="convolution"
            )

    @property
    def output_dim(self):
        return 2 * self.units if self.encoder == "rnn" else self.units

    def build(self, input_shape):
        characters = input_shape[-1]
        self.embedding.build((None, characters))
        self.network.build((None, characters, self.embedding_dim))
        self.built = True

    def call(self, characters):
        shape = ops.shape(characters)
        flat = ops.reshape(characters, (-1, shape[-1]))
        mask = ops.not_equal(flat, 0)
        embedded = self.embedding(flat)
        if self.encoder == "rnn":
            encoded = self.network(embedded, mask=mask)
        else:
            # Padding enters the convolution as zeros, exactly like the
            # convolution's own "same" padding at the end of a full word.
            embedded = embedded * ops.cast(ops.expand_dims(mask, -1), embedded.dtype)
            features = self.network(embedded)
            # Max over real characters only; a padding word gives zeros.
            floor = ops.where(ops.expand_dims(mask, -1), features, -2.0)
            encoded = ops.max(floor, axis=1)
            has_characters = ops.any(mask, axis=1, keepdims=True)
            encoded = ops.where(has_characters, encoded, 0.0)
        return ops.reshape(encoded, (shape[0], shape[1], self.output_dim))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.output_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "encoder": self.encoder,
        }
