"""`with_regularization`: a model config with other dropout rates, for fine-tuning."""


def with_regularization(config, regularization, names):
    """`config` with the arguments in `regularization` replaced.

    Fine-tuning builds a grown copy of a checkpoint from its config. The
    architecture is the checkpoint's, but the rates that hold no weight
    (dropout) may change: a small fine-tuning set wants more of it.

    Args:
        config: dict, a model's `get_config()`.
        regularization: dict of argument name to value, or None (no change).
        names: the arguments that may change, e.g. `("dropout",)`.

    Returns:
        A new dict.

    Raises:
        ValueError: a name outside `names` (a weight shape, say, cannot
            change when fine-tuning).

    Example:

    >>> with_regularization({"units": 8, "dropout": 0.2}, {"dropout": 0.4}, ("dropout",))
    {'units': 8, 'dropout': 0.4}
    """
    regularization = dict(regularization or {})
    unknown = sorted(set(regularization) - set(names))
    if unknown:
        raise ValueError(
            f"Cannot change {unknown} when fine-tuning: only the regularization "
            f"arguments {list(names)} can change (the architecture is the checkpoint's)"
        )
    return {**config, **regularization}
