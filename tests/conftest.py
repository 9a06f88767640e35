"""Shared pytest setup.

Tests under tests/layers/ and tests/models/ are marked `backend`: the
README's test command runs them a second time under `KERAS_BACKEND=jax`.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

BACKEND_FOLDERS = ("layers", "models")


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = item.path.parts
        if "tests" in parts:
            below = parts[parts.index("tests") + 1 :]
            if below and below[0] in BACKEND_FOLDERS:
                item.add_marker(pytest.mark.backend)


@pytest.fixture(autouse=True)
def isolated_zoo_home(tmp_path, monkeypatch):
    """Keep user checkpoints written by a test out of the real ~/.zoo."""
    monkeypatch.setenv("ZOO_HOME", str(tmp_path / "zoo_home"))
