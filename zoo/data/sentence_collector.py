"""`SentenceCollector`: what the line-based tagging readers share."""

from zoo.data.data_format_error import DataFormatError
from zoo.data.tagged_sentence import TaggedSentence


class SentenceCollector:
    """Gathers token lines into `TaggedSentence`s while a reader streams a file.

    A reader calls `begin(line)` on a sentence's first line (the collector
    keeps the first one until the sentence ends), `add` for every token,
    `end()` at a sentence break and `finish` at the end of the file.

    Args:
        path: str. The file, for `source` and errors.
        names: sequence of str. The label column names.
    """

    def __init__(self, path, names):
        self.path = path
        self.names = tuple(names)
        self.sentences = []
        self.start = 0
        self._reset()

    def _reset(self):
        self.tokens = []
        self.columns = [[] for _ in self.names]

    def begin(self, number):
        self.start = self.start or number

    def add(self, token, labels):
        self.tokens.append(token)
        for column, label in zip(self.columns, labels):
            column.append(label)

    def end(self):
        if self.tokens:
            labels = dict(zip(self.names, self.columns))
            self.sentences.append(
                TaggedSentence(self.tokens, labels, f"{self.path}:{self.start}")
            )
            self._reset()
        self.start = 0

    def finish(self, last_line, kind):
        """The sentences; a `DataFormatError` if there are none. `kind`
        names the lines that were missing ("word", "token")."""
        self.end()
        if not self.sentences:
            what = "the file is empty" if not last_line else (
                f"its {last_line} lines hold no {kind} lines"
            )
            raise DataFormatError(self.path, 1, f"no sentences: {what}")
        return self.sentences
