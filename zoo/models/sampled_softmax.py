"""Sampled softmax with a log-uniform (Zipfian) proposal, in keras.ops.

The softmax over a vocabulary of V words costs O(V) per predicted word:

    -log P(t) = log Z - y_t,    Z = sum_k exp(y_k).

Sampled softmax (Bengio & Senecal 2008; Jean et al. 2015, "On using very
large target vocabulary for neural machine translation"; TensorFlow's
`tf.nn.sampled_softmax_loss`) replaces it, in training only, by a softmax
over the true word t and S noise words n_1..n_S drawn from a proposal Q,
the noise logits corrected by the log of their expected count S Q(k):

    loss = log(exp(y_t) + sum_{j: n_j != t} exp(y_{n_j} - log(S Q(n_j)))) - y_t

The noise sum is an unbiased importance-sampling estimate of
Z - exp(y_t): noise words equal to the true word (accidental hits) are
masked out, and the true word enters exactly, once, uncorrected. So as S
grows the loss and its gradient tend to the full softmax's. (TensorFlow
also subtracts log(S Q(t)) from the true logit; with masked hits and
draws with replacement that weights the true word by 1 / (S Q(t))
instead of 1, which over-rates frequent words (S Q(t) > 1) and under-rates
rare ones, and the loss no longer tends to -log P(t).)
"""

import keras
from keras import ops

# Logit of a removed accidental hit: exp() of it underflows to 0 in float32.
REMOVED_LOGIT = -1e9


def log_uniform_log_probability(ids, range_max):
    """log Q(ids) under the log-uniform distribution over [0, range_max)."""
    ids = ops.cast(ids, "float32")
    return ops.log(ops.log1p(1.0 / (ids + 1.0)) / ops.log(float(range_max) + 1.0))


def log_uniform_sample(num_sampled, range_max, seed):
    """int32 [num_sampled] ids drawn i.i.d. from Q; `seed` is an int or a
    `keras.random.SeedGenerator` (in a model: so each call draws anew)."""
    uniform = keras.random.uniform((num_sampled,), seed=seed)
    ids = ops.floor(ops.exp(uniform * ops.log(float(range_max) + 1.0))) - 1.0
    return ops.cast(ops.clip(ids, 0, range_max - 1), "int32")


def sampled_softmax_loss(features, targets, weights, biases, noise_ids):
    """Per-example sampled softmax loss, log-uniform proposal.

    The logits are y_k = biases[k] + features . weights[k]; see the module
    docstring for the correction and the masked accidental hits.

    Args:
        features: float [batch, F]. What the output layer sees.
        targets: int [batch]. The true word of each example.
        weights: float [V, F]. One output row per word.
        biases: float [V].
        noise_ids: int [S]. Noise words from `log_uniform_sample`, shared
            by the batch.

    Returns:
        float [batch], -log of the true word's sampled softmax probability.
    """
    vocabulary_size = ops.shape(weights)[0]
    num_sampled = ops.shape(noise_ids)[0]
    targets = ops.cast(targets, "int32")
    noise_ids = ops.cast(noise_ids, "int32")
    log_count = ops.log(float(num_sampled))

    true_logits = ops.sum(features * ops.take(weights, targets, axis=0), axis=-1) + ops.take(
        biases, targets, axis=0
    )
    noise_logits = (
        ops.matmul(features, ops.transpose(ops.take(weights, noise_ids, axis=0)))
        + ops.take(biases, noise_ids, axis=0)[None, :]
        - log_uniform_log_probability(noise_ids, vocabulary_size)[None, :]
        - log_count
    )
    hits = ops.equal(targets[:, None], noise_ids[None, :])
    noise_logits = ops.where(hits, REMOVED_LOGIT, noise_logits)
    logits = ops.concatenate([true_logits[:, None], noise_logits], axis=1)
    return ops.logsumexp(logits, axis=1) - true_logits
