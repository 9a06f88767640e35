"""Levenshtein edit distance between two sequences (of phones, characters, ...)."""


def edit_distance(first, second):
    """The fewest insertions, deletions and substitutions that turn one sequence into the other.

    Every edit costs 1; items are compared with `==`. Dynamic programming in
    O(len(first) * len(second)) time and O(min of the lengths) memory.

    Args:
        first: sequence. For phones, a tuple or list of str.
        second: sequence.

    Returns:
        int, from `abs(len(first) - len(second))` to
        `max(len(first), len(second))`; 0 exactly when the sequences are equal.

    Example:

    >>> edit_distance(("K", "AE1", "T"), ("K", "AA1", "T", "S"))
    2
    >>> edit_distance("kitten", "sitting")
    3
    """
    first, second = list(first), list(second)
    if len(first) < len(second):
        first, second = second, first
    previous = list(range(len(second) + 1))
    for row, item in enumerate(first, start=1):
        current = [row]
        for column, other in enumerate(second, start=1):
            current.append(
                min(
                    previous[column] + 1,  # delete item
                    current[column - 1] + 1,  # insert other
                    previous[column - 1] + (item != other),  # substitute
                )
            )
        previous = current
    return previous[-1]
