"""Truncated BPTT learns what only a carried state can: a tiny model on a
periodic stream whose chunk boundaries fall inside the period."""

import keras
import numpy as np
import pytest

from zoo.data.bptt_batches import BPTTBatches
from zoo.models.language_model import LanguageModel

# Two short training runs: slow, most of all on JAX, so outside the default suite.
pytestmark = [pytest.mark.backend, pytest.mark.slow]


def test_a_tiny_model_learns_a_periodic_stream_across_chunk_boundaries():
    # After "a" comes "a" or "b" depending on the token before, so the first
    # step of a chunk (bptt=4, period 3) needs the state carried over.
    text = "aab" * 120

    def train(carry):
        model = LanguageModel.from_text(text, level="char", embedding_dim=8, units=24,
                                        num_layers=1, seed=4)
        model.compile(optimizer=keras.optimizers.Adam(0.05))
        batches = BPTTBatches(model.encode(text), batch_size=6, bptt=4)
        if carry:
            return model.fit(batches, epochs=10, verbose=0).history["loss"][-1]
        # The same chunks in the same order, each from zero states.
        chunks = [batches[i] for i in range(len(batches))]
        x, y = (np.concatenate(parts) for parts in zip(*chunks))
        history = model.fit(x, y, batch_size=6, shuffle=False, epochs=10, verbose=0)
        return history.history["loss"][-1]

    assert train(carry=True) < 0.05
    # Without the carry, the chunks' first steps stay guesses between "a" and "b".
    assert train(carry=False) > 0.08
