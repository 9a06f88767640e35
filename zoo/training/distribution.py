"""`distribution_scope`: data parallelism over all visible devices (`--distribute`)."""

import contextlib

import keras

from zoo.training.recipe_config import OptionError


def visible_devices():
    """The devices `--distribute` spreads a batch over: the GPUs, else the CPUs.

    On TensorFlow these are logical devices, so two logical CPUs made with
    `tf.config.set_logical_device_configuration` count as two; on JAX,
    `XLA_FLAGS=--xla_force_host_platform_device_count=2` does the same.
    """
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return [device.name for device in tf.config.list_logical_devices("GPU")] or [
            device.name for device in tf.config.list_logical_devices("CPU")
        ]
    if keras.backend.backend() == "jax":
        return keras.distribution.list_devices()  # the default platform's
    return []


@contextlib.contextmanager
def distribution_scope(distribute):
    """Build, compile and fit inside this to train data-parallel.

    With `distribute` false it does nothing. Otherwise each batch is split
    over `visible_devices()` by the backend's own engine: a
    `tf.distribute.MirroredStrategy` scope on TensorFlow, a
    `keras.distribution.DataParallel` distribution on JAX (set for the
    duration of the block). Yields the strategy or distribution (or None).

    Raises:
        OptionError: the backend has no such engine here (torch, numpy).

    Example:

    >>> with distribution_scope(False) as strategy:
    ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> strategy is None
    True
    """
    if not distribute:
        yield None
        return
    backend = keras.backend.backend()
    devices = visible_devices()
    if backend == "tensorflow":
        import tensorflow as tf

        strategy = tf.distribute.MirroredStrategy(devices)
        print(f"--distribute: MirroredStrategy over {len(devices)} devices "
              f"({', '.join(devices)})", flush=True)
        with strategy.scope():
            yield strategy
    elif backend == "jax":
        distribution = keras.distribution.DataParallel(devices=devices)
        print(f"--distribute: DataParallel over {len(devices)} devices "
              f"({', '.join(str(device) for device in devices)})", flush=True)
        previous = keras.distribution.distribution()
        keras.distribution.set_distribution(distribution)
        try:
            yield distribution
        finally:
            keras.distribution.set_distribution(previous)
    else:
        raise OptionError(
            f"--distribute needs the tensorflow or jax backend, this is {backend} "
            "(set KERAS_BACKEND)"
        )


def distribution_active():
    """Whether a batch is being split over devices now: a `tf.distribute`
    strategy scope (TensorFlow) or a Keras distribution (JAX) is in force,
    as inside `distribution_scope(True)`."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.distribute.has_strategy()
    return keras.distribution.distribution() is not None


def use_xla(distribute=False):
    """The `jit_compile` a recipe's `compile` gets.

    True on TensorFlow and JAX (JAX compiles anyway), False on torch. With
    `--distribute` on TensorFlow over CPUs it is False: XLA clusters of a
    `MirroredStrategy` cannot reach the variables of other CPU devices
    (TensorFlow's XLA known issues); over GPUs XLA stays on.
    """
    backend = keras.backend.backend()
    if backend == "torch":
        return False
    if backend == "tensorflow" and distribute:
        return any(device.startswith("/") and "GPU" in device for device in visible_devices())
    return True
