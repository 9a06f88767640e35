"""The distribution: every package listed, checkpoints inside the wheel,
and a wheel installed into a fresh virtual environment loads them."""

import configparser
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def listed_packages():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def test_every_zoo_package_is_listed_in_setup_cfg():
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "zoo").rglob("__init__.py")
    }
    assert found | {"zoo.checkpoints", "zoo.recipes"} == listed_packages()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out), str(ROOT)],
        check=True,
        cwd=out,
    )
    (path,) = out.glob("zoo_rnn-*.whl")
    return path


def test_wheel_installed_in_a_fresh_venv_loads_shipped_checkpoints(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    fresh_site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
         "--target", fresh_site, str(wheel)],
        check=True,
    )
    # The dependencies (keras, tensorflow) come from this test's environment;
    # zoo itself only from the wheel.
    Path(fresh_site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"])
    script = (
        "import zoo, pathlib\n"
        f"assert pathlib.Path(zoo.__file__).is_relative_to({fresh_site!r}), zoo.__file__\n"
        "names = zoo.hub.available_names()\n"
        "assert 'binary_adder' in names, names\n"
        "for name in names: zoo.load(name)\n"
        "print(zoo.load('binary_adder').add(2**300 + 7, 2**299))\n"
    )
    env = {**os.environ, "ZOO_HOME": str(tmp_path / "home"), "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [python, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-1] == str(2**300 + 7 + 2**299)
