"""`check_positive_integer`: the one check of integer arguments such as sizes and counts."""

import numbers


def check_positive_integer(name, value):
    """`value` as a Python int; a ValueError naming `name` unless it is an integer >= 1.

    Python and NumPy integers pass (a size computed with NumPy is a size);
    `True` does not, though Python counts it as an integer, and neither does
    a float, even 2.0.

    Example:

    >>> check_positive_integer("epochs", 3)
    3
    >>> check_positive_integer("epochs", 0)
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer, got 0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}")
    return int(value)
