"""The error raised for a checkpoint that cannot be trusted or found."""


class CheckpointError(ValueError):
    """A checkpoint folder is missing, incomplete, tampered with or unknown.

    The message always names the checkpoint and, where one is at fault, the
    file.

    Example:

    >>> import zoo
    >>> try:
    ...     zoo.load("no_such_model")
    ... except CheckpointError as error:
    ...     print("no_such_model" in str(error))
    True
    """
