"""Independent numpy implementations of the zoo LSTM-family cells.

Written from the equations in the issue / papers, not from the zoo code:
float64 throughout, one gate at a time. `run_sequence` is a plain Python
loop with Keras' masking rule (a masked step keeps the states and repeats
the previous output, zeros before the first unmasked step).
"""

import numpy as np


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def layer_norm(a, gain, bias=None, epsilon=1e-3):
    mean = a.mean(axis=-1, keepdims=True)
    var = ((a - mean) ** 2).mean(axis=-1, keepdims=True)
    out = (a - mean) / np.sqrt(var + epsilon) * gain
    return out if bias is None else out + bias


def gate_blocks(matrix, count):
    """Split the last axis of a fused [.., count * units] weight in blocks."""
    return np.split(np.asarray(matrix, np.float64), count, axis=-1)


def lstm_step(weights, x, h, c):
    """keras.layers.LSTMCell: weights = [kernel, recurrent_kernel, bias]."""
    W, U, b = weights
    Wi, Wf, Wc, Wo = gate_blocks(W, 4)
    Ui, Uf, Uc, Uo = gate_blocks(U, 4)
    bi, bf, bc, bo = gate_blocks(b, 4)
    i = sigmoid(x @ Wi + h @ Ui + bi)
    f = sigmoid(x @ Wf + h @ Uf + bf)
    c_new = f * c + i * np.tanh(x @ Wc + h @ Uc + bc)
    o = sigmoid(x @ Wo + h @ Uo + bo)
    return o * np.tanh(c_new), c_new


def peephole_lstm_step(weights, x, h, c):
    """Gers & Schmidhuber 2000; weights = [W, U, b, p_i, p_f, p_o]."""
    W, U, b, p_i, p_f, p_o = weights
    Wi, Wf, Wc, Wo = gate_blocks(W, 4)
    Ui, Uf, Uc, Uo = gate_blocks(U, 4)
    bi, bf, bc, bo = gate_blocks(b, 4)
    i = sigmoid(x @ Wi + h @ Ui + p_i * c + bi)
    f = sigmoid(x @ Wf + h @ Uf + p_f * c + bf)
    c_new = f * c + i * np.tanh(x @ Wc + h @ Uc + bc)
    o = sigmoid(x @ Wo + h @ Uo + p_o * c_new + bo)
    return o * np.tanh(c_new), c_new


def cifg_lstm_step(weights, x, h, c, use_peepholes=False):
    """Coupled input/forget gate: i = 1 - f; weights [W, U, b(, p_f, p_o)]."""
    if use_peepholes:
        W, U, b, p_f, p_o = weights
    else:
        (W, U, b), p_f, p_o = weights, 0.0, 0.0
    Wf, Wc, Wo = gate_blocks(W, 3)
    Uf, Uc, Uo = gate_blocks(U, 3)
    bf, bc, bo = gate_blocks(b, 3)
    f = sigmoid(x @ Wf + h @ Uf + p_f * c + bf)
    i = 1.0 - f
    c_new = f * c + i * np.tanh(x @ Wc + h @ Uc + bc)
    o = sigmoid(x @ Wo + h @ Uo + p_o * c_new + bo)
    return o * np.tanh(c_new), c_new


def layer_norm_lstm_step(weights, x, h, c, epsilon=1e-3):
    """Ba et al. 2016; weights = [W, U, b, g_x, g_h, g_c, b_c]."""
    W, U, b, g_x, g_h, g_c, b_c = weights
    a = (
        layer_norm(x @ W, g_x, epsilon=epsilon)
        + layer_norm(h @ U, g_h, epsilon=epsilon)
        + b
    )
    a_i, a_f, a_c, a_o = np.split(a, 4, axis=-1)
    c_new = sigmoid(a_f) * c + sigmoid(a_i) * np.tanh(a_c)
    h_new = sigmoid(a_o) * np.tanh(layer_norm(c_new, g_c, b_c, epsilon=epsilon))
    return h_new, c_new


def run_sequence(step, weights, x, mask=None, initial_state=None,
                 input_mask=None, recurrent_mask=None):
    """Run `step` over x [batch, time, features]; Keras masking semantics.

    Returns (outputs [batch, time, units], h, c). `input_mask` /
    `recurrent_mask` are dropout masks applied to x_t and h_{t-1} (the same
    at every step).
    """
    x = np.asarray(x, np.float64)
    weights = [np.asarray(w, np.float64) for w in weights]
    batch, time, _ = x.shape
    units = weights[1].shape[0]
    if initial_state is None:
        h = np.zeros((batch, units))
        c = np.zeros((batch, units))
    else:
        h, c = (np.asarray(s, np.float64) for s in initial_state)
    previous_output = np.zeros((batch, units))
    outputs = []
    for t in range(time):
        x_t = x[:, t] if input_mask is None else x[:, t] * input_mask
        h_in = h if recurrent_mask is None else h * recurrent_mask
        h_new, c_new = step(weights, x_t, h_in, c)
        if mask is not None:
            keep = np.asarray(mask[:, t], bool)[:, None]
            h_new = np.where(keep, h_new, h)
            c_new = np.where(keep, c_new, c)
            output = np.where(keep, h_new, previous_output)
        else:
            output = h_new
        h, c, previous_output = h_new, c_new, output
        outputs.append(output)
    return np.stack(outputs, axis=1), h, c
