"""Run a script or a recipe in a fresh process that sees 2 logical CPU devices.

Devices are fixed when a backend starts, so every `--distribute` test runs
its code in a subprocess: JAX gets `--xla_force_host_platform_device_count=2`,
TensorFlow splits its CPU into 2 logical devices.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TWO_DEVICES = textwrap.dedent(
    """
    import os, sys
    if os.environ["KERAS_BACKEND"] == "jax":
        os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    else:
        import tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    """
)

def run_on_two_devices(script, *args, backend, statuses=(0,)):
    """Run `script` (Python source, after the 2-device preamble); its stdout.

    The test fails with the end of the process's output if its exit status
    is not one of `statuses`.
    """
    environment = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    environment.pop("XLA_FLAGS", None)
    result = subprocess.run(
        [sys.executable, "-c", TWO_DEVICES + script, *args], capture_output=True, text=True,
        env=environment, cwd=ROOT, timeout=900,
    )
    assert result.returncode in statuses, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def run_recipe_on_two_devices(name, *args, backend, statuses=(0,)):
    """Run recipe `name`'s `main(args)` on 2 devices; its stdout."""
    return run_on_two_devices(
        "from zoo.training.recipe_registry import load_recipe\n"
        "sys.exit(load_recipe(sys.argv[1]).main(sys.argv[2:]))\n",
        name, *args, backend=backend, statuses=statuses,
    )
