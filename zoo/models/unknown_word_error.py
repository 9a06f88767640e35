"""The error raised when a word is looked up that has no vector."""


class UnknownWordError(KeyError):
    """A word is not in the vocabulary of some word vectors.

    A `KeyError`, as for a missing dict key, but `str(error)` is the plain
    message (a `KeyError` would quote it) and names the word, says how the
    vocabulary was built, and suggests a spelling that differs only in case.

    Args:
        word: the word looked up.
        message: str. The full message.

    Example:

    >>> error = UnknownWordError("Paris", "'Paris' is not in the vocabulary")
    >>> isinstance(error, KeyError), error.word, str(error)
    (True, 'Paris', "'Paris' is not in the vocabulary")
    """

    def __init__(self, word, message):
        super().__init__(message)
        self.word = word
        self.message = message

    def __str__(self):
        return self.message

    def __reduce__(self):
        return type(self), (self.word, self.message)
