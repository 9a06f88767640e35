"""Storing a checkpoint's float weights at a lower precision (float16).

Half-precision storage halves a checkpoint (the G2P model with its
right-to-left rescorer fits 20 MB this way). Loading needs nothing special:
Keras casts each stored array to its variable's dtype. The model is rounded
in memory first (`round_weights`), so that what was evaluated before saving
is exactly what loads.
"""

import os

import h5py
import numpy as np


def check_weights_dtype(dtype):
    """`dtype` if it is None or a float dtype a checkpoint may store, else ValueError."""
    if dtype is not None and dtype not in ("float16", "float32"):
        raise ValueError(f'`weights_dtype` must be None, "float16" or "float32", got {dtype!r}')
    return dtype


def round_weights(model, dtype):
    """Round every float32 weight of `model` to `dtype` and back, in place.

    Returns:
        The number of weights rounded.
    """
    rounded = 0
    for variable in model.weights:
        if variable.dtype == "float32":
            value = np.asarray(variable.numpy())
            variable.assign(value.astype(dtype).astype("float32"))
            rounded += 1
    return rounded


def store_weights_as(path, dtype):
    """Rewrite the `.weights.h5` file at `path` with its float32 arrays
    stored as `dtype` (groups, attributes and other arrays unchanged); the
    file is replaced only once the new one is complete."""
    temporary = f"{path}.{dtype}"
    with h5py.File(path, "r") as source, h5py.File(temporary, "w") as target:
        copy_attributes(source, target)

        def copy(name, item):
            if isinstance(item, h5py.Group):
                copy_attributes(item, target.require_group(name))
                return
            data = item[()]
            if isinstance(data, np.ndarray) and data.dtype == np.float32:
                data = data.astype(dtype)
            copy_attributes(item, target.create_dataset(name, data=data))

        source.visititems(copy)
    os.replace(temporary, path)


def copy_attributes(source, target):
    for key, value in source.attrs.items():
        target.attrs[key] = value
