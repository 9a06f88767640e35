import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from zoo.data.bptt_batches import BPTTBatches
from zoo.data.bptt_batches import batchify

# A keras PyDataset: checked under every backend.
pytestmark = pytest.mark.backend


def test_batchify_by_hand():
    # 11 tokens in 3 rows of 3; the last 2 tokens are dropped.
    rows = batchify(np.arange(1, 12), batch_size=3)
    assert rows.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert rows.dtype == np.int32


def test_batches_by_hand():
    # 2 rows of 7 tokens: 6 (input, target) pairs per row, in chunks of 4 and 2.
    ids = np.arange(1, 16)
    batches = BPTTBatches(ids, batch_size=2, bptt=4)
    assert batches.rows.tolist() == [[1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14]]
    assert len(batches) == 2 and batches.predictions == 12 and batches.dropped == 1
    x, y = batches[0]
    assert x.tolist() == [[1, 2, 3, 4], [8, 9, 10, 11]]
    assert y.tolist() == [[2, 3, 4, 5], [9, 10, 11, 12]]
    x, y = batches[1]  # the short last chunk, padded to 4 steps
    assert x.tolist() == [[5, 6, 0, 0], [12, 13, 0, 0]]
    assert y.tolist() == [[6, 7, 0, 0], [13, 14, 0, 0]]
    assert x.dtype == y.dtype == np.int32
    np.testing.assert_array_equal(batches[-1][0], batches[1][0])
    with pytest.raises(IndexError):
        batches[2]


@settings(max_examples=60, deadline=None)
@given(
    length=st.integers(2, 60),
    batch_size=st.integers(1, 5),
    bptt=st.integers(1, 9),
)
def test_each_row_is_the_stream_read_in_order(length, batch_size, bptt):
    if length // batch_size < 2:
        return
    ids = np.arange(1, length + 1)
    batches = BPTTBatches(ids, batch_size=batch_size, bptt=bptt)
    inputs, targets = [], []
    for index in range(len(batches)):
        x, y = batches[index]
        assert x.shape == y.shape == (batch_size, bptt)
        inputs.append(x)
        targets.append(y)
    inputs, targets = np.concatenate(inputs, axis=1), np.concatenate(targets, axis=1)
    row_length = length // batch_size
    for row in range(batch_size):
        stream = ids[row * row_length : (row + 1) * row_length]
        real = inputs[row] != 0
        # Padding only at the end, and every real step predicts the next token.
        assert real.sum() == row_length - 1 and real[: row_length - 1].all()
        np.testing.assert_array_equal(inputs[row][real], stream[:-1])
        np.testing.assert_array_equal(targets[row][real], stream[1:])
        assert (targets[row][~real] == 0).all()
    assert batches.predictions == batch_size * (row_length - 1)


def test_bad_arguments():
    with pytest.raises(ValueError, match="`batch_size` must be a positive integer"):
        BPTTBatches([1, 2, 3], batch_size=0, bptt=2)
    with pytest.raises(ValueError, match="`bptt` must be a positive integer"):
        BPTTBatches([1, 2, 3], batch_size=1, bptt=0)
    with pytest.raises(ValueError, match="1-D sequence of int token ids"):
        BPTTBatches([[1, 2], [3, 4]], batch_size=1, bptt=2)
    with pytest.raises(ValueError, match="too short for batch_size=3"):
        BPTTBatches([1, 2, 3, 4, 5], batch_size=3, bptt=2)
    with pytest.raises(ValueError, match="holds the padding id 0 \\(first at position 2\\)"):
        BPTTBatches([1, 2, 0, 4], batch_size=1, bptt=2)
