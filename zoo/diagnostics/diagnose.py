"""`diagnose(model)`: every diagnostic of every recurrent cell, in one report."""

import keras

from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.diagnostic_report import DiagnosticReport
from zoo.diagnostics.example_batch import ExampleBatch
from zoo.diagnostics.find_recurrent_cells import find_recurrent_cells
from zoo.diagnostics.gradient_flow import compare_gradient_flow
from zoo.diagnostics.gradient_flow import gradient_flow
from zoo.diagnostics.input_memory import input_memory
from zoo.diagnostics.spectrum import recurrent_spectrum
from zoo.diagnostics.stability_test import check_run_arguments
from zoo.diagnostics.stability_test import stability_test


def _as_batch(batch):
    if batch is None or isinstance(batch, ExampleBatch):
        return batch
    if isinstance(batch, (list, tuple)) and len(batch) in (2, 3):
        x, y, loss = (*batch, None)[:3]
        return ExampleBatch(x, y, loss, "the given batch")
    raise ValueError(
        "`batch` must be an ExampleBatch or a tuple (x, y) or (x, y, loss), "
        f"got {type(batch).__name__}."
    )


def diagnose_cell(found, steps, samples, memory_steps, memory_samples, input_range, seed):
    """The report entry of one `FoundCell`: spectrum, stability, memory."""
    cell = found.cell
    anatomy = describe_cell(cell)
    return {
        "path": found.path,
        "cell": anatomy.cell_class,
        "units": anatomy.units,
        "input_dim": anatomy.input_dim,
        "states": list(anatomy.state_names),
        "gates": list(anatomy.gate_names),
        "direction": found.direction,
        "spectrum": recurrent_spectrum(cell),
        "stability": stability_test(
            cell, steps=steps, samples=samples, input_range=input_range, seed=seed
        ),
        "memory": input_memory(
            cell,
            steps=memory_steps,
            samples=memory_samples,
            input_range=input_range,
            seed=seed,
        ),
    }


def diagnose(
    model,
    batch=None,
    before=None,
    steps=500,
    samples=8,
    memory_steps=100,
    memory_samples=4,
    input_range=None,
    seed=0,
    name=None,
):
    """Diagnose every recurrent cell of `model`; returns a `DiagnosticReport`.

    For each cell (found with `find_recurrent_cells`): the spectrum of its
    recurrent kernel per gate (`recurrent_spectrum`), the BIBO and
    saturation test (`stability_test`) and its memory
    (`input_memory`). With a batch, also the gradient flow through time of
    the whole model (`gradient_flow`), and with `before`, the same model
    before training (e.g. `zoo.load(name, weights=False)`), compared.

    Args:
        model: a Keras model, an RNN layer, or a recurrent cell (built).
        batch: an `ExampleBatch` (see `example_batch(model)`), a tuple
            `(x, y)` or `(x, y, loss)`, or None for no gradient flow.
        before: a model of the same architecture to compare gradient flow
            with (needs `batch`), or None.
        steps, samples: length and count of the stability test's runs,
            default 500 and 8.
        memory_steps, memory_samples: the same for `input_memory`, default
            100 and 4.
        input_range: (low, high) of the drives' inputs; default the
            batch's `input_range`, else (-1, 1).
        seed: int. Seed of every random input, default 0.
        name: str. Name of the report, default the model's name.

    Raises:
        ValueError: the model has no recurrent cell, or bad arguments.

    Example:

    >>> import keras
    >>> model = keras.Sequential([keras.Input((None, 3)), keras.layers.LSTM(4)])
    >>> report = diagnose(model, steps=50, memory_steps=20)
    >>> [cell["gates"] for cell in report.cells]
    [['i', 'f', 'c', 'o']]
    """
    batch = _as_batch(batch)
    if input_range is None:
        input_range = batch.input_range if batch is not None else (-1.0, 1.0)
    low, high = check_run_arguments(steps, samples, input_range)
    check_run_arguments(memory_steps, memory_samples, input_range)
    if before is not None and batch is None:
        raise ValueError("`before` compares gradient flow, which needs a `batch`.")
    found = find_recurrent_cells(model)
    if not found:
        raise ValueError(
            f"{getattr(model, 'name', model)!r} has no recurrent cell to diagnose "
            "(no keras.layers.RNN, LSTM, GRU, SimpleRNN, zoo fused layer or cell)."
        )
    cells = [
        diagnose_cell(item, steps, samples, memory_steps, memory_samples, (low, high), seed)
        for item in found
    ]
    flow = None
    if batch is not None:
        flow = {
            "batch": batch.description,
            "model": gradient_flow(model, batch.x, batch.y, batch.loss),
            "before": None,
            "change": None,
        }
        if before is not None:
            flow["before"] = gradient_flow(before, batch.x, batch.y, batch.loss)
            flow["change"] = compare_gradient_flow(flow["before"], flow["model"])
    return DiagnosticReport(
        {
            "name": name or model.name,
            "model_class": type(model).__name__,
            "backend": keras.backend.backend(),
            "keras_version": keras.__version__,
            "settings": {
                "steps": steps,
                "samples": samples,
                "memory_steps": memory_steps,
                "memory_samples": memory_samples,
                "input_range": [low, high],
                "seed": seed,
            },
            "cells": cells,
            "gradient_flow": flow,
        }
    )
