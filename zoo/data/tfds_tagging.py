"""Read tagged sentences from a TensorFlow Datasets tagging dataset.

For example `"universal_dependencies/en_ewt"`, whose examples have `tokens`
(a sequence of text), `upos` (a sequence of class labels) and `xpos` (a
sequence of text). `tensorflow_datasets` is imported only when this is
called, so the rest of `zoo.data` works without TensorFlow.
"""

from zoo.data.tagged_sentence import TaggedSentence


def read_tfds(
    name,
    split,
    token_feature="tokens",
    label_features=("upos",),
    data_dir=None,
    download=False,
):
    """Read every example of a tfds tagging dataset split as a sentence.

    Class-label features become their label names (through the feature's
    `int2str`), text features become str. The dataset must already be
    prepared (downloaded and built) unless `download=True`.

    Args:
        name: str. The tfds name, such as `"universal_dependencies/en_ewt"`.
        split: str. The split, such as `"train"` or `"dev"` (any tfds split
            expression, e.g. `"train[:10%]"`).
        token_feature: str. The feature that holds the tokens, default
            `"tokens"`.
        label_features: sequence of str, or one str. The features that hold
            one label per token, default `("upos",)`; each becomes a key of
            `TaggedSentence.labels`.
        data_dir: str or None. Where tfds keeps prepared datasets; None for
            its default (`~/tensorflow_datasets` or `$TFDS_DATA_DIR`).
        download: bool. Download and prepare the dataset if it is missing
            (needs internet access), default False.

    Returns:
        A list of `TaggedSentence` in split order, with `source` `""`.

    Raises:
        ImportError: tensorflow-datasets is not installed.
        FileNotFoundError: the dataset is not prepared and `download` is
            False; the message says how to get it.
        ValueError: a feature is not in the dataset, or an example has not
            one label per token.

    Example (with a prepared dataset; tfds's mock data stands in here):

    >>> import tensorflow_datasets as tfds
    >>> with tfds.testing.mock_data(num_examples=2):
    ...     sentences = read_tfds(
    ...         "universal_dependencies/en_ewt", "train", label_features=())
    >>> len(sentences), all(isinstance(t, str) for t in sentences[0].tokens)
    (2, True)
    """
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "read_tfds needs tensorflow-datasets: `pip install tensorflow-datasets`; "
            "or read local files with zoo.data.read_conllu or read_conll"
        ) from error
    if isinstance(label_features, str):
        label_features = (label_features,)
    label_features = tuple(label_features)
    builder = tfds.builder(name, data_dir=data_dir)
    features = builder.info.features
    for feature in (token_feature, *label_features):
        if feature not in features:
            raise ValueError(
                f"The tfds dataset {name!r} has no feature {feature!r}; "
                f"its features are {', '.join(features.keys())}"
            )
    if download:
        builder.download_and_prepare()
    try:
        dataset = builder.as_dataset(split=split)
    except AssertionError as error:  # tfds's way of saying "not prepared"
        prepared_in = str(getattr(builder, "data_dir_root", data_dir))
        raise FileNotFoundError(
            f"The tfds dataset {name!r} is not prepared in {prepared_in!r}. "
            f"Prepare it once with internet access (`tfds build {name}`, or "
            "read_tfds(..., download=True)) and pass its data_dir, or read "
            "the local files with zoo.data.read_conllu or read_conll"
        ) from error
    names = {
        feature: _class_names(features[feature], tfds.features.ClassLabel)
        for feature in (token_feature, *label_features)
    }
    sentences = []
    for number, example in enumerate(tfds.as_numpy(dataset)):
        tokens = _as_strings(example[token_feature], names[token_feature])
        labels = {}
        for feature in label_features:
            labels[feature] = _as_strings(example[feature], names[feature])
            if len(labels[feature]) != len(tokens):
                raise ValueError(
                    f"Example {number} of {name!r} split {split!r} has "
                    f"{len(tokens)} {token_feature!r} but "
                    f"{len(labels[feature])} {feature!r}; a tagger needs one "
                    "label per token"
                )
        sentences.append(TaggedSentence(tokens, labels))
    return sentences


def _class_names(feature, class_label):
    """The names (`int2str` of each id) of a (sequence of) class label, else None."""
    feature = getattr(feature, "feature", feature)  # inside a Sequence
    if not isinstance(feature, class_label):
        return None
    return [feature.int2str(i) for i in range(feature.num_classes)]


def _as_strings(values, class_names):
    """A numpy array of class ids or of bytes as a list of str."""
    if class_names is not None:
        return [class_names[int(value)] for value in values]
    return [
        value.decode("utf-8") if isinstance(value, bytes) else str(value)
        for value in values
    ]
