"""`metrics_table`: the final summary a recipe prints, one row per metric."""

import numbers


def metrics_table(metrics, title="metric"):
    """A markdown table of nested metrics, one row per leaf value.

    Nested dicts become slash-separated names (`dev/upos_accuracy`), the
    way TensorBoard and the model cards' `headline_metric` name them. Floats
    show 6 significant digits, integers thousands separators; a list of
    numbers (a per-epoch history) shows its length, its first and last
    values and its `min` and `max` (the best epoch of an accuracy is the
    max, of a loss or perplexity the min).

    Args:
        metrics: dict of str to numbers, strings, lists or dicts of those.
        title: str. The header of the first column, default "metric".

    Returns:
        str, the table (no trailing newline); "" for no metrics.

    Example:

    >>> print(metrics_table({"dev": {"accuracy": 0.95571, "tokens": 25147},
    ...                      "per_epoch": [0.9, 0.95, 0.94], "backend": "jax"}))
    | metric | value |
    |---|---|
    | dev/accuracy | 0.95571 |
    | dev/tokens | 25,147 |
    | per_epoch | 3 values: 0.9 ... 0.94 (min 0.9, max 0.95) |
    | backend | jax |
    """
    rows = list(_leaves(metrics, ""))
    if not rows:
        return ""
    lines = [f"| {title} | value |", "|---|---|"]
    lines += [f"| {name} | {_shown(value)} |" for name, value in rows]
    return "\n".join(lines)


def _leaves(metrics, prefix):
    for name, value in metrics.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{name}/")
        else:
            yield f"{prefix}{name}", value


def _shown(value):
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    if isinstance(value, (list, tuple)):
        numeric = [v for v in value if isinstance(v, numbers.Real) and not isinstance(v, bool)]
        if not value or len(numeric) != len(value):
            return ", ".join(_shown(v) for v in value) or "(none)"
        if len(value) <= 2:
            return ", ".join(_shown(v) for v in value)
        return (
            f"{len(value)} values: {_shown(value[0])} ... {_shown(value[-1])} "
            f"(min {_shown(min(numeric))}, max {_shown(max(numeric))})"
        )
    return str(value).replace("|", "\\|").replace("\n", " ")
