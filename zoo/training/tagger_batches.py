"""`TaggerBatches`: length-bucketed training batches for a `SequenceTagger`."""

from zoo.training.bucketed_batches import BucketedBatches


class TaggerBatches(BucketedBatches):
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
        super().__init__(
            [len(sentence.tokens) for sentence in kept],
            batch_size=batch_size,
            max_tokens=max_tokens,
            shuffle=shuffle,
            seed=seed,
        )

    def __getitem__(self, index):
        batch = self.batches[index]
        inputs = self.tagger.pad([self.encoded[i] for i in batch])
        time = inputs["words"].shape[1]
        labels = {
            name: self.tagger.encode_labels([column[i] for i in batch], name, time)
            for name, column in self.labels.items()
        }
        return inputs, labels

    def tf_signature(self):
        import tensorflow as tf

        matrix = tf.TensorSpec((None, None), tf.int32)
        inputs = {"words": matrix, "shapes": matrix, "characters": matrix, "word_index": matrix}
        return inputs, {name: matrix for name in self.labels}
