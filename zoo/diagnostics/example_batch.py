"""`ExampleBatch`: a batch to measure a shipped model's gradient flow on.

Gradient flow needs inputs, targets and a loss. For the model classes of
the shipped checkpoints `example_batch(model)` makes one without any data
set: random sums for `BinaryAdder`, a few sentences tagged by the tagger
itself for `SequenceTagger`. Other models get None; call
`zoo.diagnostics.gradient_flow(model, x, y, loss)` with a batch of your own.
"""

import dataclasses

import keras
import numpy as np
from keras import ops

#: Sentences for a tagger's example batch: the model's own tags are the targets.
EXAMPLE_SENTENCES = (
    "The old man the boats .",
    "I saw her duck under the table .",
    "She will book a flight to Boston next week .",
    "Colorless green ideas sleep furiously .",
    "The dogs barked loudly at the mail carrier .",
    "Can you read the book I gave you ?",
    "Time flies like an arrow ; fruit flies like a banana .",
    "They were running out of time , so they ran .",
)


@dataclasses.dataclass
class ExampleBatch:
    """A batch, its loss, and what the model's step inputs look like.

    Attributes:
        x: the model's inputs.
        y: the targets.
        loss: callable `loss(y_true, y_pred)`, or None for the model's own
            `compute_loss`.
        description: str. What the batch is, for the report.
        input_range: (low, high). The range of the model's step inputs, for
            the stability and memory drives.

    Example:

    ```python
    import zoo
    from zoo.diagnostics import example_batch, gradient_flow

    adder = zoo.load("binary_adder")
    batch = example_batch(adder)          # 32 random sums of 24-bit numbers
    flow = gradient_flow(adder, batch.x, batch.y, batch.loss)
    ```
    """

    x: object
    y: object
    loss: object
    description: str
    input_range: tuple = (-1.0, 1.0)


def _binary_adder_batch(model, seed):
    from zoo.data.binary_numbers import addition_sequences
    from zoo.data.binary_numbers import random_addition_pairs

    count, bits = 32, 24
    bit_pairs, sum_bits = addition_sequences(random_addition_pairs(count, bits, seed))
    return ExampleBatch(
        bit_pairs,
        sum_bits,
        keras.losses.BinaryCrossentropy(),
        f"{count} random sums of {bits}-bit numbers, binary cross-entropy of the sum bits",
        (0.0, 1.0),
    )


def _sequence_tagger_batch(model, seed):
    tokens = [sentence.split() for sentence in EXAMPLE_SENTENCES]
    x = model.encode(tokens)
    mask = ops.not_equal(x["words"], 0)
    tags = model.decode(model(x, training=False), mask)
    y = {name: np.asarray(ops.convert_to_numpy(ids)) for name, ids in tags.items()}
    return ExampleBatch(
        x,
        y,
        None,
        f"{len(tokens)} example sentences tagged by the model itself, "
        "the model's own loss (CRF negative log-likelihood per token)",
    )


def example_batch(model, seed=0):
    """An `ExampleBatch` for a shipped model class, or None.

    Args:
        model: a model, e.g. from `zoo.load(name)`.
        seed: int. Seed of random inputs, default 0.
    """
    from zoo.models import BinaryAdder
    from zoo.models import SequenceTagger

    if isinstance(model, BinaryAdder):
        return _binary_adder_batch(model, seed)
    if isinstance(model, SequenceTagger) and getattr(model, "vocabularies", None):
        return _sequence_tagger_batch(model, seed)
    return None
