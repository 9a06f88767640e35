"""The backend's automatic differentiation, in one place.

Everything else in `zoo.diagnostics` is `keras.ops` (what touches a model)
and numpy (what analyses the numbers). Keras 3 has no backend-neutral
`grad`, so the two derivatives the diagnostics need are written here once
per backend: `tf.GradientTape` on TensorFlow, `jax.grad` / `jax.jacrev` on
JAX (compiled with `jax.jit`), and one helper that runs a function only for
the shapes it sees (`jax.eval_shape` on JAX, where an eager run would
compile every operation it meets).

    value_and_gradients(fn, args)    (value, aux) = fn(*args), and
                                     d value / d args
    batch_jacobian_function(fn)      a compiled (x, *constants) ->
                                     d fn(x, *constants)[n] / d x[n], row by row
    run_for_shapes(fn)               fn() where only shapes matter
"""

import keras

SUPPORTED_BACKENDS = ("tensorflow", "jax")
PFOR_FROM_OUTPUTS = 64


def check_backend():
    """The Keras backend's name; a ValueError if it cannot differentiate here."""
    backend = keras.backend.backend()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(
            "zoo.diagnostics differentiates with TensorFlow or JAX; the Keras "
            f"backend is {backend!r}. Set KERAS_BACKEND=tensorflow or "
            "KERAS_BACKEND=jax."
        )
    return backend


def value_and_gradients(fn, args):
    """A scalar `fn(*args)`, what else it returns, and its gradients.

    Args:
        fn: callable taking `len(args)` tensors and returning `(value, aux)`,
            `value` a scalar and `aux` any structure of tensors; it is
            traced once (compiled on JAX), so side effects happen once.
        args: list of float tensors.

    Returns:
        `(value, aux, gradients)`: `gradients` a list of tensors shaped like
        `args` (zeros where `value` does not depend on an argument).
    """
    args = [keras.ops.convert_to_tensor(arg) for arg in args]
    if check_backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(args)
            value, aux = fn(*args)
        grads = tape.gradient(
            value, args, unconnected_gradients=tf.UnconnectedGradients.ZERO
        )
        return value, aux, list(grads)
    import jax

    # Compiled: op-by-op JAX would compile every primitive it meets
    # separately, which takes far longer than one jit.
    value_and_grad = jax.value_and_grad(
        fn, argnums=tuple(range(len(args))), has_aux=True
    )
    (value, aux), grads = jax.jit(value_and_grad)(*args)
    return value, aux, list(grads)


def run_for_shapes(fn):
    """Run `fn()` when only the shapes it sees matter (not its numbers).

    Eagerly on TensorFlow (cheap there); with `jax.eval_shape` on JAX, which
    traces without compiling (eager JAX compiles every operation).
    """
    if check_backend() == "tensorflow":
        return fn()
    import jax

    return jax.eval_shape(fn)


def batch_jacobian_function(fn):
    """A compiled function giving the Jacobian of `fn` row by row.

    `fn(x, *constants)` maps a batch `x` [rows, n] (and constants with the
    same number of rows) to [rows, m], each output row depending only on
    the same input row (a recurrent cell step does). The returned function
    gives `J[r] = d fn(x, ...)[r] / d x[r]`, shape [rows, m, n], with
    `tape.batch_jacobian` under `tf.function` on TensorFlow and
    `jax.jit(jax.vmap(jax.jacrev(...)))` on JAX. It compiles once per input
    shape, so call it on chunks of a fixed number of rows.
    """
    if check_backend() == "tensorflow":
        import tensorflow as tf

        @tf.function(reduce_retracing=True)
        def jacobian(x, *constants):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x, *constants)
            # pfor vectorizes over the outputs: faster to run for many
            # outputs, slower to trace for few.
            many = y.shape[-1] is None or y.shape[-1] > PFOR_FROM_OUTPUTS
            return tape.batch_jacobian(y, x, experimental_use_pfor=many)

        return jacobian
    import jax

    def one_row(x_row, *constant_rows):
        rows = [row[None] for row in constant_rows]
        return fn(x_row[None], *rows)[0]

    return jax.jit(jax.vmap(jax.jacrev(one_row)))
