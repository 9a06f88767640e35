"""Independent numpy implementations of the GRU-family and layer-norm cells.

Written from the equations in the lecture notation, gate by gate, one
example at a time where it helps readability; nothing here imports zoo.
Blocks of the fused weights are in the order z, r, g (Keras' GRU order).
"""

import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def layer_norm(a, gamma, epsilon):
    """gamma * (a - mean) / sqrt(var + epsilon), over the last axis."""
    mean = a.mean(axis=-1, keepdims=True)
    var = ((a - mean) ** 2).mean(axis=-1, keepdims=True)
    return gamma * (a - mean) / np.sqrt(var + epsilon)


def blocks(matrix, units):
    """The z, r, g blocks of a fused [.., 3 units] weight."""
    return (
        matrix[..., :units],
        matrix[..., units : 2 * units],
        matrix[..., 2 * units :],
    )


def coupled_gru_step(x, h, weights, reset_after=False):
    """Lecture GRU: h = z * h_prev + (1 - z) * g.

    weights: dict with W [features, 3u], U [u, 3u], b [3u] (or, with
    reset_after, b [2, 3u] = input bias, recurrent bias).
    """
    units = h.shape[-1]
    W_z, W_r, W_g = blocks(weights["W"], units)
    U_z, U_r, U_g = blocks(weights["U"], units)
    b = weights["b"]
    if reset_after:
        (b_z, b_r, b_g), (c_z, c_r, c_g) = blocks(b[0], units), blocks(b[1], units)
        r = sigmoid(x @ W_r + b_r + h @ U_r + c_r)
        z = sigmoid(x @ W_z + b_z + h @ U_z + c_z)
        g = np.tanh(x @ W_g + b_g + r * (h @ U_g + c_g))
    else:
        b_z, b_r, b_g = blocks(b, units)
        r = sigmoid(x @ W_r + h @ U_r + b_r)
        z = sigmoid(x @ W_z + h @ U_z + b_z)
        g = np.tanh(x @ W_g + (r * h) @ U_g + b_g)
    return z * h + (1.0 - z) * g


def chung_gru_step(x, h, weights):
    """The other convention, h = (1 - z') * h_prev + z' * g (Chung 2014)."""
    units = h.shape[-1]
    W_z, W_r, W_g = blocks(weights["W"], units)
    U_z, U_r, U_g = blocks(weights["U"], units)
    b_z, b_r, b_g = blocks(weights["b"], units)
    z_prime = sigmoid(x @ W_z + h @ U_z + b_z)
    r = sigmoid(x @ W_r + h @ U_r + b_r)
    g = np.tanh(x @ W_g + (r * h) @ U_g + b_g)
    return (1.0 - z_prime) * h + z_prime * g


def layer_norm_gru_step(x, h, weights, epsilon, reset_after=False):
    """Layer-norm GRU: LN on W x (all blocks) and on each recurrent matmul.

    weights: W [f, 3u], U [u, 3u], b [3u], gamma_x [3u], gamma_h [3u].
    """
    units = h.shape[-1]
    a = layer_norm(x @ weights["W"], weights["gamma_x"], epsilon) + weights["b"]
    a_z, a_r, a_g = blocks(a, units)
    U_z, U_r, U_g = blocks(weights["U"], units)
    gh_z, gh_r, gh_g = blocks(weights["gamma_h"], units)
    if reset_after:
        n = layer_norm(h @ weights["U"], weights["gamma_h"], epsilon)
        n_z, n_r, n_g = blocks(n, units)
        z = sigmoid(a_z + n_z)
        r = sigmoid(a_r + n_r)
        g = np.tanh(a_g + r * n_g)
    else:
        n_zr = layer_norm(
            np.concatenate([h @ U_z, h @ U_r], axis=-1),
            np.concatenate([gh_z, gh_r]),
            epsilon,
        )
        z = sigmoid(a_z + n_zr[..., :units])
        r = sigmoid(a_r + n_zr[..., units:])
        g = np.tanh(a_g + layer_norm((r * h) @ U_g, gh_g, epsilon))
    return z * h + (1.0 - z) * g


def layer_norm_simple_rnn_step(x, h, weights, epsilon, activation=np.tanh):
    """h = tanh(LN(W x; gamma_x) + LN(U h; gamma_h) + b)."""
    return activation(
        layer_norm(x @ weights["W"], weights["gamma_x"], epsilon)
        + layer_norm(h @ weights["U"], weights["gamma_h"], epsilon)
        + weights["b"]
    )


def run_sequence(step, xs, h0, mask=None):
    """Run `step(x_t, h)` over xs [batch, time, features].

    A masked step (mask[b, t] False) keeps h. Returns (hidden states per
    step [batch, time, units], final h).
    """
    h = h0
    per_step = []
    for t in range(xs.shape[1]):
        new_h = step(xs[:, t], h)
        if mask is not None:
            keep = mask[:, t][:, None]
            new_h = np.where(keep, new_h, h)
        h = new_h
        per_step.append(h)
    return np.stack(per_step, axis=1), h
