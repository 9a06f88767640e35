"""Fine-tuning a `LanguageModel` on new text: a grown vocabulary, frozen parts."""

import math

import numpy as np
from keras import ops

from zoo.data.language_model_tokens import language_model_vocabulary
from zoo.data.language_model_tokens import text_to_tokens
from zoo.models.language_model import LanguageModel
from zoo.models.regularization_changes import with_regularization

#: What `freeze_language_model` can freeze: the token embeddings E and the
#: encoder (the stacked RNN layers). The output layer (its kernel or, with
#: tied embeddings, the projection P, and the bias) always trains.
FREEZABLE = ("embeddings", "encoder")
#: The arguments `extend_language_model(regularization=...)` may change.
REGULARIZATION = ("embedding_dropout", "input_dropout", "recurrent_dropout", "output_dropout")

# The reserved ids of a language model vocabulary: padding, unknown, line break.
RESERVED_IDS = 3


def extend_language_model(model, text, min_count=1, regularization=None):
    """A copy of `model` whose vocabulary also covers the tokens of `text`.

    The text is read at the model's level (words or characters). Every
    token of `text` the model lacks, seen at least `min_count` times, is
    appended to the vocabulary (by descending count, ties alphabetically);
    every old token keeps its id and its weights. A new token starts as
    the unknown token "[UNK]", which is what the old model read it as:

    - its embedding row is a copy of the [UNK] row, so the copy reads a new
      token exactly as the old model read it as [UNK];
    - its output logit is [UNK]'s logit minus log(n), n the number of new
      tokens: its output column is a copy of [UNK]'s (with tied embeddings,
      W = P E^T, the column of a token is its embedding row, which is
      already [UNK]'s), and its bias is [UNK]'s bias minus log(n).

    What is guaranteed, exactly (up to float rounding), for every text and
    context: the copy's logits for the old tokens are the old model's
    logits (whether the text holds new tokens or not); the n new tokens
    together carry the unnormalized weight exp(l_[UNK]) that [UNK] alone
    has, so every old token's probability is divided by the same factor:

        P_new(x | context) = P_old(x | context) / (1 + P_old([UNK] | context))

    Old predictions keep their ranking and their ratios, and an old text
    costs at most log(1 + P_old([UNK])) more nats per token: next to
    nothing for a model that rarely predicts [UNK] (a character model
    trained with `min_count=1` never saw it as a target). Fine-tuning then
    moves the new tokens from there.

    Args:
        model: a `LanguageModel` with a vocabulary (e.g. from `zoo.load`).
        text: str. The new training text.
        min_count: int. New tokens seen fewer times in `text` stay unknown,
            default 1 (tokens the model knows are kept whatever their count).
        regularization: dict or None. New values of the arguments in
            `REGULARIZATION` (`{"output_dropout": 0.5}`); default the model's.

    Returns:
        `(new_model, added)`: the grown copy (the same configuration, a
        larger `vocabulary_size`) and the list of the new tokens in id order.

    Example:

    >>> import numpy as np
    >>> old = LanguageModel.from_text("abcab\\n", level="char", embedding_dim=4,
    ...                               units=4, num_layers=1, seed=0)
    >>> new, added = extend_language_model(old, "abxyx\\n")
    >>> added
    ['x', 'y']
    >>> new.vocabulary.tokens[-3:]
    ['c', 'x', 'y']
    >>> ids = old.encode("abcab")[None]
    >>> bool(np.allclose(new(ids)[..., :old.vocabulary_size], old(ids), atol=1e-6))
    True
    """
    if not isinstance(model, LanguageModel):
        raise TypeError(
            f"extend_language_model fine-tunes a LanguageModel, got a {type(model).__name__}"
        )
    if model.vocabulary is None:
        raise ValueError(
            "The model has no vocabulary to grow: load it with `zoo.load` or build it "
            "with `LanguageModel.from_text`"
        )
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("Cannot fine-tune on an empty text.")
    seen = language_model_vocabulary(text_to_tokens(text, model.level), min_count=min_count)
    vocabulary = model.vocabulary.extended(seen.tokens[RESERVED_IDS:])
    added = vocabulary.tokens[len(model.vocabulary) :]
    config = model.get_config()
    for key in ("trainable", "dtype"):
        config.pop(key, None)  # the new model takes the current dtype policy
    config["vocabulary_size"] = len(vocabulary)
    new = LanguageModel(**with_regularization(config, regularization, REGULARIZATION))
    new.set_vocabulary(vocabulary)
    copy_language_model_weights(model, new)
    return new, added


def copy_language_model_weights(source, target):
    """Copy `source`'s weights into `target`, whose vocabulary extends it.

    The RNN layers and the projection are copied as they are; the rows of
    the embeddings and the columns of the output kernel and bias are copied
    into their leading entries, and the new entries are filled as
    `extend_language_model` describes.
    """
    old_size, new_size = source.vocabulary_size, target.vocabulary_size
    unknown = source.vocabulary.unknown_id
    added = new_size - old_size
    if added < 0:
        raise ValueError(
            f"The target's vocabulary ({new_size}) is smaller than the source's ({old_size})"
        )
    embeddings = ops.convert_to_numpy(source.embeddings)
    target.embeddings.assign(_grown(embeddings, new_size, embeddings[unknown], axis=0))
    for old_layer, new_layer in zip(source.sequence_layers, target.sequence_layers):
        new_layer.set_weights(old_layer.get_weights())
    if source.projection is not None:
        target.projection.set_weights(source.projection.get_weights())
    if not source.tie_embeddings:
        kernel = ops.convert_to_numpy(source.output_kernel)
        target.output_kernel.assign(_grown(kernel, new_size, kernel[:, unknown], axis=1))
    bias = ops.convert_to_numpy(source.output_bias)
    # n new tokens at [UNK]'s logit - log(n): together, exactly [UNK]'s weight.
    new_bias = bias[unknown] - math.log(max(added, 1))
    target.output_bias.assign(_grown(bias, new_size, new_bias, axis=0))


def _grown(old, size, fill, axis):
    """`old` with `size - old.shape[axis]` copies of `fill` appended along `axis`."""
    fill = np.asarray(fill, old.dtype)
    extra = size - old.shape[axis]
    repeated = np.repeat(np.expand_dims(fill, axis), extra, axis=axis)
    return np.concatenate([old, repeated], axis=axis)


def freeze_language_model(model, parts):
    """Make parts of a language model untrainable (before `compile`).

    Args:
        model: a `LanguageModel`.
        parts: iterable of names from `FREEZABLE` (or one name):
            `"embeddings"` (the token embeddings E; with tied embeddings
            also the output matrix, which is E^T: only the projection and
            the bias of the output then train) and `"encoder"` (every RNN
            layer).

    Returns:
        The list of what was frozen: `"embeddings"` and the RNN layers' names.

    Example:

    >>> model = LanguageModel.from_text("abc\\n", level="char", embedding_dim=4,
    ...                                 units=4, num_layers=2, seed=0)
    >>> freeze_language_model(model, ["encoder"])
    ['rnn_0', 'rnn_1']
    >>> [variable.name for variable in model.trainable_variables]
    ['embeddings', 'output_kernel', 'output_bias']
    """
    if not isinstance(model, LanguageModel):
        raise TypeError(
            f"freeze_language_model freezes a LanguageModel, got a {type(model).__name__}"
        )
    parts = [parts] if isinstance(parts, str) else list(parts)
    unknown = [part for part in parts if part not in FREEZABLE]
    if unknown:
        raise ValueError(f"Cannot freeze {unknown}: the parts are {list(FREEZABLE)}")
    frozen = []
    if "embeddings" in parts:
        model.embeddings.trainable = False
        frozen.append("embeddings")
    if "encoder" in parts:
        for layer in model.sequence_layers:
            layer.trainable = False
            frozen.append(layer.name)
    return frozen
