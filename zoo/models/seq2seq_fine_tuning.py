"""Fine-tuning a `Seq2Seq` on new pairs: grown vocabularies, frozen parts."""

import collections

import numpy as np
from keras import ops

from zoo.models.regularization_changes import with_regularization
from zoo.models.seq2seq import END_ID
from zoo.models.seq2seq import NORMALIZERS
from zoo.models.seq2seq import Seq2Seq

#: What `freeze_seq2seq` can freeze: the source and target embeddings, and
#: the encoder (the stacked source RNN layers). The bridges, the decoder
#: cell with its attention and the output projection always train.
FREEZABLE = ("embeddings", "encoder")
#: The arguments `extend_seq2seq(regularization=...)` may change.
REGULARIZATION = ("dropout",)


def extend_seq2seq(model, sources, targets, min_count=1, regularization=None):
    """A copy of `model` whose vocabularies also cover `sources`/`targets`.

    Every old source and target symbol keeps its id and its weights, so on
    old data the copy computes exactly the old logits for the old target
    symbols, and greedy decoding gives the old outputs. What the new pairs
    add is appended after the old ids:

    - a new source symbol (seen at least `min_count` times) gets a
      source-embedding row copied from the unknown symbol's row: at first
      the copy reads it exactly as the old model read it (as unknown), and
      fine-tuning moves it from there;
    - a new target symbol gets a target-embedding row equal to the mean of
      the old target symbols' rows (`</s>` and the tokens; padding and
      `<s>` excluded): the decoder's input after emitting it starts as an
      "average previous symbol" rather than as nothing (zeros), which
      fine-tuning then specializes. The old model never feeds it, so old
      outputs do not depend on this choice;
    - a new target symbol gets an output-projection column of zeros and a
      bias one below the lowest old bias: a constant logit under those of
      the symbols an old model is sure of, from which fine-tuning learns
      it (its gradient is not small: the cross-entropy's gradient on the
      wanted logit is 1 - p).

    Sources are read as `Seq2Seq.from_sequences` reads them (the model's
    `normalizer` and `lowercase` apply to strings).

    Args:
        model: a `Seq2Seq` with vocabularies (e.g. from `zoo.load`).
        sources, targets: lists of the same length of strings or token
            lists, the new training pairs.
        min_count: int. New source symbols seen fewer times stay unknown,
            default 1. Every new target symbol is added.
        regularization: dict or None. New values of the arguments in
            `REGULARIZATION` (`{"dropout": 0.4}`); default the model's.

    Returns:
        `(new_model, added)`, where `added` is `{"source": n, "target": m}`,
        the number of new entries of each vocabulary.

    Example:

    >>> words = ["ab", "ba", "abc"]
    >>> old = Seq2Seq.from_sequences(words, [w.upper() for w in words], units=4,
    ...                              embedding_dim=4)
    >>> new, added = extend_seq2seq(old, ["abd", "dab"], ["ABD", "DAB"])
    >>> added
    {'source': 1, 'target': 1}
    >>> new.vocabularies["target"].tokens[-1], new.target_vocabulary_size
    ('D', 7)
    >>> old.transduce(["cab"]) == new.transduce(["cab"])
    True
    """
    if not isinstance(model, Seq2Seq):
        raise TypeError(f"extend_seq2seq fine-tunes a Seq2Seq, got a {type(model).__name__}")
    sources, targets = list(sources), list(targets)
    if not sources or len(sources) != len(targets):
        raise ValueError(
            "`sources` and `targets` must be non-empty lists of the same length, "
            f"got {len(sources)} and {len(targets)} items"
        )
    old = model.vocabularies
    normalize = NORMALIZERS.get(model.normalizer)
    source_counts = collections.Counter(
        token
        for item in sources
        for token in _symbols(normalize(item) if normalize and isinstance(item, str) else item,
                              model.lowercase)
    )
    source = old["source"].extended(
        token for token, count in sorted(source_counts.items(), key=lambda item: -item[1])
        if count >= min_count
    )
    target_counts = collections.Counter(token for item in targets for token in _symbols(item))
    reserved = [token for token in old["target"].tokens[:3] if token in target_counts]
    if reserved:
        raise ValueError(f"Targets may not contain the reserved token {reserved[0]!r}")
    target = old["target"].extended(
        token for token, _ in sorted(target_counts.items(), key=lambda item: -item[1])
    )

    config = model.get_config()
    for key in ("trainable", "dtype"):
        config.pop(key, None)
    config.update(source_vocabulary_size=len(source), target_vocabulary_size=len(target))
    new = Seq2Seq(**with_regularization(config, regularization, REGULARIZATION))
    new.set_vocabularies(source, target)
    new.build_for_inference()
    copy_seq2seq_weights(model, new)
    added = {
        "source": len(source) - len(old["source"]),
        "target": len(target) - len(old["target"]),
    }
    return new, added


def copy_seq2seq_weights(source, target):
    """Copy `source`'s weights into `target`, whose vocabularies extend them.

    Layers of the same shape are copied; the vocabulary-indexed weights
    (the two embeddings, the output projection) are copied into their
    leading rows (columns), and the rest is filled as `extend_seq2seq`
    describes.
    """
    unknown_id = source.vocabularies["source"].unknown_id
    old_source = ops.convert_to_numpy(source.source_embedding.embeddings)
    grown = np.repeat(old_source[unknown_id][None], target.source_vocabulary_size, axis=0)
    grown[: len(old_source)] = old_source
    target.source_embedding.embeddings.assign(grown)

    old_target = ops.convert_to_numpy(source.target_embedding.embeddings)
    mean_row = old_target[END_ID:].mean(axis=0)
    grown = np.repeat(mean_row[None], target.target_vocabulary_size, axis=0)
    grown[: len(old_target)] = old_target
    target.target_embedding.embeddings.assign(grown)

    kernel = ops.convert_to_numpy(source.output_projection.kernel)
    bias = ops.convert_to_numpy(source.output_projection.bias)
    size = target.target_vocabulary_size
    new_kernel = np.zeros((kernel.shape[0], size), kernel.dtype)
    new_kernel[:, : kernel.shape[1]] = kernel
    # Below every old symbol's bias: a constant, low logit to learn from.
    new_bias = np.full((size,), bias.min() - 1.0, bias.dtype)
    new_bias[: bias.shape[0]] = bias
    target.output_projection.kernel.assign(new_kernel)
    target.output_projection.bias.assign(new_bias)

    pairs = [
        *zip(source.encoder_layers, target.encoder_layers),
        *zip(source.bridges, target.bridges),
        (source.decoder_cell, target.decoder_cell),
    ]
    for old_layer, new_layer in pairs:
        new_layer.set_weights(old_layer.get_weights())
    if source.scheduled_sampling is not None:
        target.sampling_step.assign(source.sampling_step)


def turn_around(model):
    """Make `model` write its targets in the other order, in place.

    Flips `reverse_targets` and starts the decoder afresh (its recurrent
    cell with the attention, and the bridges, newly initialized): it
    learned to read the source in the old order, and unlearning that is
    slower than learning from scratch (a left-to-right G2P decoder kept
    whole scored 74% dev WER after two epochs right to left, where one
    trained from scratch had 43%). The embeddings, the encoder and the
    output layer, which do not depend on the order, are kept.
    """
    config = model.get_config()
    for key in ("trainable", "dtype"):
        config.pop(key, None)
    fresh = Seq2Seq(**config)
    fresh.build_for_inference()
    for old, new in [(model.decoder_cell, fresh.decoder_cell),
                     *zip(model.bridges, fresh.bridges)]:
        old.set_weights(new.get_weights())
    model.reverse_targets = not model.reverse_targets
    return model


def freeze_seq2seq(model, parts):
    """Make parts of a `Seq2Seq` untrainable (before `compile`).

    Args:
        model: a `Seq2Seq`.
        parts: iterable of names from `FREEZABLE`: `"embeddings"` (the
            source and target embeddings) and `"encoder"` (the stacked
            source RNN layers).

    Returns:
        The list of frozen layer names.

    Example:

    >>> words = ["ab", "ba"]
    >>> model = Seq2Seq.from_sequences(words, words, units=4, embedding_dim=4)
    >>> freeze_seq2seq(model, ["encoder"])
    ['encoder_0']
    >>> freeze_seq2seq(model, ["decoder"])
    Traceback (most recent call last):
    ...
    ValueError: Cannot freeze ['decoder']: the parts are ['embeddings', 'encoder']
    """
    parts = list(parts)
    unknown = [part for part in parts if part not in FREEZABLE]
    if unknown:
        raise ValueError(f"Cannot freeze {unknown}: the parts are {list(FREEZABLE)}")
    layers = []
    if "embeddings" in parts:
        layers += [model.source_embedding, model.target_embedding]
    if "encoder" in parts:
        layers += model.encoder_layers
    for layer in layers:
        layer.trainable = False
    return [layer.name for layer in layers]


def _symbols(item, lowercase=False):
    """A string's characters or a token list's items, as `Seq2Seq` reads them."""
    if isinstance(item, str):
        return list(item.lower() if lowercase else item)
    return list(item)
