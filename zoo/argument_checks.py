"""The checks of numeric arguments: `check_positive_integer` for sizes and counts,
`check_positive_number` for amounts such as an epsilon, a bound or a time budget,
`check_non_negative_number` for amounts where 0 means "off", such as a noise
level or a weight."""

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


def check_positive_number(name, value):
    """`value` as a Python float; a ValueError naming `name` unless it is a real number > 0.

    Python and NumPy integers and floats pass; `True`, strings such as
    `"1e-3"`, NaN, zero and negative numbers do not.

    Example:

    >>> check_positive_number("epsilon", 1e-3)
    0.001
    >>> check_positive_number("epsilon", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: `epsilon` must be a positive number, got nan
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"`{name}` must be a positive number, got {value!r}")
    return float(value)


def check_non_negative_number(name, value):
    """`value` as a Python float; a ValueError naming `name` unless it is a real number >= 0.

    As `check_positive_number`, but 0 passes: for amounts where 0 switches
    something off (a noise level, a rescoring weight, a spacing in seconds).

    Example:

    >>> check_non_negative_number("state_noise", 0)
    0.0
    >>> check_non_negative_number("state_noise", -0.5)
    Traceback (most recent call last):
    ...
    ValueError: `state_noise` must be a non-negative number, got -0.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
        raise ValueError(f"`{name}` must be a non-negative number, got {value!r}")
    return float(value)
