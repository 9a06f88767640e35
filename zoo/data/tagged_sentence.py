"""A sentence with one or more labels per token: what every tagging reader returns."""

import dataclasses


@dataclasses.dataclass
class TaggedSentence:
    """Tokens and their labels, one label per token in each label column.

    The readers (`read_conllu`, `read_conll`, `read_tfds`) all return lists
    of these, so a tagger trains on any of them alike. `len(sentence)` is the
    number of tokens.

    Args:
        tokens: list of str. The words (CoNLL-U: the FORM column).
        labels: dict of str to list of str. Label column name (e.g. `"upos"`)
            to one label per token.
        source: str. `"path:line"` of the sentence's first line in its file
            (a comment line in CoNLL-U), for error messages; `""` if the
            sentence does not come from a file.

    Raises:
        ValueError: a label column does not have one label per token.

    Example:

    >>> sentence = TaggedSentence(["The", "dog"], {"upos": ["DET", "NOUN"]})
    >>> len(sentence), sentence.labels["upos"][1], sentence.source
    (2, 'NOUN', '')
    """

    tokens: list[str]
    labels: dict[str, list[str]]
    source: str = ""

    def __post_init__(self):
        for name, column in self.labels.items():
            if len(column) != len(self.tokens):
                where = f" at {self.source}" if self.source else ""
                raise ValueError(
                    f"The sentence{where} has {len(self.tokens)} tokens but "
                    f"{len(column)} {name!r} labels; it needs one per token"
                )

    def __len__(self):
        return len(self.tokens)
