"""Backend-specific autodiff for the layer tests (TensorFlow, JAX, PyTorch).

The one place where the layer tests differentiate: the LSTM-family tests
import it directly, `gru_cell_checks` imports it for the GRU family.
"""

import keras
import numpy as np


def first_output(outputs):
    """The first tensor of a layer's (possibly nested) outputs."""
    return keras.tree.flatten(outputs)[0]


def loss_and_gradients(layer, inputs, cotangent, **call_kwargs):
    """sum(cotangent * first output) and its gradients, on every backend.

    The layer must be built. `call_kwargs` (mask, initial_state, training,
    ...) go to the call. Returns (loss, d loss / d inputs,
    [d loss / d v for v in layer.trainable_variables]) as numpy arrays.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.convert_to_tensor(inputs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            output = first_output(layer(x, **call_kwargs))
            loss = tf.reduce_sum(output * tf.cast(cotangent, output.dtype))
        grads = tape.gradient(loss, [x] + list(layer.trainable_variables))
        return float(loss), grads[0].numpy(), [g.numpy() for g in grads[1:]]
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        non_trainable = [v.value for v in layer.non_trainable_variables]

        def loss_fn(x, trainable):
            output, _ = layer.stateless_call(
                trainable, non_trainable, x, **call_kwargs
            )
            output = first_output(output)
            return jnp.sum(output * jnp.asarray(cotangent, output.dtype))

        trainable = [v.value for v in layer.trainable_variables]
        loss, (d_x, d_w) = jax.jit(jax.value_and_grad(loss_fn, argnums=(0, 1)))(
            jnp.asarray(inputs), trainable
        )
        return float(loss), np.asarray(d_x), [np.asarray(g) for g in d_w]
    if backend == "torch":
        import torch

        x = torch.tensor(np.asarray(inputs), requires_grad=True)
        output = first_output(layer(x, **call_kwargs))
        loss = (output * torch.as_tensor(cotangent, dtype=output.dtype)).sum()
        variables = [v.value for v in layer.trainable_variables]
        grads = torch.autograd.grad(loss, [x] + variables)
        grads = [g.detach().cpu().numpy() for g in grads]
        return float(loss), grads[0], grads[1:]
    raise NotImplementedError(backend)


def function_gradients(fn, *args):
    """Gradients of the scalar fn(*args) w.r.t. every argument (numpy)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(a) for a in args]
        with tf.GradientTape() as tape:
            for t in tensors:
                tape.watch(t)
            value = fn(*tensors)
        return [g.numpy() for g in tape.gradient(value, tensors)]
    if backend == "jax":
        import jax

        grads = jax.grad(fn, argnums=tuple(range(len(args))))(*args)
        return [np.asarray(g) for g in grads]
    import torch

    tensors = [torch.tensor(np.asarray(a), requires_grad=True) for a in args]
    grads = torch.autograd.grad(fn(*tensors), tensors)
    return [g.detach().cpu().numpy() for g in grads]


def float64_context():
    """A context in which float64 really is float64 (JAX needs x64 on)."""
    if keras.backend.backend() == "jax":
        import jax

        return jax.enable_x64(True)
    import contextlib

    return contextlib.nullcontext()


def check_finite_differences(make_cell, numpy_step, seed=4):
    """Autodiff gradients of RNN(cell) vs central differences of the numpy
    reference, float64, along random directions in (inputs, weights)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, 3, 2))
    layer = keras.layers.RNN(make_cell(), dtype="float64")
    layer(x)
    weights = [rng.normal(scale=0.5, size=w.shape) for w in layer.get_weights()]
    layer.set_weights(weights)
    probe = rng.normal(size=(2, layer.cell.units))
    _, d_x, d_w = loss_and_gradients(layer, x, probe)

    def loss(x, weights):
        from numpy_cells import run_sequence

        out, _, _ = run_sequence(numpy_step, weights, x)
        return float((out[:, -1] * probe).sum())

    for _ in range(3):
        v_x = rng.normal(size=x.shape)
        v_w = [rng.normal(size=w.shape) for w in weights]
        eps = 1e-6
        plus = loss(x + eps * v_x, [w + eps * v for w, v in zip(weights, v_w)])
        minus = loss(x - eps * v_x, [w - eps * v for w, v in zip(weights, v_w)])
        numeric = (plus - minus) / (2 * eps)
        terms = [d_x * v_x] + [g * v for g, v in zip(d_w, v_w)]
        analytic = sum(term.sum() for term in terms)
        # Rounding error is relative to the size of the terms summed, not to
        # their sum, which can cancel. On JAX, keras.ops.tanh computes a
        # float64 input in float32 (Keras 3.15: measured ~2e-8 off), so the
        # gradients there are only float32-accurate and get a looser bound.
        # A wrong gradient is off by a whole term, orders of magnitude more.
        rtol = 1e-5 if keras.backend.backend() == "jax" else 1e-6
        scale = sum(np.abs(term).sum() for term in terms)
        np.testing.assert_allclose(analytic, numeric, rtol=0, atol=rtol * scale)
