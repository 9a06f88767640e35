"""Checkpoints: the folder format, `save`, `load`, the registry of names.

The names below are imported on first use: `zoo list` and `zoo info` read
model cards through the registry without loading Keras and its backend.
"""

import importlib

EXPORTS = {
    "load": "zoo.hub.checkpoint",
    "save": "zoo.hub.checkpoint",
    "verify": "zoo.hub.checkpoint",
    "CheckpointError": "zoo.hub.checkpoint_error",
    "ModelCard": "zoo.hub.model_card",
    "available_names": "zoo.hub.registry",
    "list_models": "zoo.hub.registry",
}
__all__ = list(EXPORTS)


def __getattr__(name):
    if name in EXPORTS:
        return getattr(importlib.import_module(EXPORTS[name]), name)
    raise AttributeError(f"module 'zoo.hub' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
