"""Teacher-forcing probability schedules of scheduled sampling.

Bengio, Vinyals, Jaitly & Shazeer, "Scheduled Sampling for Sequence
Prediction with Recurrent Neural Networks", NeurIPS 2015, section 2.4. At
training step i each decoder input is the gold previous token with
probability eps_i, else a token sampled from the model's own prediction at
the previous step. eps_i decays from about 1 (teacher forcing) with i:

    linear:           eps_i = max(eps_min, k - c * i)      (k <= 1, c > 0)
    exponential:      eps_i = max(eps_min, k ** i)          (0 < k < 1)
    inverse_sigmoid:  eps_i = max(eps_min, k / (k + exp(i / k)))   (k >= 1)

The paper floors only the linear schedule; here eps_min (default 0)
floors all three.

`scheduled_sampling_logits` is the training decoder of a `Seq2Seq` with
scheduled sampling: the choice between the gold and the sampled token is
made inside the compiled time loop, from the logits of the step before.
"""

import math

import keras
from keras import ops

SCHEDULES = ("linear", "exponential", "inverse_sigmoid")
# k when not given: linear reaches 0 after 1 / c steps; exponential halves
# in about 1,400 steps; inverse sigmoid is 0.5 near step k ln k (~6,900).
DEFAULT_K = {"linear": 1.0, "exponential": 0.9995, "inverse_sigmoid": 1000.0}


def check_schedule(schedule, k, c, minimum):
    """Validate a schedule and its parameters; returns k (default filled)."""
    if schedule not in SCHEDULES:
        raise ValueError(
            f"`scheduled_sampling` must be None or one of {SCHEDULES}, got {schedule!r}."
        )
    k = DEFAULT_K[schedule] if k is None else float(k)
    if schedule == "linear" and (k <= 0 or k > 1 or c <= 0):
        raise ValueError(f"The linear schedule needs 0 < k <= 1 and c > 0, got k={k}, c={c}.")
    if schedule == "exponential" and not 0 < k < 1:
        raise ValueError(f"The exponential schedule needs 0 < k < 1, got k={k}.")
    if schedule == "inverse_sigmoid" and k < 1:
        raise ValueError(f"The inverse sigmoid schedule needs k >= 1, got k={k}.")
    if not 0 <= minimum <= 1:
        raise ValueError(f"`sampling_min` must be in [0, 1], got {minimum}.")
    return k


def teacher_forcing_probability(schedule, step, k=None, c=1e-4, minimum=0.0):
    """eps_i of a schedule at training step `step` (a number or a tensor).

    Returns a float32 scalar tensor.

    Example:

    >>> round(float(teacher_forcing_probability("linear", 2000, c=1e-4)), 4)
    0.8
    >>> round(float(teacher_forcing_probability("inverse_sigmoid", 0, k=10)), 4)
    0.9091
    """
    k = check_schedule(schedule, k, c, minimum)
    step = ops.cast(step, "float32")
    if schedule == "linear":
        value = k - c * step
    elif schedule == "exponential":
        value = ops.exp(step * math.log(k))
    else:
        value = k / (k + ops.exp(ops.minimum(step / k, 80.0)))
    return ops.clip(value, minimum, 1.0)


def scheduled_sampling_logits(model, target, states, constants, start_id):
    """Training logits of a `Seq2Seq` whose decoder inputs are gold with
    probability eps_i, else sampled from its previous step's prediction.

    Every random draw (coins, sampling uniforms, dropout masks) is made
    before the loop, so the loop stays stateless (a JAX requirement); tokens
    travel as embeddings (exact under any float policy). Counts the step:
    `model.sampling_step` grows by one per call.
    """
    probability = model.teacher_forcing_probability()
    model.sampling_step.assign_add(1)
    shape = ops.shape(target)
    draws = keras.random.uniform((2, shape[0], shape[1]), seed=model.seed_generator)
    use_gold = ops.cast(draws[0] < probability, "float32")
    masks = [
        _dropout_mask(model, (shape[0], shape[1], width))
        for width in (model.embedding_dim, model.decoder_units)
    ]
    gold = ops.cast(model.target_embedding(target), "float32")
    packed = ops.concatenate([gold, use_gold[..., None], draws[1][..., None], *masks], axis=-1)
    start = model.target_embedding(ops.full((shape[0],), start_id, "int32"))
    return model.decoder_loop(sampling=True)(packed, [*states, start], constants, training=True)


def sampling_step(model, inputs, states, constants, training):
    """One decoder step. inputs: [gold embedding (E), use gold, uniform,
    embedding dropout mask (E), output dropout mask]; the last state is the
    embedding of the token sampled at the previous step, drawn from
    softmax(logits) by inverting its CDF at the uniform."""
    width = model.embedding_dim
    gold, use_gold = inputs[:, :width], inputs[:, width : width + 1]
    uniform = inputs[:, width + 1]
    *states, sampled_embedding = states
    embedded = ops.where(use_gold > 0.5, gold, sampled_embedding)
    embedded = embedded * inputs[:, width + 2 : 2 * width + 2]
    output, states = model.decoder_cell(embedded, states, *constants, training=training)
    logits = model.output_projection(output * inputs[:, 2 * width + 2 :])
    probabilities = ops.softmax(model.allowed_logits(ops.stop_gradient(logits)), axis=-1)
    below = ops.cumsum(probabilities, axis=-1) < uniform[:, None]
    sampled = ops.minimum(ops.sum(ops.cast(below, "int32"), axis=-1), logits.shape[-1] - 1)
    sampled_embedding = ops.cast(model.target_embedding(sampled), sampled_embedding.dtype)
    return logits, [*states, sampled_embedding]


def _dropout_mask(model, shape):
    if model.dropout == 0:
        return ops.ones(shape, "float32")
    keep = keras.random.uniform(shape, seed=model.seed_generator) >= model.dropout
    return ops.cast(keep, "float32") / (1.0 - model.dropout)
