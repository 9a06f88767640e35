"""The examples in the docstrings of zoo.diagnostics' public API run."""

import doctest
import inspect
import re

import pytest

from zoo import diagnostics

pytestmark = pytest.mark.backend

FENCED_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)


def public_objects():
    for name in sorted(dir(diagnostics)):
        value = getattr(diagnostics, name)
        if (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__.startswith(
            "zoo.diagnostics"
        ):
            yield pytest.param(value, id=name)


@pytest.mark.parametrize("value", list(public_objects()))
def test_docstring_example_runs(value):
    docstring = inspect.getdoc(value) or ""
    if inspect.isclass(value):
        assert "Example" in docstring, f"{value.__name__} has no Example"
    blocks = FENCED_PYTHON.findall(docstring)
    for block in blocks:
        exec(compile(block, f"<{value.__name__} docstring>", "exec"), {})
    module = inspect.getmodule(value)
    tests = doctest.DocTestFinder().find(value, value.__name__, globs=dict(vars(module)))
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{value.__name__}'s doctest failed"
