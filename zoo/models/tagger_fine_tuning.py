"""Fine-tuning a `SequenceTagger` on new data: grown vocabularies, frozen parts."""

import collections

import numpy as np
from keras import ops

from zoo.data.token_features import normalize_word
from zoo.data.vocabulary import Vocabulary
from zoo.models.regularization_changes import with_regularization
from zoo.models.sequence_tagger import SequenceTagger

#: What `freeze_tagger` can freeze: the input embeddings (words, shapes and
#: the character embedding) and the encoder (the character encoder's RNN or
#: CNN and the sentence RNN layers). The label heads always train.
FREEZABLE = ("embeddings", "encoder")
#: The arguments `extend_tagger(regularization=...)` may change.
REGULARIZATION = ("dropout", "word_dropout")


def extend_tagger(tagger, sentences, label_names=None, min_count=1, regularization=None):
    """A copy of `tagger` whose vocabularies also cover `sentences`.

    Every old word, character and label keeps its id and its weights, so on
    old data the copy computes exactly the old potentials (for the old
    labels). What the new data adds is appended:

    - a new word (seen at least `min_count` times) or character gets an
      embedding row initialized to the unknown word's (character's) row:
      at first the copy treats it exactly as the old tagger treated it, an
      unknown word, and fine-tuning moves it from there;
    - a new label of an existing column gets a potentials column of zeros,
      a bias one below the lowest old label's and zero CRF transitions: a
      constant potential, under those of the labels an old tagger is sure
      of, from which fine-tuning learns it;
    - a label column the old tagger did not have gets a new, freshly
      initialized head (potentials and CRF).

    Args:
        tagger: a `SequenceTagger` with vocabularies (e.g. from `zoo.load`).
        sentences: list of `zoo.data.TaggedSentence`, the new training data.
        label_names: the label columns of the new tagger, default the
            columns of the first sentence.
        min_count: int. New words seen fewer times stay unknown, default 1.
        regularization: dict or None. New values of the arguments in
            `REGULARIZATION` (`{"dropout": 0.5}`); default the tagger's.

    Returns:
        `(new_tagger, added)`, where `added` is a dict of the number of new
        entries per vocabulary (`"words"`, `"characters"`, each label
        column) and the list of new columns under `"new_columns"`.
    """
    if not isinstance(tagger, SequenceTagger):
        raise TypeError(
            f"extend_tagger fine-tunes a SequenceTagger, got a {type(tagger).__name__}"
        )
    sentences = list(sentences)
    if not sentences:
        raise ValueError("Cannot fine-tune on no sentences.")
    if label_names is None:
        label_names = list(sentences[0].labels)
    old = tagger.vocabularies
    word_counts = collections.Counter(
        normalize_word(token, tagger.lowercase) for s in sentences for token in s.tokens
    )
    words = old["words"].extended(
        word for word, count in sorted(word_counts.items(), key=lambda item: -item[1])
        if count >= min_count
    )
    characters = old["characters"].extended(
        sorted({character for s in sentences for token in s.tokens for character in token})
    )
    labels = {}
    for name in label_names:
        missing = [s.source or str(i) for i, s in enumerate(sentences) if name not in s.labels]
        if missing:
            raise ValueError(
                f"Label column {name!r} is missing from {len(missing)} fine-tuning "
                f"sentences (first: {missing[0]})"
            )
        seen = Vocabulary.build(
            (s.labels[name] for s in sentences), padding_token=None, unknown_token=None
        ).tokens
        labels[name] = (
            old[name].extended(seen) if name in tagger.label_names else Vocabulary(seen, None, None)
        )

    config = tagger.get_config()
    for key in ("name", "trainable", "dtype"):
        config.pop(key, None)
    config.update(
        word_vocabulary_size=len(words),
        character_vocabulary_size=len(characters),
        label_names=list(label_names),
        label_sizes=[len(labels[name]) for name in label_names],
    )
    new = SequenceTagger(**with_regularization(config, regularization, REGULARIZATION))
    new.set_vocabularies(words, characters, labels)
    new.build_for_inference()
    copy_tagger_weights(tagger, new)
    added = {
        "words": len(words) - len(old["words"]),
        "characters": len(characters) - len(old["characters"]),
        **{
            name: len(labels[name]) - (len(old[name]) if name in tagger.label_names else 0)
            for name in label_names
        },
        "new_columns": [name for name in label_names if name not in tagger.label_names],
    }
    return new, added


def copy_tagger_weights(source, target):
    """Copy `source`'s weights into `target`, whose vocabularies extend them.

    Layers of the same shape are copied; vocabulary-indexed weights (word
    and character embeddings, label potentials, CRF transitions) are copied
    into their leading rows and columns, and the rest is filled as
    `extend_tagger` describes.
    """
    unknown_row = _grow_rows_from(source.vocabularies["words"].unknown_id)
    target.word_embedding.embeddings.assign(
        unknown_row(source.word_embedding.embeddings, target.word_embedding.embeddings)
    )
    if source.shape_embedding is not None:
        target.shape_embedding.set_weights(source.shape_embedding.get_weights())
    if source.characters_encoder is not None:
        old_characters = source.characters_encoder
        new_characters = target.characters_encoder
        grow = _grow_rows_from(source.vocabularies["characters"].unknown_id)
        new_characters.embedding.embeddings.assign(
            grow(old_characters.embedding.embeddings, new_characters.embedding.embeddings)
        )
        new_characters.network.set_weights(old_characters.network.get_weights())
    for old_layer, new_layer in zip(source.sequence_layers, target.sequence_layers):
        new_layer.set_weights(old_layer.get_weights())
    for index, name in enumerate(target.label_names):
        if name not in source.label_names:
            continue  # a new column keeps its fresh initialization
        old_index = source.label_names.index(name)
        old_dense = source.potentials[old_index]
        new_dense = target.potentials[index]
        kernel = ops.convert_to_numpy(old_dense.kernel)
        bias = ops.convert_to_numpy(old_dense.bias)
        size = new_dense.units
        new_kernel = np.zeros((kernel.shape[0], size), kernel.dtype)
        new_kernel[:, : kernel.shape[1]] = kernel
        # Below every old label's bias: a constant, low potential to learn from.
        new_bias = np.full((size,), bias.min() - 1.0, bias.dtype)
        new_bias[: bias.shape[0]] = bias
        new_dense.kernel.assign(new_kernel)
        new_dense.bias.assign(new_bias)
        if target.head == "crf":
            old_crf = source.crfs[old_index]
            new_crf = target.crfs[index]
            for variable in ("transitions", "start_transitions", "end_transitions"):
                old_value = ops.convert_to_numpy(getattr(old_crf, variable))
                grown = np.zeros(getattr(new_crf, variable).shape, old_value.dtype)
                grown[tuple(slice(0, n) for n in old_value.shape)] = old_value
                getattr(new_crf, variable).assign(grown)


def _grow_rows_from(template_row):
    """A function that copies an old table into a taller one whose extra
    rows are copies of the old table's row `template_row`."""

    def grow(old_variable, new_variable):
        old = ops.convert_to_numpy(old_variable)
        rows = new_variable.shape[0]
        grown = np.repeat(old[template_row][None], rows, axis=0)
        grown[: old.shape[0]] = old
        return grown

    return grow


def freeze_tagger(tagger, parts):
    """Make parts of a tagger untrainable (before `compile`).

    Args:
        tagger: a `SequenceTagger`.
        parts: iterable of names from `FREEZABLE`: `"embeddings"` (word,
            shape and character embeddings) and `"encoder"` (character
            encoder network and sentence RNN layers).

    Returns:
        The list of frozen layer names.
    """
    parts = list(parts)
    unknown = [part for part in parts if part not in FREEZABLE]
    if unknown:
        raise ValueError(f"Cannot freeze {unknown}: the parts are {list(FREEZABLE)}")
    layers = []
    if "embeddings" in parts:
        layers.append(tagger.word_embedding)
        if tagger.shape_embedding is not None:
            layers.append(tagger.shape_embedding)
        if tagger.characters_encoder is not None:
            layers.append(tagger.characters_encoder.embedding)
    if "encoder" in parts:
        if tagger.characters_encoder is not None:
            layers.append(tagger.characters_encoder.network)
        layers.extend(tagger.sequence_layers)
    for layer in layers:
        layer.trainable = False
    return [layer.name for layer in layers]
