"""numpy references of one synchronous negative-sampling SGD step.

Every update is computed from the tables before the step and summed, which
is what a batched step must do; written word by word, pair by pair, from
the equations in the SkipGram and CBOW docstrings.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def make_batch(rng, vocabulary, batch, width, negative):
    return {
        "center": rng.integers(0, vocabulary, batch).astype("int32"),
        "contexts": rng.integers(0, vocabulary, (batch, width)).astype("int32"),
        "context_mask": (rng.random((batch, width)) < 0.7).astype("float32"),
        "negatives": rng.integers(0, vocabulary, (batch, negative)).astype("int32"),
        "learning_rate": np.full(batch, 0.1, "float32"),
    }


def targets_of(batch, b):
    """(word, label) of the center and its noise words, noise == center skipped."""
    center = batch["center"][b]
    noise = [n for n in batch["negatives"][b] if n != center]
    return [(center, 1.0)] + [(n, 0.0) for n in noise]


def skip_gram_step(inputs, outputs, batch):
    new_inputs, new_outputs = inputs.copy(), outputs.copy()
    losses = []
    for b in range(len(batch["center"])):
        lr = batch["learning_rate"][b]
        total, pairs = 0.0, 0
        for c, real in zip(batch["contexts"][b], batch["context_mask"][b]):
            if not real:
                continue
            pairs += 1
            for word, label in targets_of(batch, b):
                score = outputs[word] @ inputs[c]
                total += -np.log(sigmoid(score if label else -score))
                g = lr * (label - sigmoid(score))
                new_inputs[c] += g * outputs[word]
                new_outputs[word] += g * inputs[c]
        losses.append(total / max(pairs, 1))
    return new_inputs, new_outputs, np.mean(losses)


def cbow_step(inputs, outputs, batch):
    new_inputs, new_outputs = inputs.copy(), outputs.copy()
    losses = []
    for b in range(len(batch["center"])):
        lr = batch["learning_rate"][b]
        context = [c for c, real in zip(batch["contexts"][b], batch["context_mask"][b]) if real]
        if not context:
            losses.append(0.0)
            continue
        hidden = np.mean([inputs[c] for c in context], axis=0)
        total, hidden_gradient = 0.0, np.zeros_like(hidden)
        for word, label in targets_of(batch, b):
            score = outputs[word] @ hidden
            total += -np.log(sigmoid(score if label else -score))
            g = lr * (label - sigmoid(score))
            hidden_gradient += g * outputs[word]
            new_outputs[word] += g * hidden
        for c in context:  # the whole update, as word2vec.c and gensim
            new_inputs[c] += hidden_gradient
        losses.append(total)
    return new_inputs, new_outputs, np.mean(losses)
