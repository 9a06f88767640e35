"""Saving and loading checkpoints: one folder, fixed file names, checksums.

A checkpoint folder holds

    config.json        the model, serialized by Keras (class + constructor
                       arguments + build shapes)
    model.weights.h5   the weights
    assets/            vocabularies and other files the model writes with its
                       own `save_assets(dir)` (optional)
    card.json          the `ModelCard`, with the sha256 of every other file
"""

import datetime
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import keras

from zoo.hub import registry
from zoo.hub.checkpoint_error import CheckpointError
from zoo.hub.model_card import CARD_FILE
from zoo.hub.model_card import ModelCard
from zoo.hub.weights_precision import check_weights_dtype
from zoo.hub.weights_precision import round_weights
from zoo.hub.weights_precision import store_weights_as
from zoo.version import __version__

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
ASSETS_DIR = "assets"
REQUIRED_FILES = (CONFIG_FILE, WEIGHTS_FILE)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_files(folder):
    """`{relative path: {"sha256", "bytes"}}` for every file but the card."""
    folder = Path(folder)
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative != CARD_FILE:
            files[relative] = {
                "sha256": sha256_of(path),
                "bytes": path.stat().st_size,
            }
    return files


def save(model, name_or_dir, card=None, overwrite=True, weights_dtype=None):
    """Write `model` as a checkpoint folder, atomically.

    Everything is written to a temporary folder beside the target and
    renamed into place at the end, so an interrupted save never leaves a
    half-written checkpoint (an existing checkpoint of the same name stays
    intact until the new one is complete).

    Args:
        model: a built `keras.Model` whose class is registered with
            `keras.saving.register_keras_serializable`. If it has a
            `save_assets(dir)` method, that writes its vocabularies.
        name_or_dir: a folder path, or a bare name saved under
            `$ZOO_HOME/checkpoints/` (default `~/.zoo/checkpoints/`), where
            `zoo.load(name)` finds it.
        card: `ModelCard` or dict of its fields. Versions, parameter count
            and file checksums are filled in here.
        overwrite: bool. Replace an existing checkpoint, default True.
        weights_dtype: None or `"float16"`: store the float weights at
            half precision (half the file; loading casts them back). The
            model's own weights are rounded to it first, so it computes
            what loads. Default None (as they are).

    Returns:
        The `Path` of the checkpoint folder.
    """
    if registry.is_path(name_or_dir):
        target = Path(name_or_dir).expanduser()
    else:
        target = registry.user_checkpoints_dir() / name_or_dir
    check_weights_dtype(weights_dtype)
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} exists and overwrite=False")
    if not model.built:
        raise ValueError(
            "Cannot save an unbuilt model: call it on data (or `build` it) "
            "before `zoo.hub.save`."
        )
    if card is None:
        card = ModelCard(name=target.name)
    elif isinstance(card, dict):
        card = ModelCard(**{"name": target.name, **card})

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent)
    )
    try:
        config = keras.saving.serialize_keras_object(model)
        config.pop("compile_config", None)
        (staging / CONFIG_FILE).write_text(
            json.dumps(config, indent=2, sort_keys=True), encoding="utf-8"
        )
        if weights_dtype is not None:
            round_weights(model, weights_dtype)
        save_model_weights(model, staging / WEIGHTS_FILE)
        if weights_dtype is not None:
            store_weights_as(staging / WEIGHTS_FILE, weights_dtype)
        if hasattr(model, "save_assets"):
            (staging / ASSETS_DIR).mkdir()
            model.save_assets(str(staging / ASSETS_DIR))
        card.parameter_count = int(model.count_params())
        card.keras_version = keras.__version__
        card.zoo_version = __version__
        card.backend = keras.backend.backend()
        card.created = datetime.date.today().isoformat()
        card.files = describe_files(staging)
        (staging / CARD_FILE).write_text(card.to_json(), encoding="utf-8")
        replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def save_model_weights(model, path):
    """`model.save_weights` without the optimizer's slots (a compiled Adam
    model would otherwise ship twice its size again in moment estimates)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        model.save_weights(path)
        return
    model.optimizer = None
    try:
        model.save_weights(path)
    finally:
        model.optimizer = optimizer


def replace_folder(source, target):
    """Move `source` to `target`, replacing any old `target` as late as possible."""
    if not target.exists():
        os.replace(source, target)
        return
    retired = Path(
        tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent)
    )
    os.replace(target, retired / target.name)
    try:
        os.replace(source, target)
    except BaseException:
        os.replace(retired / target.name, target)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)


def verify(folder):
    """Check that every file of a checkpoint is present and unchanged.

    Returns:
        Its `ModelCard`.

    Raises:
        CheckpointError: naming the missing, truncated or altered file.
    """
    folder = Path(folder)
    card = registry.read_card(folder)
    for required in REQUIRED_FILES:
        if required not in card.files:
            raise CheckpointError(
                f"Checkpoint {folder}: its {CARD_FILE} lists no {required}"
            )
    for relative, expected in sorted(card.files.items()):
        path = folder / relative
        if not path.is_file():
            raise CheckpointError(f"Checkpoint {folder}: {relative} is missing")
        size = path.stat().st_size
        if size != expected["bytes"]:
            raise CheckpointError(
                f"Checkpoint {folder}: {relative} has {size} bytes, the card "
                f"says {expected['bytes']} (truncated or replaced)"
            )
        if sha256_of(path) != expected["sha256"]:
            raise CheckpointError(
                f"Checkpoint {folder}: {relative} does not match its sha256 "
                "in the card (the file was modified or corrupted)"
            )
    return card


def load(name_or_path, weights=True):
    """Load a checkpoint by name (`zoo.list_models()`) or folder path.

    Every file is checked against the sha256 in its card first. The model
    is rebuilt through Keras' serialization registry with `safe_mode=True`
    (no code from the checkpoint runs), then its vocabularies
    (`load_assets`) and weights are loaded.

    Args:
        name_or_path: a checkpoint name such as `"binary_adder"`, or a
            folder.
        weights: bool. False builds the model with fresh, untrained
            weights (its vocabularies are still loaded). Default True.

    Returns:
        The model, an instance of the class registered for it. Its card is
        attached as `model.card`.

    Example:

    >>> import zoo
    >>> adder = zoo.load("binary_adder")
    >>> adder.add(2**200 + 1, 3**120) == 2**200 + 1 + 3**120
    True
    """
    folder = registry.resolve(name_or_path)
    card = verify(folder)
    import zoo.models  # noqa: F401  (registers the zoo model classes)

    config = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
    try:
        model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    except (TypeError, ValueError) as error:
        raise CheckpointError(
            f"Checkpoint {folder}: {CONFIG_FILE} does not describe a model "
            f"this zoo {__version__} can build: {error}"
        ) from error
    assets = folder / ASSETS_DIR
    if hasattr(model, "load_assets") and assets.is_dir():
        model.load_assets(str(assets))
    if weights:
        model.load_weights(folder / WEIGHTS_FILE)
    model.card = card
    return model
