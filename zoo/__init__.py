"""zoo: a Keras 3 model zoo for recurrent sequence models.

    import zoo
    zoo.list_models()                  # the shipped checkpoints and their metrics
    adder = zoo.load("binary_adder")   # a keras.Model with its vocabularies
    adder.add(2**200 + 1, 3**120)

The names below are imported on first use, so that `import zoo` (and the
`zoo` command, which sets TensorFlow's log level first) does not load Keras
and its backend until something needs them.
"""

import importlib

from zoo.version import __version__

SUBPACKAGES = ("cli", "data", "diagnostics", "hub", "layers", "models", "training")
EXPORTS = {
    "CheckpointError": "zoo.hub",
    "ModelCard": "zoo.hub",
    "list_models": "zoo.hub",
    "load": "zoo.hub",
    "save": "zoo.hub",
}
__all__ = ["__version__", *SUBPACKAGES, *EXPORTS]


def __getattr__(name):
    if name in SUBPACKAGES:
        return importlib.import_module(f"zoo.{name}")
    if name in EXPORTS:
        return getattr(importlib.import_module(EXPORTS[name]), name)
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
