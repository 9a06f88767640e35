"""Greedy and beam search over any step function, as compiled loops.

Both searches run one `keras.ops.while_loop` (a `tf.while_loop` on
TensorFlow, `lax.while_loop` on JAX), so they compile under
`jit_compile=True` and `jax.jit`; the loop stops when every hypothesis has
ended or after `max_length` steps. They need only a step function

    log_probs, new_state = step_fn(token_ids, state)
        # token_ids: int32 [rows]; state: a list of [rows, ...] tensors;
        # log_probs: [rows, vocabulary] log-probabilities of the next token

where the rows are the batch (greedy) or the batch times the beam, row
b * beam_width + k for beam k of example b (`beam_search` tiles nothing
itself: pass states already repeated with `ops.repeat(x, beam_width, 0)`,
and let the step function read constants such as an encoder memory, tiled
the same way, from its closure).

A hypothesis y_1 .. y_n ends with the end token (counted in n) or when it
reaches `max_length` tokens. Its score is its log-probability divided by
the GNMT length penalty (Wu et al. 2016, "Google's Neural Machine
Translation System", eq. 14):

    score(Y) = log P(Y) / lp(Y),   lp(Y) = ((5 + |Y|) / 6) ** alpha

alpha = 0 (the default) ranks by log-probability, which favours short
outputs; alpha around 0.6 to 1 removes most of that bias. After its end
token a hypothesis is finished: it keeps its score and length and is
padded with `pad_id`.
"""

from keras import ops

from zoo.argument_checks import check_positive_integer

# Finite "minus infinity": sums and differences of it stay finite, so no NaN.
NEG_INF = -1e9


def length_penalty(lengths, alpha):
    """The GNMT length penalty ((5 + length) / 6) ** alpha, float32.

    Example:

    >>> import numpy as np
    >>> np.asarray(length_penalty(np.array([1, 7]), 1.0)).tolist()
    [1.0, 2.0]
    """
    lengths = ops.cast(lengths, "float32")
    return ops.power((5.0 + lengths) / 6.0, alpha)


def greedy_search(step_fn, initial_state, start_ids, end_id, max_length,
                  length_penalty_alpha=0.0, pad_id=0):
    """The most likely token at every step, until the end token.

    Args:
        step_fn: `(token_ids [batch], state) -> (log_probs [batch, V],
            new_state)`, see the module docstring.
        initial_state: list of [batch, ...] tensors.
        start_ids: int [batch], the first input tokens.
        end_id: int. The end token.
        max_length: int. Most tokens generated (the end token included).
        length_penalty_alpha: float. alpha of the score (does not change
            the tokens), default 0.
        pad_id: int. Written after the end token, default 0.

    Returns:
        `(sequences int32 [batch, max_length], lengths int32 [batch],
        scores float32 [batch])`: lengths count the end token; scores as in
        the module docstring. `beam_search` with `beam_width=1` returns the
        same (with a beam axis of 1).

    Example:

    >>> import numpy as np
    >>> from keras import ops
    >>> table = np.log(np.array([[0.1, 0.2, 0.7], [0.1, 0.8, 0.1]], "float32"))
    >>> def step(ids, state):  # token 2 first, then token 1 (the end)
    ...     return ops.take(table, state[0], axis=0), [state[0] + 1]
    >>> ids, lengths, scores = greedy_search(
    ...     step, [np.zeros(1, "int32")], np.zeros(1, "int32"), end_id=1, max_length=4)
    >>> np.asarray(ids).tolist(), np.asarray(lengths).tolist()
    ([[2, 1, 0, 0]], [2])
    """
    max_length = check_positive_integer("max_length", max_length)
    start_ids = ops.cast(start_ids, "int32")
    batch = ops.shape(start_ids)[0]
    positions = ops.arange(max_length, dtype="int32")

    def cond(t, sequences, last, finished, lengths, log_probs, state):
        return ops.logical_and(t < max_length, ops.logical_not(ops.all(finished)))

    def body(t, sequences, last, finished, lengths, log_probs, state):
        step_log_probs, state = step_fn(last, list(state))
        step_log_probs = ops.cast(step_log_probs, "float32")
        token = ops.cast(ops.argmax(step_log_probs, axis=-1), "int32")
        token_log_prob = ops.take_along_axis(step_log_probs, token[:, None], axis=1)[:, 0]
        log_probs = log_probs + ops.where(finished, 0.0, token_log_prob)
        lengths = lengths + ops.cast(ops.logical_not(finished), "int32")
        token = ops.where(finished, pad_id, token)
        sequences = ops.where(positions[None, :] == t, token[:, None], sequences)
        finished = ops.logical_or(finished, token == end_id)
        return t + 1, sequences, token, finished, lengths, log_probs, list(state)

    loop_vars = (
        ops.zeros((), "int32"),
        ops.zeros((batch, max_length), "int32"),
        start_ids,
        ops.zeros((batch,), "bool"),
        ops.zeros((batch,), "int32"),
        ops.zeros((batch,), "float32"),
        list(initial_state),
    )
    _, sequences, _, _, lengths, log_probs, _ = ops.while_loop(
        cond, body, loop_vars, maximum_iterations=max_length
    )
    return sequences, lengths, log_probs / length_penalty(lengths, length_penalty_alpha)


def beam_search(step_fn, initial_state, start_ids, end_id, max_length, beam_width,
                length_penalty_alpha=0.0, pad_id=0):
    """The `beam_width` best-scoring hypotheses, kept at every step.

    At every step each live hypothesis is extended by every token; a
    finished hypothesis has exactly one extension, itself, with the same
    score. Of all the candidates the `beam_width` best by score (the length
    penalty included) survive. With a beam at least as wide as the number
    of hypotheses there are, nothing is pruned and the result is the exact
    top of all sequences; `beam_width=1` is greedy search.

    Args:
        step_fn: `(token_ids [batch * beam], state) -> (log_probs
            [batch * beam, V], new_state)`; row b * beam_width + k is beam k
            of example b.
        initial_state: list of [batch * beam_width, ...] tensors (each
            example's state repeated `beam_width` times).
        start_ids: int [batch], the first input tokens.
        end_id: int. The end token.
        max_length: int. Most tokens generated (the end token included).
        beam_width: int. Hypotheses kept per example.
        length_penalty_alpha: float. alpha of the GNMT length penalty,
            default 0 (rank by log-probability).
        pad_id: int. Written after the end token, default 0.

    Returns:
        `(sequences int32 [batch, beam, max_length], lengths int32 [batch,
        beam], scores float32 [batch, beam])`, best first. Lengths count the
        end token. A slot that never held a real hypothesis (a beam wider
        than the hypotheses there are) has a score below -1e8.

    Example:

    >>> import numpy as np
    >>> from keras import ops
    >>> # A bigram model over tokens {0: pad, 1: end, 2, 3}.
    >>> table = np.log(np.array(
    ...     [[.01, .01, .50, .48], [.01, .97, .01, .01],
    ...      [.01, .89, .05, .05], [.01, .01, .01, .97]], "float32"))
    >>> def step(ids, state):
    ...     return ops.take(table, ids, axis=0), state
    >>> ids, lengths, scores = beam_search(
    ...     step, [np.zeros((2, 1))], np.array([0]), end_id=1, max_length=3,
    ...     beam_width=2)
    >>> np.asarray(ids)[0].tolist()   # greedy says [2, 1]: p = .445 < .451
    [[3, 3, 3], [2, 1, 0]]
    >>> np.asarray(lengths)[0].tolist()
    [3, 2]
    """
    max_length = check_positive_integer("max_length", max_length)
    width = check_positive_integer("beam_width", beam_width)
    start_ids = ops.cast(start_ids, "int32")
    batch = ops.shape(start_ids)[0]
    positions = ops.arange(max_length, dtype="int32")
    # Only the first beam is alive at the start: the others are copies.
    first = ops.where(ops.arange(width) == 0, 0.0, NEG_INF)
    log_probs = ops.tile(ops.cast(first, "float32")[None, :], (batch, 1))

    def cond(t, sequences, last, finished, lengths, log_probs, state):
        return ops.logical_and(t < max_length, ops.logical_not(ops.all(finished)))

    def body(t, sequences, last, finished, lengths, log_probs, state):
        step_log_probs, state = step_fn(last, list(state))
        vocabulary = step_log_probs.shape[-1]
        step_log_probs = ops.reshape(
            ops.cast(step_log_probs, "float32"), (batch, width, vocabulary)
        )
        # A finished hypothesis continues only as itself (column end_id, +0).
        only_itself = ops.where(ops.arange(vocabulary) == end_id, 0.0, NEG_INF)
        step_log_probs = ops.where(finished[..., None], only_itself, step_log_probs)
        totals = log_probs[..., None] + step_log_probs
        grown = lengths + ops.cast(ops.logical_not(finished), "int32")
        scores = totals / length_penalty(grown, length_penalty_alpha)[..., None]
        _, chosen = ops.top_k(ops.reshape(scores, (batch, width * vocabulary)), width)
        origin = chosen // vocabulary
        token = ops.cast(chosen % vocabulary, "int32")
        log_probs = ops.take_along_axis(
            ops.reshape(totals, (batch, width * vocabulary)), chosen, axis=1
        )
        lengths = ops.take_along_axis(grown, origin, axis=1)
        was_finished = ops.take_along_axis(finished, origin, axis=1)
        token = ops.where(was_finished, pad_id, token)
        sequences = ops.take_along_axis(sequences, origin[..., None], axis=1)
        sequences = ops.where(positions == t, token[..., None], sequences)
        finished = ops.logical_or(was_finished, token == end_id)
        rows = ops.reshape(ops.arange(batch, dtype="int32")[:, None] * width + origin, (-1,))
        state = [ops.take(s, rows, axis=0) for s in state]
        return t + 1, sequences, ops.reshape(token, (-1,)), finished, lengths, log_probs, state

    loop_vars = (
        ops.zeros((), "int32"),
        ops.zeros((batch, width, max_length), "int32"),
        ops.repeat(start_ids, width, axis=0),
        ops.zeros((batch, width), "bool"),
        ops.zeros((batch, width), "int32"),
        log_probs,
        list(initial_state),
    )
    _, sequences, _, _, lengths, log_probs, _ = ops.while_loop(
        cond, body, loop_vars, maximum_iterations=max_length
    )
    return sequences, lengths, log_probs / length_penalty(lengths, length_penalty_alpha)


