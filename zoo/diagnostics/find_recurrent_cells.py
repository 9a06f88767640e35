"""Find the recurrent cells of a model, and the RNN layers that run them.

The walk follows a layer's attributes (a model's layers, an RNN's `cell`,
a `Bidirectional`'s forward and backward layers, lists and dicts of
layers), so it finds cells inside subclassed models and custom layers
(`zoo.models.SequenceTagger`'s character encoder, `Seq2Seq`'s attention
decoder cell) as well as inside `keras.Sequential` and functional models.
Wrapper cells are opened and the cell inside is reported:
`zoo.layers.NoisyStateCell` and `zoo.layers.AttentionDecoderCell` (their
`cell`), `keras.layers.StackedRNNCells` (each of its `cells`).
"""

import dataclasses

import keras

#: How deep lists, tuples and dicts of layers are searched.
MAX_CONTAINER_DEPTH = 3


@dataclasses.dataclass(frozen=True)
class FoundCell:
    """A recurrent cell found in a model.

    Attributes:
        path: str. Names from the model down to the cell, joined by "/"
            (`"binary_adder_1/rnn/noisy_state_cell/simple_rnn_cell"`).
        cell: the cell (wrappers removed): what the diagnostics run.
        layer: the `keras.layers.RNN` (or subclass: `LSTM`, zoo fused
            layers) that runs it, or None (a bare cell, an attention
            decoder cell run by its model's own loop).

    Example:

    ```python
    import keras
    from zoo.diagnostics import find_recurrent_cells

    model = keras.Sequential([
        keras.Input((None, 3)),
        keras.layers.Bidirectional(keras.layers.GRU(4, return_sequences=True)),
        keras.layers.LSTM(5),
    ])
    [found.path for found in find_recurrent_cells(model)]
    # ['sequential/bidirectional/forward_gru/gru_cell',
    #  'sequential/bidirectional/backward_gru/gru_cell', 'sequential/lstm/lstm_cell']
    ```
    """

    path: str
    cell: keras.layers.Layer
    layer: keras.layers.Layer = None

    @property
    def direction(self):
        """`"backward"` for an RNN layer with `go_backwards`, else `"forward"`."""
        return "backward" if getattr(self.layer, "go_backwards", False) else "forward"


def _layers_in(value, depth=0):
    if isinstance(value, keras.layers.Layer):
        return [value]
    if depth >= MAX_CONTAINER_DEPTH:
        return []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [layer for item in value for layer in _layers_in(item, depth + 1)]
    return []


def _sublayers(layer):
    if isinstance(layer, keras.layers.Bidirectional):
        return [layer.forward_layer, layer.backward_layer]
    if isinstance(layer, keras.layers.RNN):
        return [layer.cell]
    found = []
    for value in vars(layer).values():
        found.extend(_layers_in(value))
    return found


def is_recurrent_cell(layer):
    """Whether `layer` is a recurrent cell (has a `state_size`), not an RNN."""
    return hasattr(layer, "state_size") and not isinstance(
        layer, (keras.layers.RNN, keras.layers.Bidirectional)
    )


def _leaf_cells(cell, path):
    """(path, cell) of the cells inside a possibly wrapped cell."""
    if isinstance(cell, keras.layers.StackedRNNCells):
        for inner in cell.cells:
            yield from _leaf_cells(inner, f"{path}/{inner.name}")
        return
    inner = getattr(cell, "cell", None)
    if isinstance(inner, keras.layers.Layer) and is_recurrent_cell(inner):
        yield from _leaf_cells(inner, f"{path}/{inner.name}")
        return
    yield path, cell


def _has_input_kernel(cell):
    kernel = getattr(cell, "kernel", None)
    return (kernel is not None and len(kernel.shape) == 2) or bool(
        getattr(cell, "input_dim", None)
    )


def _walk(root):
    """(path, layer) of every layer reachable from `root`, parents first."""
    seen = set()
    stack = [(root.name, root)]
    while stack:
        path, layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        yield path, layer
        children = [child for child in _sublayers(layer) if id(child) not in seen]
        stack.extend((f"{path}/{child.name}", child) for child in reversed(children))


def find_rnn_layers(model):
    """(path, layer) of every `keras.layers.RNN` (and subclass) in `model`."""
    return [
        (path, layer)
        for path, layer in _walk(model)
        if isinstance(layer, keras.layers.RNN)
    ]


def find_recurrent_cells(model):
    """The recurrent cells of a model, layer or cell, in the model's order.

    Args:
        model: a `keras.Model`, a layer (an RNN, `Bidirectional`, a custom
            layer holding RNNs) or a cell.

    Returns:
        A list of `FoundCell`, one per cell (a bidirectional layer has two),
        without wrappers, skipping cells that take no input through a
        kernel (the step-function cell of a model's own decoder loop).
    """
    if not isinstance(model, keras.layers.Layer):
        raise ValueError(
            "find_recurrent_cells takes a Keras model, layer or cell, got "
            f"{type(model).__name__}."
        )
    found, claimed = [], set()
    for path, layer in _walk(model):
        if id(layer) in claimed:
            continue
        if isinstance(layer, keras.layers.RNN):
            owner, cell_root, root_path = layer, layer.cell, f"{path}/{layer.cell.name}"
        elif is_recurrent_cell(layer):
            owner, cell_root, root_path = None, layer, path
        else:
            continue
        for cell_path, cell in _leaf_cells(cell_root, root_path):
            if id(cell) not in claimed and _has_input_kernel(cell):
                found.append(FoundCell(cell_path, cell, owner))
            claimed.add(id(cell))
        claimed.add(id(cell_root))
    return found
