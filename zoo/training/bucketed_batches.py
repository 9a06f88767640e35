"""`BucketedBatches`: training batches of similar-length examples, regrouped
every epoch, fed to `fit` on every backend."""

import keras

from zoo.data.length_buckets import bucket_batches


class BucketedBatches(keras.utils.PyDataset):
    """The base of the zoo's training batch sequences (`Seq2SeqBatches`,
    `TaggerBatches`).

    Holds the examples' lengths and groups their indices into batches of
    similar length with `bucket_batches`; when shuffling, every epoch gets
    new batches (seeded by `seed + epoch`, so a run repeats). A subclass
    encodes its examples, calls `super().__init__` with their lengths, and
    writes `__getitem__` (the padded arrays of `self.batches[index]`) and
    `tf_signature` (their `tf.TensorSpec`s, for `to_tf_dataset`). Train
    with `model.fit(**batches.fit_arguments(), epochs=...)`.

    Args:
        lengths: list of int. The length each example is bucketed by.
        batch_size: int. Examples per batch at most.
        max_tokens: int or None. Padded tokens per batch at most, default
            None (no limit).
        shuffle: bool. New batches every epoch, default True.
        seed: int. Seed of the batching, default None.

    Example:

    >>> import numpy as np
    >>> class Lengths(BucketedBatches):
    ...     def __getitem__(self, index):
    ...         return np.array([self.lengths[i] for i in self.batches[index]])
    >>> batches = Lengths([3, 1, 2, 9, 8, 1], batch_size=2, shuffle=False)
    >>> [batches[i].tolist() for i in range(len(batches))]
    [[1, 1], [2, 3], [8, 9]]
    """

    def __init__(self, lengths, batch_size, max_tokens=None, shuffle=True, seed=None):
        super().__init__()
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0
        self.batches = self.make_batches()

    def make_batches(self):
        """This epoch's batches: lists of example indices."""
        return bucket_batches(
            self.lengths,
            batch_size=self.batch_size,
            max_tokens=self.max_tokens,
            shuffle=self.shuffle,
            seed=None if self.seed is None else self.seed + self.epoch,
        )

    def __len__(self):
        return len(self.batches)

    def on_epoch_end(self):
        if self.shuffle:
            self.epoch += 1
            self.batches = self.make_batches()

    def fit_arguments(self):
        """The `model.fit` arguments that read these batches, as a dict:
        `x` (`to_tf_dataset()` on TensorFlow, else self) and `shuffle=False`.

        The batches reshuffle themselves after every epoch; Keras must not
        reorder them as well (it would on JAX and PyTorch, and on TensorFlow
        it warns that it ignores `shuffle` for a dataset). Use it as
        `model.fit(**batches.fit_arguments(), epochs=...)`.
        """
        x = self.to_tf_dataset() if keras.backend.backend() == "tensorflow" else self
        return {"x": x, "shuffle": False}

    def tf_signature(self):
        """The `tf.TensorSpec` structure of a batch, for `to_tf_dataset`."""
        raise NotImplementedError(f"{type(self).__name__} does not define tf_signature()")

    def to_tf_dataset(self):
        """The batches as a `tf.data.Dataset` with the variable dimensions of
        `tf_signature` (Keras' own adapter fixes the shapes it sees in the
        first batches); new batches after every pass."""
        import tensorflow as tf

        def batches():
            for index in range(len(self)):
                yield self[index]
            self.on_epoch_end()

        dataset = tf.data.Dataset.from_generator(batches, output_signature=self.tf_signature())
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(self)))
        return dataset.prefetch(2)
