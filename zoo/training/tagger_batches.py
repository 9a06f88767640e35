"""`TaggerBatches`: length-bucketed training batches for a `SequenceTagger`."""

import keras

from zoo.data.length_buckets import bucket_batches


class TaggerBatches(keras.utils.PyDataset):
    """Padded `(inputs, labels)` batches of tagged sentences, by length.

    Sentences are encoded once with the tagger's vocabularies; every epoch
    they are regrouped into batches of similar length (`bucket_batches`,
    with fresh noise so batches differ between epochs) and padded by
    `SequenceTagger.pad` (time on `ladder_length`'s rungs), which keeps
    padding small and the number of distinct shapes XLA compiles low.
    Empty sentences carry no tokens to learn from and are left out (and
    counted in `skipped_empty`).

    Args:
        tagger: a `zoo.models.SequenceTagger` with vocabularies.
        sentences: list of `zoo.data.TaggedSentence` with every label column
            of the tagger.
        batch_size: int. Sentences per batch at most, default 32.
        max_tokens: int. Padded tokens per batch at most, default None.
        shuffle: bool. New batches every epoch, default True.
        seed: int. Seed of the batching, default None.
    """

    def __init__(self, tagger, sentences, batch_size=32, max_tokens=None, shuffle=True, seed=None):
        super().__init__()
        self.tagger = tagger
        kept = [sentence for sentence in sentences if sentence.tokens]
        self.skipped_empty = len(sentences) - len(kept)
        for sentence in kept:
            for name in tagger.label_names:
                labels = sentence.labels.get(name)
                if labels is None or len(labels) != len(sentence.tokens):
                    raise ValueError(
                        f"{sentence.source or 'a sentence'}: label column {name!r} "
                        f"{'is missing' if labels is None else 'has the wrong length'}"
                    )
        self.encoded = [tagger.encode_sentence(sentence.tokens) for sentence in kept]
        self.labels = {
            name: [sentence.labels[name] for sentence in kept] for name in tagger.label_names
        }
        self.lengths = [len(sentence.tokens) for sentence in kept]
        self.batch_size = batch_size
        self.max_tokens = max_tokens
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0
        self.batches = self.make_batches()

    def make_batches(self):
        seed = None if self.seed is None else self.seed + self.epoch
        return bucket_batches(
            self.lengths,
            batch_size=self.batch_size,
            max_tokens=self.max_tokens,
            shuffle=self.shuffle,
            seed=seed,
        )

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, index):
        batch = self.batches[index]
        inputs = self.tagger.pad([self.encoded[i] for i in batch])
        time = inputs["words"].shape[1]
        labels = {
            name: self.tagger.encode_labels([column[i] for i in batch], name, time)
            for name, column in self.labels.items()
        }
        return inputs, labels

    def for_fit(self):
        """What to pass to `fit`: `to_tf_dataset()` on TensorFlow, else self."""
        if keras.backend.backend() == "tensorflow":
            return self.to_tf_dataset()
        return self

    def to_tf_dataset(self):
        """The batches as a `tf.data.Dataset` with variable batch, time and
        word-width dimensions (Keras' own adapter fixes the shapes it sees
        in the first two batches); reshuffled after every pass."""
        import tensorflow as tf

        def batches():
            for index in range(len(self)):
                yield self[index]
            self.on_epoch_end()

        spec = tf.TensorSpec
        signature = (
            {
                "words": spec((None, None), tf.int32),
                "shapes": spec((None, None), tf.int32),
                "characters": spec((None, None), tf.int32),
                "word_index": spec((None, None), tf.int32),
            },
            {name: spec((None, None), tf.int32) for name in self.labels},
        )
        dataset = tf.data.Dataset.from_generator(batches, output_signature=signature)
        dataset = dataset.apply(tf.data.experimental.assert_cardinality(len(self)))
        return dataset.prefetch(2)

    def on_epoch_end(self):
        if self.shuffle:
            self.epoch += 1
            self.batches = self.make_batches()
