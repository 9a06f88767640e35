"""metrics_table: every leaf of nested metrics is one row, named by its path."""

import doctest
import importlib

import numpy as np

from zoo.training.metrics_table import metrics_table


def rows(table):
    return [line.strip("|").split(" | ") for line in table.splitlines()[2:]]


def test_every_leaf_is_one_row_named_by_its_path():
    metrics = {"dev": {"upos": 0.95, "deep": {"x": 1}}, "test": {"wer": 0.355}, "epochs": 12}
    table = metrics_table(metrics)
    assert table.splitlines()[:2] == ["| metric | value |", "|---|---|"]
    names = [name.strip() for name, _ in rows(table)]
    assert names == ["dev/upos", "dev/deep/x", "test/wer", "epochs"]


def test_values_are_formatted_by_type():
    table = metrics_table({
        "big": 1234567, "numpy_int": np.int64(3), "numpy_float": np.float32(0.5),
        "third": 1 / 3, "flag": True, "text": "a|b", "none": None, "empty": [],
        "pair": [1, 2], "history": [3.0, 1.0, 2.0, 2.5],
    })
    shown = {name.strip(): value.strip() for name, value in rows(table)}
    assert shown["big"] == "1,234,567" and shown["numpy_int"] == "3"
    assert shown["numpy_float"] == "0.5" and shown["third"] == "0.333333"
    assert shown["flag"] == "True" and shown["none"] == "None"
    assert shown["text"] == "a\\|b"  # a pipe would split the markdown cell
    assert shown["empty"] == "(none)" and shown["pair"] == "1, 2"
    assert shown["history"] == "4 values: 3 ... 2.5 (min 1, max 3)"


def test_no_metrics_is_an_empty_string():
    assert metrics_table({}) == "" and metrics_table({"dev": {}}) == ""


def test_docstring_example_runs():
    failures, tried = doctest.testmod(importlib.import_module("zoo.training.metrics_table"))
    assert tried and not failures
