"""Batches of examples of similar length, so that little of a batch is padding.

A recurrent model runs every time step of the longest sequence in a batch,
so a batch that mixes a 5-token and a 60-token sentence wastes 55 steps on
the short one. Sorting by length before cutting batches keeps that waste
small; a little noise in the sort and a shuffled batch order keep the
batches varied from epoch to epoch.
"""

import operator

import numpy as np

from zoo.argument_checks import check_positive_integer


def bucket_batches(
    lengths, batch_size=32, max_tokens=None, shuffle=True, seed=None, noise=0.1
):
    """Group example indices into batches of similar length.

    The examples are sorted by length (when shuffling, by length times a
    random factor in `[1 - noise, 1 + noise]`, so that the batches differ
    between epochs), then cut in order into batches of at most `batch_size`
    examples and, if `max_tokens` is given, at most `max_tokens` padded
    tokens (examples times the longest length in the batch). An example
    longer than `max_tokens` gets a batch of its own: no example is ever
    dropped. When shuffling, the batch order is shuffled too; otherwise the
    batches go from short to long.

    Args:
        lengths: sequence of non-negative int. The length of each example.
        batch_size: int. The most examples in a batch, default 32.
        max_tokens: int or None. The most padded tokens in a batch; None
            for no limit.
        shuffle: bool. Randomize (noisy sort, shuffled batch order), default
            True; False gives the same batches every time, sorted by length.
        seed: int or None. Seed for the randomness; the same seed gives the
            same batches. None draws fresh randomness each call.
        noise: float. The relative noise on the lengths when shuffling,
            default 0.1.

    Returns:
        A list of batches, each a list of indices into `lengths`; every
        index appears exactly once.

    Example:

    >>> bucket_batches([5, 40, 6, 41, 7], batch_size=2, shuffle=False)
    [[0, 2], [4, 1], [3]]
    >>> bucket_batches([5, 40, 6, 41, 7], batch_size=4, max_tokens=90, shuffle=False)
    [[0, 2, 4], [1, 3]]
    >>> sorted(map(sorted, bucket_batches([5, 40, 6, 41], batch_size=2, seed=0)))
    [[0, 2], [1, 3]]
    """
    lengths = np.asarray(lengths)
    integers = lengths.size == 0 or np.issubdtype(lengths.dtype, np.integer)
    if lengths.ndim != 1 or not integers:
        raise ValueError(f"lengths must be a sequence of ints, got {lengths!r}")
    if lengths.size and lengths.min() < 0:
        raise ValueError(f"lengths must be non-negative, got {lengths.min()}")
    batch_size = check_positive_integer("batch_size", batch_size)
    if max_tokens is not None:
        max_tokens = check_positive_integer("max_tokens", max_tokens)
    if not 0 <= noise < 1:
        raise ValueError(f"noise must be in [0, 1), got {noise}")
    rng = np.random.default_rng(seed)
    if shuffle:
        # Shuffling first makes the stable sort break ties at random.
        order = rng.permutation(len(lengths))
        keys = lengths[order] * rng.uniform(1 - noise, 1 + noise, len(lengths))
        order = order[np.argsort(keys, kind="stable")]
    else:
        order = np.argsort(lengths, kind="stable")
    batches, batch, longest = [], [], 0
    for index, length in zip(order.tolist(), lengths[order].tolist()):
        grown = max(longest, length)
        too_many = max_tokens is not None and (len(batch) + 1) * grown > max_tokens
        if batch and (len(batch) == batch_size or too_many):
            batches.append(batch)
            batch, grown = [], length
        batch.append(index)
        longest = grown
    if batch:
        batches.append(batch)
    if shuffle:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def padded_length(length, multiple=8):
    """`length` rounded up to a multiple of `multiple`, at least `multiple`.

    Padding every batch to one of a few lengths limits the number of
    distinct shapes, and so the number of XLA compilations.

    Example:

    >>> [padded_length(n) for n in (0, 8, 9)], padded_length(9, multiple=4)
    ([8, 8, 16], 12)
    """
    length = operator.index(length)
    multiple = check_positive_integer("multiple", multiple)
    if length < 0:
        raise ValueError(f"length must be non-negative, got {length}")
    return max(multiple, -(-length // multiple) * multiple)


def ladder_length(length, minimum=4, steps_per_doubling=4):
    """`length` rounded up to the next rung of a geometric ladder.

    Between two powers of two the ladder has `steps_per_doubling` evenly
    spaced rungs, and every rung is a multiple of `minimum`: with the
    defaults 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, ... So a
    padded batch is at most about `1 / steps_per_doubling` padding at any
    length (a fixed multiple wastes most of a batch of short sentences),
    while the number of distinct lengths, and so of XLA compilations,
    grows only with the logarithm of the longest one. Both `minimum` and
    `steps_per_doubling` are powers of two, so every rung is a multiple of
    `minimum` and padding a rung leaves it unchanged.

    Example:

    >>> [ladder_length(n) for n in (0, 3, 16, 17, 33, 75)]
    [4, 4, 16, 20, 40, 80]
    >>> ladder_length(9, minimum=8, steps_per_doubling=2)
    16
    """
    length = operator.index(length)
    minimum = operator.index(minimum)
    steps_per_doubling = operator.index(steps_per_doubling)
    for name, value in (("minimum", minimum), ("steps_per_doubling", steps_per_doubling)):
        if value < 1 or value & (value - 1):
            raise ValueError(f"{name} must be a power of two (1, 2, 4, ...), got {value}")
    if length < 0:
        raise ValueError(f"length must be non-negative, got {length}")
    step = max(minimum, (1 << max(length, 1).bit_length() - 1) // steps_per_doubling)
    return padded_length(length, step)
