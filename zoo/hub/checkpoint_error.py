"""The error raised for a checkpoint that cannot be trusted or found."""


class CheckpointError(ValueError):
    """A checkpoint folder is missing, incomplete, tampered with or unknown.

    The message always names the checkpoint and, where one is at fault, the
    file.
    """
