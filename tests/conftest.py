"""Shared pytest setup.

Tests under tests/layers/ and tests/models/ are marked `backend`, as are
the modules elsewhere that say `pytestmark = pytest.mark.backend`: the
README's test command runs them a second time under `KERAS_BACKEND=jax`
(in two processes: tests/layers, then the rest).

XLA keeps every program it compiles mapped until the process exits, and
Linux allows a process `vm.max_map_count` maps (65,530 by default): past
that, the next compilation dies with a segmentation fault. The summary at
the end of a run gives the process's map count and warns when it nears
the limit (split the run, as the README's command does).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest  # noqa: E402

BACKEND_FOLDERS = ("layers", "models")
MAP_COUNT_WARNING = 45_000


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


def pytest_terminal_summary(terminalreporter):
    try:
        with open("/proc/self/maps") as maps:
            count = sum(1 for _ in maps)
        with open("/proc/sys/vm/max_map_count") as limit:
            limit = int(limit.read())
    except OSError:  # not Linux
        return
    line = f"memory maps of this process: {count:,} of vm.max_map_count {limit:,}"
    if count > min(MAP_COUNT_WARNING, limit * 0.7):
        terminalreporter.write_line(
            f"WARNING: {line}; past the limit XLA compilations crash: split the run "
            "into more processes", yellow=True)
    else:
        terminalreporter.write_line(line)
