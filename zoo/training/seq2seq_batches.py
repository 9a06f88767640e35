"""`Seq2SeqBatches`: length-bucketed teacher-forcing batches for a `Seq2Seq`."""

import numpy as np

from zoo.data.length_buckets import padded_length
from zoo.training.bucketed_batches import BucketedBatches


class Seq2SeqBatches(BucketedBatches):
    """Padded `(inputs, target_output)` batches of source/target pairs.

    The pairs are encoded once with the model's vocabularies (`source_ids`,
    lowercasing as the model does). Every epoch they are regrouped into
    batches of similar target length (`bucket_batches`, fresh noise each
    epoch; the decoder's loop over the target is the slow part), and each
    batch's source and target are padded to a multiple of `multiple`
    steps: little padding, and few distinct shapes for XLA to compile.

    Args:
        model: a `zoo.models.Seq2Seq` with vocabularies.
        sources, targets: lists of the same length of strings or token
            lists (`Seq2Seq.from_sequences` reads them the same way).
        batch_size: int. Pairs per batch at most, default 128.
        multiple: int. Pad lengths to a multiple of this, default 4.
        unknown: `"replace"` (the default: rare source tokens become the
            unknown id) or `"error"`.
        shuffle: bool. New batches every epoch, default True.
        seed: int. Seed of the batching, default None.

    Example:

    >>> from zoo.models import Seq2Seq
    >>> words = ["ab", "ba", "abc", "cab", "abcab"]
    >>> model = Seq2Seq.from_sequences(words, [w[::-1] for w in words], units=4)
    >>> batches = Seq2SeqBatches(model, words, [w[::-1] for w in words], batch_size=2,
    ...                          shuffle=False)
    >>> x, y = batches[0]
    >>> x["source"].shape, x["target_input"].shape, y.shape
    ((2, 4), (2, 4), (2, 4))
    >>> model.compile(optimizer="adam")
    >>> history = model.fit(**batches.fit_arguments(), epochs=2, verbose=0)
    >>> len(history.history["loss"])
    2
    """

    def __init__(self, model, sources, targets, batch_size=128, multiple=4,
                 unknown="replace", shuffle=True, seed=None):
        if len(sources) != len(targets) or not len(sources):
            raise ValueError(
                "`sources` and `targets` must be non-empty lists of the same length, "
                f"got {len(sources)} and {len(targets)} items"
            )
        target_vocabulary = model.vocabularies["target"]
        self.sources = [model.source_ids(item, unknown) for item in sources]
        # In the order the decoder writes them (`Seq2Seq.reverse_targets`).
        self.targets = [model.target_ids(item) for item in targets]
        self.start_id = target_vocabulary.lookup("<s>")
        self.end_id = target_vocabulary.lookup("</s>")
        self.multiple = multiple
        # <s> y_1 .. y_n and y_1 .. y_n </s> are one longer than the target.
        super().__init__(
            [len(target) + 1 for target in self.targets],
            batch_size=batch_size,
            shuffle=shuffle,
            seed=seed,
        )

    def __getitem__(self, index):
        batch = self.batches[index]
        width = padded_length(max(len(self.sources[i]) for i in batch), self.multiple)
        steps = padded_length(max(self.lengths[i] for i in batch), self.multiple)
        source = np.zeros((len(batch), width), "int32")
        target_input = np.zeros((len(batch), steps), "int32")
        target_output = np.zeros((len(batch), steps), "int32")
        for row, i in enumerate(batch):
            source[row, : len(self.sources[i])] = self.sources[i]
            target = self.targets[i]
            target_input[row, : len(target) + 1] = [self.start_id, *target]
            target_output[row, : len(target) + 1] = [*target, self.end_id]
        return {"source": source, "target_input": target_input}, target_output

    def tf_signature(self):
        import tensorflow as tf

        matrix = tf.TensorSpec((None, None), tf.int32)
        return {"source": matrix, "target_input": matrix}, matrix
