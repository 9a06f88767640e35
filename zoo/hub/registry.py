"""Where checkpoints live, and how a name becomes a folder."""

import importlib.util
import os
from pathlib import Path

from zoo.hub.checkpoint_error import CheckpointError
from zoo.hub.model_card import CARD_FILE
from zoo.hub.model_card import ModelCard


def user_checkpoints_dir():
    """Where `zoo.hub.save(model, "name")` writes: `$ZOO_HOME/checkpoints`.

    `ZOO_HOME` defaults to `~/.zoo`.
    """
    home = os.environ.get("ZOO_HOME") or os.path.join("~", ".zoo")
    return Path(home).expanduser() / "checkpoints"


def shipped_checkpoints_dir():
    """The folder of the checkpoints shipped with zoo.

    In an installed zoo it is the package `zoo.checkpoints`; in a source
    checkout, `checkpoints/` beside the `zoo/` package.
    """
    spec = importlib.util.find_spec("zoo.checkpoints")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / "checkpoints"


def search_dirs():
    """Folders searched for a checkpoint name, first match wins."""
    return [user_checkpoints_dir(), shipped_checkpoints_dir()]


def available_names():
    """Sorted names of every checkpoint that `zoo.load` can find by name."""
    names = set()
    for folder in search_dirs():
        if folder.is_dir():
            names.update(
                child.name
                for child in folder.iterdir()
                if (child / CARD_FILE).is_file()
            )
    return sorted(names)


def is_path(name_or_path):
    """Whether `name_or_path` names a folder rather than a checkpoint name."""
    text = os.fspath(name_or_path)
    return (
        isinstance(name_or_path, os.PathLike)
        or os.sep in text
        or (os.altsep is not None and os.altsep in text)
        or text.startswith(".")
        or text.startswith("~")
    )


def resolve(name_or_path):
    """The folder of a checkpoint given by name or by path.

    Raises:
        CheckpointError: no such checkpoint; the message lists the names
            that exist.
    """
    if is_path(name_or_path):
        folder = Path(name_or_path).expanduser()
        if not folder.is_dir():
            raise CheckpointError(f"No checkpoint folder at {folder}")
        return folder
    for folder in search_dirs():
        candidate = folder / name_or_path
        if (candidate / CARD_FILE).is_file():
            return candidate
    names = ", ".join(available_names()) or "(none)"
    raise CheckpointError(
        f"Unknown checkpoint {name_or_path!r}. Available: {names}. "
        "A folder path (containing '/') loads a checkpoint from disk."
    )


def read_card(folder):
    """The `ModelCard` of a checkpoint folder (checksums not verified)."""
    path = Path(folder) / CARD_FILE
    if not path.is_file():
        raise CheckpointError(f"Checkpoint {folder} has no {CARD_FILE}")
    try:
        return ModelCard.from_json(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise CheckpointError(f"{path} is not a valid model card: {error}")


def list_models():
    """The cards of every checkpoint `zoo.load` can find, sorted by name.

    Each card has the name, description and metrics;
    `card.headline()` is the headline metric as text.

    Example:

    >>> import zoo
    >>> [card.name for card in zoo.list_models()]  # doctest: +SKIP
    ['binary_adder']
    """
    return [read_card(resolve(name)) for name in available_names()]
