"""Checkpoints: the folder format, `save`, `load`, the registry of names."""

from zoo.hub.checkpoint import load
from zoo.hub.checkpoint import save
from zoo.hub.checkpoint import verify
from zoo.hub.checkpoint_error import CheckpointError
from zoo.hub.model_card import ModelCard
from zoo.hub.registry import available_names
from zoo.hub.registry import list_models
