"""Backend-specific gradients for the layer tests (TensorFlow and JAX)."""

import keras
import numpy as np


def loss_and_gradients(layer, inputs, weights_out, **call_kwargs):
    """Gradients of sum(layer(inputs) * weights_out) wrt inputs and weights.

    Returns (loss, d_inputs, [d_weight for weight in layer.trainable_weights])
    as numpy arrays. The layer must be built.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(inputs)
        with tf.GradientTape() as tape:
            tape.watch(x)
            output = keras.tree.flatten(layer(x, **call_kwargs))[0]
            loss = tf.reduce_sum(output * weights_out)
        grads = tape.gradient(loss, [x] + list(layer.trainable_weights))
        return float(loss), np.asarray(grads[0]), [np.asarray(g) for g in grads[1:]]
    if backend == "jax":
        import jax

        non_trainable = [v.value for v in layer.non_trainable_variables]

        def loss_fn(x, trainable):
            output, _ = layer.stateless_call(trainable, non_trainable, x, **call_kwargs)
            output = keras.tree.flatten(output)[0]
            return (output * weights_out).sum()

        trainable = [v.value for v in layer.trainable_variables]
        loss, (d_x, d_w) = jax.value_and_grad(loss_fn, argnums=(0, 1))(
            inputs, trainable
        )
        return float(loss), np.asarray(d_x), [np.asarray(g) for g in d_w]
    raise NotImplementedError(backend)


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
        analytic = (d_x * v_x).sum() + sum((g * v).sum() for g, v in zip(d_w, v_w))
        # XLA:CPU's float64 tanh is only accurate to ~1e-8 (measured), so
        # JAX gets a looser bound; a wrong gradient is off by O(1) anyway.
        rtol = 1e-5 if keras.backend.backend() == "jax" else 1e-6
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=1e-9)
