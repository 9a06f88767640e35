"""`BPTTBatches`: one long token stream as consecutive chunks, for truncated BPTT."""

import math

import keras
import numpy as np

from zoo.argument_checks import check_positive_integer


def batchify(ids, batch_size):
    """Cut a token stream into `batch_size` contiguous rows of equal length.

    Row b is `ids[b * L:(b + 1) * L]` with L = len(ids) // batch_size; the
    last len(ids) - batch_size * L tokens are dropped (fewer than
    `batch_size`). Reading a row left to right reads the text in order, so
    a model that carries its state along a row sees an unbroken stream.

    Example:

    >>> batchify([1, 2, 3, 4, 5, 6, 7], batch_size=2).tolist()
    [[1, 2, 3], [4, 5, 6]]
    """
    ids = np.asarray(ids)
    if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
        raise ValueError(
            f"`ids` must be a 1-D sequence of int token ids, got shape {ids.shape} "
            f"of dtype {ids.dtype}"
        )
    batch_size = check_positive_integer("batch_size", batch_size)
    length = len(ids) // batch_size
    return ids[: batch_size * length].astype("int32").reshape(batch_size, length)


class BPTTBatches(keras.utils.PyDataset):
    """Next-token batches of a token stream for truncated backpropagation through time.

    The stream is cut into `batch_size` contiguous rows (`batchify`), and
    the rows into chunks of `bptt` steps. Batch i is

        x = rows[:, i * bptt : i * bptt + n]
        y = rows[:, i * bptt + 1 : i * bptt + 1 + n],   n = min(bptt, L - 1 - i * bptt)

    so row b of batch i + 1 continues row b of batch i: a model that
    carries its recurrent state from one batch to the next (as
    `zoo.models.LanguageModel.fit` does with these batches) reads each row
    as one unbroken stream, while gradients stop at chunk boundaries
    (truncated BPTT, Williams & Peng 1990; Zaremba et al. 2014). The last
    chunk, when shorter, is padded to `bptt` steps with `padding_id` in x
    and y, so every batch has the same shape (one XLA compilation); the
    padded steps are masked. Each row's first token is never a target:
    the batches hold `batch_size * (L - 1)` predictions.

    The batches must be read in order, so fit with `shuffle=False`
    (`LanguageModel.fit` does so itself).

    Args:
        ids: 1-D int sequence. The token stream; no id may equal
            `padding_id`.
        batch_size: int. Rows (parallel streams) per batch.
        bptt: int. Time steps per chunk: how far back gradients reach.
        padding_id: int. The id of padded steps, default 0.
        **kwargs: `keras.utils.PyDataset` arguments (`workers`, ...).

    Example:

    >>> batches = BPTTBatches([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], batch_size=2, bptt=3)
    >>> batches.rows.tolist()
    [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]
    >>> len(batches), batches.predictions
    (2, 8)
    >>> x, y = batches[1]
    >>> x.tolist(), y.tolist()
    ([[4, 0, 0], [9, 0, 0]], [[5, 0, 0], [10, 0, 0]])
    """

    def __init__(self, ids, batch_size, bptt, padding_id=0, **kwargs):
        super().__init__(**kwargs)
        bptt = check_positive_integer("bptt", bptt)
        rows = batchify(ids, batch_size)
        if rows.shape[1] < 2:
            raise ValueError(
                f"A stream of {len(np.asarray(ids))} tokens is too short for "
                f"batch_size={batch_size}: each row needs at least 2 tokens (an "
                "input and its target); use a smaller batch_size or more text"
            )
        if np.any(rows == padding_id):
            position = int(np.flatnonzero(np.asarray(ids) == padding_id)[0])
            raise ValueError(
                f"The stream holds the padding id {padding_id} (first at position "
                f"{position}); padding would mask that step"
            )
        self.rows = rows
        self.batch_size = int(batch_size)
        self.bptt = int(bptt)
        self.padding_id = int(padding_id)
        self.dropped = len(np.asarray(ids)) - rows.size

    @property
    def predictions(self):
        """The number of (input, target) pairs over all batches."""
        return self.batch_size * (self.rows.shape[1] - 1)

    def __len__(self):
        return math.ceil((self.rows.shape[1] - 1) / self.bptt)

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"batch {index} of {len(self)}")
        index %= len(self)
        start = index * self.bptt
        steps = min(self.bptt, self.rows.shape[1] - 1 - start)
        x = np.full((self.batch_size, self.bptt), self.padding_id, "int32")
        y = np.full((self.batch_size, self.bptt), self.padding_id, "int32")
        x[:, :steps] = self.rows[:, start : start + steps]
        y[:, :steps] = self.rows[:, start + 1 : start + 1 + steps]
        return x, y
