"""`check_positive_integer`: the one check of integer arguments such as sizes and counts."""


def check_positive_integer(name, value):
    """Raise a ValueError naming `name` unless `value` is an int >= 1.

    `True` is not an integer here, though Python counts it as one.

    Example:

    >>> check_positive_integer("epochs", 3)
    >>> check_positive_integer("epochs", 0)
    Traceback (most recent call last):
    ...
    ValueError: `epochs` must be a positive integer, got 0
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}")
