"""The examples in the README and in every public class docstring run."""

import doctest
import inspect
import re
from pathlib import Path

import pytest

import zoo
import zoo.tuning

ROOT = Path(__file__).resolve().parents[1]
FENCED_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)
# Bases for writing new cells and layers: their module docstrings document the
# subclassing contract, and every concrete subclass has a runnable example.
EXTENSION_BASES = {"RecurrentCell", "FusedRNNLayer", "WeightNormMixin"}


def public_classes():
    for module in (zoo.layers, zoo.models, zoo.data, zoo.training, zoo.hub, zoo.tuning):
        for name in sorted(dir(module)):
            value = getattr(module, name)
            if (
                inspect.isclass(value)
                and value.__module__.startswith("zoo.")
                and name not in EXTENSION_BASES
            ):
                yield pytest.param(value, id=name)


@pytest.mark.parametrize("cls", list(public_classes()))
def test_class_docstring_has_an_example_that_runs(cls):
    docstring = inspect.getdoc(cls) or ""
    assert "Example" in docstring, f"{cls.__name__} has no Example"
    blocks = FENCED_PYTHON.findall(docstring)
    for block in blocks:
        exec(compile(block, f"<{cls.__name__} docstring>", "exec"), {})
    module = inspect.getmodule(cls)
    tests = doctest.DocTestFinder().find(cls, cls.__name__, globs=dict(vars(module)))
    examples = sum(len(test.examples) for test in tests)
    assert blocks or examples, f"{cls.__name__}'s Example has no code"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{cls.__name__}'s doctest failed"


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = FENCED_PYTHON.findall(readme)
    assert blocks
    for block in blocks:
        exec(compile(block, "<README>", "exec"), {})
