"""`CRF`: a linear-chain conditional random field over per-step tag scores."""

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer


@keras.saving.register_keras_serializable(package="zoo")
class CRF(keras.layers.Layer):
    """Linear-chain conditional random field (Lafferty et al. 2001).

    Lafferty, McCallum & Pereira, "Conditional Random Fields: Probabilistic
    Models for Segmenting and Labeling Sequence Data", ICML 2001.
    A linear-chain CRF scores a whole tag path y = (y_0, ..., y_{n-1}) of a
    sequence instead of each step on its own: the network supplies emission
    scores ("potentials") x_t[j] for tag j at step t, and the CRF adds learned
    scores for a tag i being followed by tag j, for starting and for ending
    in a tag:

        score(y) = s[y_0] + sum_{t=0}^{n-1} x_t[y_t]
                 + sum_{t=1}^{n-1} A[y_{t-1}, y_t] + e[y_{n-1}]
        p(y | x) = exp(score(y)) / Z
        log Z    = log sum_y exp(score(y))

    A is `transitions` [num_tags, num_tags], s is `start_transitions` and e
    is `end_transitions`, each [num_tags]; n is the number of valid steps.
    log Z is computed by the forward algorithm in log space,

        alpha_0[j] = s[j] + x_0[j]
        alpha_t[j] = logsumexp_i(alpha_{t-1}[i] + A[i, j]) + x_t[j]
        log Z      = logsumexp_j(alpha_{n-1}[j] + e[j]),

    and the best path by the Viterbi algorithm (the same recursion with max
    instead of logsumexp, then a backtrack). Training maximizes
    `log_likelihood` = score(y) - log Z of the gold tags, i.e. minimizes its
    negative; its gradient with respect to the potentials is the one-hot gold
    tags minus the tag marginals p(y_t = j | x).

    All computation is done in float32, also under a mixed-precision policy
    (potentials are cast up; the weights are never autocast).

    Args:
        num_tags: int. Number of tags, > 0.
        transitions_initializer: initializer of `transitions`, default
            `"glorot_uniform"`. `"zeros"` trains as well (measured: same loss
            curve and accuracy on a synthetic tagging task); with it the
            untrained CRF ranks paths as the per-step softmax does (Viterbi =
            argmax per step). There is no symmetry to break either way: the
            gradient, expected minus gold transition counts, differs entry
            by entry. `start_transitions` and `end_transitions` start at 0.
        transitions_regularizer: regularizer of `transitions`, default `None`.
        **kwargs: `keras.layers.Layer` arguments.

    Call arguments (`call`, `decode`, `log_partition`; `sequence_score` and
    `log_likelihood` also take the gold tags):
        potentials: float [batch, time, num_tags], emission scores (logits
            of the network below).
        tags: int [batch, time], gold tags; values at masked steps are
            ignored.
        mask: bool or 0/1 [batch, time], or `None` (all steps valid). The
            valid steps of a row are contiguous: a prefix for right padding.
            Masked steps change neither the score nor log Z. A row with no
            valid step has score, log Z and log-likelihood 0.

    `call` returns the Viterbi tags, int32 [batch, time], 0 at masked steps,
    so the layer can end a model; `decode` also returns the best path's
    score [batch]. `log_partition`, `sequence_score` and `log_likelihood`
    return float32 [batch].

    Example:

    ```python
    import numpy as np
    from zoo.layers import CRF

    crf = CRF(3)
    potentials = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    tags = crf(potentials)                        # Viterbi path, int32 (2, 5)
    nll = -crf.log_likelihood(potentials, tags)   # (2,), >= 0
    ```

    With zero weights and zero potentials all 3**n paths of n valid steps
    are equally likely, so log Z = n log 3:

    >>> import numpy as np
    >>> crf = CRF(3, transitions_initializer="zeros")
    >>> potentials = np.zeros((2, 5, 3), "float32")
    >>> mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    >>> np.round(np.asarray(crf.log_partition(potentials, mask=mask)), 4)
    array([3.2958, 5.4931], dtype=float32)
    >>> tags, best_score = crf.decode(potentials, mask=mask)
    >>> np.asarray(tags)
    array([[0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0]], dtype=int32)
    """

    def __init__(
        self,
        num_tags,
        transitions_initializer="glorot_uniform",
        transitions_regularizer=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_tags = check_positive_integer("num_tags", num_tags)
        self.transitions_initializer = keras.initializers.get(
            transitions_initializer
        )
        self.transitions_regularizer = keras.regularizers.get(
            transitions_regularizer
        )
        self.supports_masking = True
        # The weights depend on num_tags only. Building now creates them
        # before the first (traced) training step, also in a model that
        # uses the CRF only in its loss (its call() returns the potentials).
        self.build()

    def build(self, input_shape=None):
        if input_shape is not None:
            self._check_potentials_shape(input_shape)
        if self.built:  # built in __init__; a parent layer may build it again
            return
        self.transitions = self.add_weight(
            shape=(self.num_tags, self.num_tags),
            name="transitions",
            initializer=self.transitions_initializer,
            regularizer=self.transitions_regularizer,
            autocast=False,
        )
        self.start_transitions = self.add_weight(
            shape=(self.num_tags,),
            name="start_transitions",
            initializer="zeros",
            autocast=False,
        )
        self.end_transitions = self.add_weight(
            shape=(self.num_tags,),
            name="end_transitions",
            initializer="zeros",
            autocast=False,
        )

    def _check_potentials_shape(self, shape):
        if len(shape) != 3 or shape[-1] not in (None, self.num_tags):
            raise ValueError(
                "The potentials must be [batch, time, num_tags] with num_tags="
                f"{self.num_tags}, got shape {tuple(shape)}"
            )

    def _prepare(self, potentials, mask):
        """float32 potentials, bool mask, and the weights as float32."""
        potentials = ops.cast(potentials, "float32")
        self._check_potentials_shape(potentials.shape)
        if mask is None:
            mask = ops.ones(ops.shape(potentials)[:2], dtype="bool")
        else:
            mask = ops.cast(mask, "bool")
        weights = (
            ops.cast(self.transitions, "float32"),
            ops.cast(self.start_transitions, "float32"),
            ops.cast(self.end_transitions, "float32"),
        )
        return potentials, mask, weights

    def log_partition(self, potentials, mask=None):
        """log Z [batch] by the forward algorithm (0 for an empty row)."""
        potentials, mask, (trans, start, end) = self._prepare(potentials, mask)
        return _log_partition(
            potentials, ops.cast(mask, "float32"), trans, start, end
        )

    def sequence_score(self, potentials, tags, mask=None):
        """Unnormalized score [batch] of the tag path `tags`."""
        potentials, mask, (trans, start, end) = self._prepare(potentials, mask)
        tags = ops.where(mask, ops.cast(tags, "int32"), 0)
        m = ops.cast(mask, "float32")
        one_hot = ops.one_hot(tags, self.num_tags, dtype="float32") * m[..., None]
        first, last = _boundaries(m)
        per_step = (
            potentials + first[..., None] * start[None, None] + last[..., None] * end
        )
        # one_hot is 0 at masked steps, so only pairs of valid steps count.
        pairs = ops.matmul(one_hot[:, :-1], trans) * one_hot[:, 1:]
        return ops.sum(one_hot * per_step, axis=(1, 2)) + ops.sum(pairs, axis=(1, 2))

    def log_likelihood(self, potentials, tags, mask=None):
        """log p(tags | potentials) = score - log Z, [batch]."""
        return self.sequence_score(potentials, tags, mask) - self.log_partition(
            potentials, mask
        )

    def decode(self, potentials, mask=None):
        """Viterbi: best tags int32 [batch, time] (0 where masked) and their
        score [batch] (0 for an empty row). Not meant to be differentiated."""
        potentials, mask, (trans, start, end) = self._prepare(potentials, mask)
        alpha, started = _initial_carry(potentials)
        pointer = ops.zeros_like(alpha, dtype="int32")
        (delta, started, *_), (*_, pointers, _, _) = _scan(
            _viterbi_step,
            (alpha, started, pointer, trans, start),
            _time_major(potentials, mask),
        )
        final = delta + end[None]
        best_score = ops.max(final, axis=-1)
        best_score = ops.where(started, best_score, ops.zeros_like(best_score))
        last_tag = ops.cast(ops.argmax(final, axis=-1), "int32")
        _, tags = _scan(
            _backtrack_step,
            last_tag,
            (pointers, ops.transpose(mask, (1, 0))),
            reverse=True,
        )
        return ops.transpose(tags, (1, 0)), best_score

    def call(self, potentials, mask=None):
        tags, _ = self.decode(potentials, mask=mask)
        return tags

    def compute_output_spec(self, potentials, mask=None):
        return keras.KerasTensor(tuple(potentials.shape[:2]), dtype="int32")

    def get_config(self):
        config = {
            "num_tags": self.num_tags,
            "transitions_initializer": keras.initializers.serialize(
                self.transitions_initializer
            ),
            "transitions_regularizer": keras.regularizers.serialize(
                self.transitions_regularizer
            ),
        }
        return {**super().get_config(), **config}


# The recursions below run with `keras.ops.scan` over time-major tensors.
# - On TensorFlow, `ops.scan` keeps its per-step outputs in arrays shaped like
#   the carry, so every step returns its carry as its output too.
# - Its `tf.while_loop` has no `maximum_iterations`, so TensorFlow cannot
#   differentiate it under XLA (`jit_compile=True`): log Z has its gradient
#   written out (forward-backward marginals) and no loop is differentiated.
# - The steps are module-level functions that get the weights through the
#   carry, not closures: JAX then reuses its trace and compiled scan across
#   eager calls (about 1 ms instead of 0.1-0.4 s a call).


def _scan(step, carry, xs, reverse=False):
    """`ops.scan` over several time-major inputs packed into one tensor.

    Keras' TensorFlow `scan` fails with more than one input when the time
    dimension is unknown at trace time (as in `fit` on batches of varying
    length), so the inputs travel as one float32 tensor and are unpacked
    (with their dtypes) inside the step. Tag ids and 0/1 masks are exact
    in float32.
    """
    ranks = [len(x.shape) for x in xs]
    widths = [1 if rank == 2 else x.shape[-1] for rank, x in zip(ranks, xs)]
    dtypes = [keras.backend.standardize_dtype(x.dtype) for x in xs]
    packed = ops.concatenate(
        [
            ops.cast(x[..., None] if rank == 2 else x, "float32")
            for rank, x in zip(ranks, xs)
        ],
        axis=-1,
    )

    def packed_step(state, inputs):
        parts, offset = [], 0
        for rank, width, dtype in zip(ranks, widths, dtypes):
            part = inputs[:, offset : offset + width]
            offset += width
            parts.append(ops.cast(part[:, 0] if rank == 2 else part, dtype))
        return step(state, tuple(parts))

    return ops.scan(packed_step, carry, packed, reverse=reverse)


def _time_major(potentials, mask):
    return ops.transpose(potentials, (1, 0, 2)), ops.transpose(mask, (1, 0))


def _initial_carry(potentials):
    batch, num_tags = ops.shape(potentials)[0], ops.shape(potentials)[2]
    return (
        ops.zeros((batch, num_tags), dtype="float32"),
        ops.zeros((batch,), dtype="bool"),
    )


def _boundaries(m):
    """First and last valid step of each row, as 0/1 [batch, time]."""
    none = ops.zeros_like(m[:, :1])
    previous = ops.concatenate([none, m[:, :-1]], axis=1)
    following = ops.concatenate([m[:, 1:], none], axis=1)
    return m * (1.0 - previous), m * (1.0 - following)


def _forward_step(carry, inputs):
    alpha, started, trans, start = carry
    x_t, m_t = inputs
    following = ops.logsumexp(alpha[:, :, None] + trans[None], axis=1)
    new = ops.where(started[:, None], following, start[None]) + x_t
    alpha = ops.where(m_t[:, None], new, alpha)
    carry = (alpha, ops.logical_or(started, m_t), trans, start)
    return carry, carry


def _forward(potentials, mask, trans, start):
    """alpha_t [time, batch, tags] (held over masked steps), the last one
    [batch, tags] (zeros for time = 0) and whether a row has a valid step."""
    alpha, started = _initial_carry(potentials)
    (alpha, started, _, _), (alphas, *_) = _scan(
        _forward_step, (alpha, started, trans, start), _time_major(potentials, mask)
    )
    return alphas, alpha, started


def _backward_step(carry, inputs):
    beta, trans, final = carry
    x_next, m_next = inputs
    following = ops.logsumexp(trans[None] + (x_next + beta)[:, None, :], axis=2)
    carry = (ops.where(m_next[:, None], following, final), trans, final)
    return carry, carry


def _backward(potentials, mask, trans, end):
    """beta_t [time, batch, tags]: log-sum of the scores of the steps after
    t, end included, given the tag at t (valid steps only)."""
    x_next = ops.concatenate(
        [potentials[:, 1:], ops.zeros_like(potentials[:, :1])], axis=1
    )
    m_next = ops.concatenate([mask[:, 1:], ops.zeros_like(mask[:, :1])], axis=1)
    final = ops.zeros_like(potentials[:, 0]) + end[None]
    _, (betas, *_) = _scan(
        _backward_step,
        (final, trans, final),
        _time_major(x_next, m_next),
        reverse=True,
    )
    return betas


def _viterbi_step(carry, inputs):
    delta, started, _, trans, start = carry
    x_t, m_t = inputs
    scores = delta[:, :, None] + trans[None]
    best = ops.max(scores, axis=1)
    # The first valid step and masked steps point every tag to itself, so
    # the backtrack walks through them unchanged.
    identity = ops.zeros_like(delta, dtype="int32") + ops.arange(
        ops.shape(delta)[1], dtype="int32"
    )
    pointer = ops.where(
        ops.logical_and(started, m_t)[:, None],
        ops.cast(ops.argmax(scores, axis=1), "int32"),
        identity,
    )
    new = ops.where(started[:, None], best, start[None]) + x_t
    delta = ops.where(m_t[:, None], new, delta)
    carry = (delta, ops.logical_or(started, m_t), pointer, trans, start)
    return carry, carry


def _backtrack_step(tag, inputs):
    pointer_t, m_t = inputs
    output = ops.where(m_t, tag, ops.zeros_like(tag))
    previous = ops.take_along_axis(pointer_t, tag[:, None], axis=1)[:, 0]
    return previous, output


def _masked_exp(log_values, keep):
    return ops.where(keep, ops.exp(ops.where(keep, log_values, 0.0)), 0.0)


@ops.custom_gradient
def _log_partition(potentials, mask, trans, start, end):
    """log Z [batch]; `mask` is 0/1 float. The gradient is the marginals:
    d log Z / d x_t[j] = p(y_t = j), d / d A[i, j] = sum_t p(y_{t-1} = i,
    y_t = j), d / d s, d / d e: the marginals at the first and last step."""
    valid = mask > 0.5
    alphas, alpha, started = _forward(potentials, valid, trans, start)
    log_z = ops.logsumexp(alpha + end[None], axis=-1)
    log_z = ops.where(started, log_z, ops.zeros_like(log_z))

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        upstream = ops.cast(upstream, "float32")
        betas = ops.transpose(_backward(potentials, valid, trans, end), (1, 0, 2))
        alphas_bt = ops.transpose(alphas, (1, 0, 2))
        log_norm = log_z[:, None, None]
        # Log-marginals are <= 0 at valid steps; padded entries may hold
        # anything (exp could overflow, and inf * 0 is nan): mask before exp.
        node = _masked_exp(alphas_bt + betas - log_norm, valid[..., None])
        pair = _masked_exp(
            alphas_bt[:, :-1, :, None]
            + trans[None, None]
            + (potentials + betas)[:, 1:, None, :]
            - log_norm[..., None],
            ops.logical_and(valid[:, :-1], valid[:, 1:])[..., None, None],
        )
        first, last = _boundaries(mask)
        weight = upstream[:, None, None]
        return (
            weight * node,
            ops.zeros_like(mask),
            ops.sum(weight[..., None] * pair, axis=(0, 1)),
            ops.sum(weight * node * first[..., None], axis=(0, 1)),
            ops.sum(weight * node * last[..., None], axis=(0, 1)),
        )

    return log_z, grad
