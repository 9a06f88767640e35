"""A numpy RNN language model, written from the equations of `LanguageModel`.

float64, one time step at a time, Keras' masking rule (a masked step keeps
the states). The weights are read from a model's layers but every equation
is written here, not taken from the zoo code.
"""

import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_step(weights, x, states):
    """keras LSTMCell, gates in the order i, f, c, o."""
    W, U, b = weights
    h, c = states
    z = x @ W + h @ U + b
    zi, zf, zc, zo = np.split(z, 4, axis=-1)
    c = sigmoid(zf) * c + sigmoid(zi) * np.tanh(zc)
    h = sigmoid(zo) * np.tanh(c)
    return h, [h, c]


def gru_step(weights, x, states):
    """keras GRUCell with reset_after=True, gates in the order z, r, h."""
    W, U, b = weights
    (h,) = states
    xz, xr, xh = np.split(x @ W + b[0], 3, axis=-1)
    hz, hr, hh = np.split(h @ U + b[1], 3, axis=-1)
    z = sigmoid(xz + hz)
    r = sigmoid(xr + hr)
    candidate = np.tanh(xh + r * hh)
    h = z * h + (1 - z) * candidate
    return h, [h]


STEPS = {"lstm": (lstm_step, 2), "gru": (gru_step, 1)}


def set_random_weights(model, seed=0, scale=0.5):
    """Give every weight of `model` random normal values."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        variable.assign(rng.normal(scale=scale, size=variable.shape).astype("float32"))


def model_weights(model):
    """The model's weights as float64 numpy arrays, by role."""
    as_numpy = lambda ws: [np.asarray(w, np.float64) for w in ws]  # noqa: E731
    weights = {
        "embeddings": as_numpy([model.embeddings.numpy()])[0],
        "layers": [as_numpy(layer.get_weights()) for layer in model.sequence_layers],
        "output_bias": as_numpy([model.output_bias.numpy()])[0],
    }
    if model.tie_embeddings:
        output = weights["embeddings"].T
        if model.projection is not None:
            output = as_numpy(model.projection.get_weights())[0] @ output
    else:
        output = as_numpy([model.output_kernel.numpy()])[0]
    weights["output"] = output
    return weights


def zero_states(cell, num_layers, batch, units):
    step, count = STEPS[cell]
    return [[np.zeros((batch, units)) for _ in range(count)] for _ in range(num_layers)]


def forward(weights, tokens, cell, units, initial_states=None):
    """Logits [batch, time, V] and final states of every layer.

    Token 0 is padding: its step leaves every layer's states unchanged.
    """
    tokens = np.asarray(tokens)
    batch, time = tokens.shape
    step, _ = STEPS[cell]
    layers = weights["layers"]
    states = initial_states or zero_states(cell, len(layers), batch, units)
    states = [[np.array(s, np.float64) for s in layer] for layer in states]
    logits = []
    for t in range(time):
        keep = (tokens[:, t] != 0)[:, None]
        x = weights["embeddings"][tokens[:, t]]
        for index, layer in enumerate(layers):
            h, new_states = step(layer, x, states[index])
            states[index] = [
                np.where(keep, new, old) for new, old in zip(new_states, states[index])
            ]
            x = h
        logits.append(x @ weights["output"] + weights["output_bias"])
    return np.stack(logits, axis=1), states


def log_softmax(logits):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def masked_cross_entropy(logits, targets):
    """Mean -log softmax(logits)[target] over the steps whose target is not 0."""
    targets = np.asarray(targets)
    log_p = np.take_along_axis(log_softmax(logits), targets[..., None], axis=-1)[..., 0]
    mask = targets != 0
    return -(log_p * mask).sum() / mask.sum()


def stream_log_probabilities(weights, ids, cell, units, line_break=2):
    """log P(ids[t] | line break, ids[:t]) for every t, one step at a time."""
    stream = np.concatenate([[line_break], ids])[None, :]
    logits, _ = forward(weights, stream[:, :-1], cell, units)
    return np.take_along_axis(log_softmax(logits), stream[:, 1:, None], axis=-1)[0, :, 0]
