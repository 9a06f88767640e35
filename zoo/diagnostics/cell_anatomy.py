"""`CellAnatomy`: the layout of a recurrent cell, as the diagnostics read it."""

import dataclasses

import keras
import numpy as np


def _known_layouts():
    """(cell classes, gate blocks, activation calls, states), read off each cell.

    Gate blocks are the column blocks of the fused recurrent kernel, in
    order. Activation calls are what each call of `activation` /
    `recurrent_activation` computes, in the order one step makes them
    (checked against the number of calls a step really makes).
    """
    from zoo import layers

    lstm_calls = ("i", "f", "candidate", "o", "output")
    return (
        (
            (keras.layers.LSTMCell, layers.PeepholeLSTMCell, layers.LayerNormLSTMCell),
            ("i", "f", "c", "o"),
            lstm_calls,
            ("h", "c"),
        ),
        (
            (layers.CIFGLSTMCell,),
            ("f", "c", "o"),
            ("f", "candidate", "o", "output"),
            ("h", "c"),
        ),
        ((keras.layers.GRUCell,), ("z", "r", "h"), ("z", "r", "candidate"), ("h",)),
        (
            (layers.CoupledGRUCell, layers.LayerNormGRUCell),
            ("z", "r", "g"),
            ("z", "r", "candidate"),
            ("h",),
        ),
        (
            (keras.layers.SimpleRNNCell, layers.LayerNormSimpleRNNCell),
            ("h",),
            ("h",),
            ("h",),
        ),
    )


@dataclasses.dataclass(frozen=True)
class CellAnatomy:
    """What the diagnostics need to know about a cell: sizes and gate names.

    Gated cells keep their gates side by side in one fused recurrent kernel
    U [units, k * units] (h_prev @ U, then split into k blocks). The order
    is each cell's own: Keras' `LSTMCell` and the zoo LSTM cells use
    i, f, c, o; `CIFGLSTMCell` f, c, o (no input gate); Keras' `GRUCell`
    z, r, h and the zoo GRU cells z, r, g; a SimpleRNN has one block h.
    Cells the table does not know get `block0`, `block1`, ...

    Attributes:
        cell_class: str. The cell's class name.
        units: int. Size of h, the first state (the cell's output).
        input_dim: int. Features of one step's input.
        state_names: tuple of str. `("h",)` or `("h", "c")` (LSTMs).
        state_sizes: tuple of int, one per state.
        gate_names: tuple of str, one per block of the recurrent kernel;
            empty for a cell without a `recurrent_kernel`.
        activation_names: tuple of str or None. What each activation call
            of one step computes, in call order (`"i"`, `"f"`,
            `"candidate"`, `"o"`, `"output"` for an LSTM); None when
            unknown.

    Example:

    ```python
    import keras
    from zoo.diagnostics import describe_cell

    cell = keras.layers.LSTMCell(4)
    cell.build((None, 3))
    anatomy = describe_cell(cell)
    anatomy.gate_names     # ('i', 'f', 'c', 'o')
    anatomy.state_sizes    # (4, 4)
    ```
    """

    cell_class: str
    units: int
    input_dim: int
    state_names: tuple
    state_sizes: tuple
    gate_names: tuple
    activation_names: tuple = None

    @property
    def state_size(self):
        """Size of all states together."""
        return sum(self.state_sizes)


def state_sizes(cell):
    """The cell's state sizes as a flat tuple of ints."""
    if not hasattr(cell, "state_size"):
        raise ValueError(
            f"{type(cell).__name__} is not a recurrent cell: it has no "
            "`state_size`. Pass a cell such as keras.layers.LSTMCell or a "
            "zoo.layers cell, or a model that contains one."
        )
    return tuple(int(size) for size in keras.tree.flatten(cell.state_size))


def recurrent_kernel(cell):
    """The recurrent kernel U the cell computes with, as numpy, or None.

    Weight-normalized zoo cells give their effective kernel g * v / ||v||.
    """
    if hasattr(cell, "effective_recurrent_kernel"):
        kernel = cell.effective_recurrent_kernel()
    else:
        kernel = getattr(cell, "recurrent_kernel", None)
    if kernel is None:
        return None
    return np.asarray(keras.ops.convert_to_numpy(kernel), dtype=np.float64)


def _input_dim(cell, input_dim):
    kernel = getattr(cell, "kernel", None)
    known = None
    if kernel is not None and len(kernel.shape) == 2:
        known = int(kernel.shape[0])
    elif getattr(cell, "input_dim", None):
        known = int(cell.input_dim)
    if input_dim is not None:
        if known is not None and int(input_dim) != known:
            raise ValueError(
                f"{type(cell).__name__} {cell.name!r} takes {known} input "
                f"features; got input_dim={input_dim}."
            )
        return int(input_dim)
    if known is not None:
        return known
    raise ValueError(
        f"Cannot tell how many input features {type(cell).__name__} "
        f"{cell.name!r} takes: it has no 2D `kernel` (is it built?). Build "
        "it (`cell.build((None, features))`) or pass `input_dim`."
    )


def describe_cell(cell, input_dim=None):
    """The `CellAnatomy` of a (built) recurrent cell.

    Args:
        cell: a recurrent cell (`state_size`, `call(inputs, states)`).
        input_dim: int. Input features, default: read from `cell.kernel`
            (a different value is a ValueError).
    """
    sizes = state_sizes(cell)
    features = _input_dim(cell, input_dim)
    for classes, gates, calls, states in _known_layouts():
        if isinstance(cell, classes) and len(states) == len(sizes):
            return CellAnatomy(
                type(cell).__name__, sizes[0], features, states, sizes, gates, calls
            )
    kernel = recurrent_kernel(cell)
    gates = ()
    if kernel is not None and kernel.ndim == 2 and kernel.shape[1] % kernel.shape[0] == 0:
        gates = tuple(f"block{k}" for k in range(kernel.shape[1] // kernel.shape[0]))
    states = ("h",) + tuple(f"state{k}" for k in range(1, len(sizes)))
    return CellAnatomy(type(cell).__name__, sizes[0], features, states, sizes, gates)
