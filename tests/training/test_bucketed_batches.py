"""BucketedBatches: every example once per epoch, batches of similar length,
new batches each epoch only when shuffling, the same ones for the same seed,
and the same batches through `to_tf_dataset` on TensorFlow."""

import keras
import numpy as np
import pytest

from zoo.training.bucketed_batches import BucketedBatches


class IndexBatches(BucketedBatches):
    """Each batch is its example indices and their lengths."""

    def __getitem__(self, index):
        batch = self.batches[index]
        return np.array(batch, "int32"), np.array([self.lengths[i] for i in batch], "int32")

    def tf_signature(self):
        import tensorflow as tf

        vector = tf.TensorSpec((None,), tf.int32)
        return vector, vector


LENGTHS = np.random.default_rng(0).integers(1, 40, size=101).tolist()


def epoch(batches):
    return [batches[index][0].tolist() for index in range(len(batches))]


def test_every_example_once_per_epoch_in_batches_of_similar_length():
    batches = IndexBatches(LENGTHS, batch_size=8, seed=3)
    for _ in range(3):
        indices = epoch(batches)
        assert sorted(i for batch in indices for i in batch) == list(range(len(LENGTHS)))
        assert max(len(batch) for batch in indices) == 8
        spans = [np.ptp([LENGTHS[i] for i in batch]) for batch in indices]
        # Batches of 8 random lengths in 1..39 would span about 30.
        assert np.mean(spans) <= 6
        batches.on_epoch_end()


def test_max_tokens_bounds_the_padded_size_of_a_batch():
    batches = IndexBatches(LENGTHS, batch_size=50, max_tokens=100, shuffle=False)
    for batch in epoch(batches):
        assert len(batch) * max(LENGTHS[i] for i in batch) <= 100 or len(batch) == 1


def test_shuffling_gives_new_batches_each_epoch_and_a_seed_repeats_them():
    first, again = IndexBatches(LENGTHS, 8, seed=3), IndexBatches(LENGTHS, 8, seed=3)
    epochs = []
    for _ in range(3):
        epochs.append(epoch(first))
        assert epoch(again) == epochs[-1]
        first.on_epoch_end()
        again.on_epoch_end()
    assert epochs[0] != epochs[1] != epochs[2]


def test_without_shuffling_every_epoch_is_the_same_short_to_long():
    batches = IndexBatches(LENGTHS, batch_size=8, shuffle=False)
    first = epoch(batches)
    batches.on_epoch_end()
    assert epoch(batches) == first
    longest = [max(LENGTHS[i] for i in batch) for batch in first]
    assert longest == sorted(longest)


def test_a_subclass_without_tf_signature_says_so():
    class NoSignature(BucketedBatches):
        def __getitem__(self, index):
            return self.batches[index]

    with pytest.raises(NotImplementedError, match="NoSignature does not define tf_signature"):
        NoSignature([1, 2], batch_size=1).tf_signature()


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="tf.data needs TensorFlow")
def test_tf_dataset_gives_the_same_batches_and_new_ones_after_each_pass():
    expected = IndexBatches(LENGTHS, batch_size=8, seed=5)
    dataset = IndexBatches(LENGTHS, batch_size=8, seed=5).fit_arguments()["x"]
    assert int(dataset.cardinality()) == len(expected)
    for _ in range(2):
        got = [indices.numpy().tolist() for indices, _ in dataset]
        assert got == epoch(expected)
        expected.on_epoch_end()


class IndexColumnBatches(IndexBatches):
    """The indices as a column of features, the lengths as targets."""

    def __getitem__(self, index):
        indices, lengths = super().__getitem__(index)
        return indices[:, None].astype("float32"), lengths.astype("float32")

    def tf_signature(self):
        import tensorflow as tf

        return tf.TensorSpec((None, 1), tf.float32), tf.TensorSpec((None,), tf.float32)


class RecordInputs(keras.layers.Layer):
    """Passes its input on and keeps each training batch's indices (eagerly)."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def call(self, inputs, training=False):
        if training:
            self.seen.append(keras.ops.convert_to_numpy(inputs)[:, 0].astype(int).tolist())
        return inputs


def test_fit_reads_every_epochs_batches_in_their_own_order():
    expected = IndexBatches(LENGTHS, batch_size=8, seed=7)
    recorder = RecordInputs()
    model = keras.Sequential([keras.Input((1,)), recorder, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    batches = IndexColumnBatches(LENGTHS, batch_size=8, seed=7)
    arguments = batches.fit_arguments()
    assert arguments["shuffle"] is False
    model.fit(**arguments, epochs=2, verbose=0)
    own_epochs = []
    for _ in range(3):
        own_epochs.append(epoch(expected))
        expected.on_epoch_end()
    # Keras on JAX ends an epoch once before training (after building the
    # model on a first batch), so its first epoch reads the batches' second.
    skipped = 0 if recorder.seen[0] == own_epochs[0][0] else 1
    assert recorder.seen == own_epochs[skipped] + own_epochs[skipped + 1]
