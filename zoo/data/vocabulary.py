"""A two-way map between tokens (words, tags, characters) and integer ids."""

import collections
import json
import os
import uuid

from zoo.argument_checks import check_positive_integer
from zoo.data.data_format_error import DataFormatError

FORMAT = "zoo.Vocabulary"
FORMAT_VERSION = 1


class Vocabulary:
    """Tokens and their ids, with optional padding and unknown tokens.

    Ids are dense: the padding token is 0 (if there is one), the unknown
    token comes next (if there is one), then `tokens` in the given order.
    Looking up a token not in the vocabulary gives the unknown id; without
    an unknown token it is a `KeyError` (as for label vocabularies, where an
    unseen label is a bug).

    Args:
        tokens: iterable of str. The entries after the reserved ones, in id
            order; no duplicates, and none equal to a reserved token.
        padding_token: str or None. The entry with id 0, default `"[PAD]"`;
            None for no padding entry.
        unknown_token: str or None. The entry for out-of-vocabulary tokens,
            default `"[UNK]"`; None to make lookups of unknown tokens fail.

    Example:

    >>> vocabulary = Vocabulary.build([["the", "dog"], ["the", "cat"]])
    >>> vocabulary.tokens
    ['[PAD]', '[UNK]', 'the', 'cat', 'dog']
    >>> vocabulary.encode(["the", "cow"])
    [2, 1]
    >>> vocabulary.decode([2, 3])
    ['the', 'cat']
    >>> tags = Vocabulary(["NOUN", "VERB"], padding_token=None, unknown_token=None)
    >>> tags.lookup("VERB"), len(tags)
    (1, 2)
    """

    def __init__(self, tokens, padding_token="[PAD]", unknown_token="[UNK]"):
        if padding_token is not None and padding_token == unknown_token:
            raise ValueError(
                "padding_token and unknown_token must differ, both are "
                f"{padding_token!r}"
            )
        self.padding_token = padding_token
        self.unknown_token = unknown_token
        reserved = [t for t in (padding_token, unknown_token) if t is not None]
        self._tokens = [*reserved, *tokens]
        self._ids = {}
        for token_id, token in enumerate(self._tokens):
            if not isinstance(token, str):
                raise TypeError(
                    f"Vocabulary tokens are str, got {token!r} ({type(token).__name__})"
                )
            if token in self._ids:
                what = "a reserved token" if token in reserved else "given twice"
                raise ValueError(f"Duplicate vocabulary token {token!r}: {what}")
            self._ids[token] = token_id

    @classmethod
    def build(
        cls,
        sequences_or_tokens_counter,
        min_count=1,
        max_size=None,
        padding_token="[PAD]",
        unknown_token="[UNK]",
    ):
        """A vocabulary of the most frequent tokens in some data.

        Tokens are ordered by descending count, ties alphabetically, so the
        same data always gives the same ids. Occurrences of the reserved
        tokens in the data are not counted.

        Args:
            sequences_or_tokens_counter: an iterable of token sequences
                (e.g. a list of sentences, each a list of str), or a
                `collections.Counter` of tokens.
            min_count: int. Keep only tokens seen at least this often,
                default 1.
            max_size: int or None. Keep at most this many tokens (besides the
                reserved ones), the most frequent; None for no cap.
            padding_token: str or None. As in the constructor.
            unknown_token: str or None. As in the constructor.

        Example:

        >>> words = [["a", "b", "a"], ["c", "b", "a"]]
        >>> Vocabulary.build(words, max_size=2, padding_token=None).tokens
        ['[UNK]', 'a', 'b']
        """
        min_count = check_positive_integer("min_count", min_count)
        if max_size is not None and max_size < 0:
            raise ValueError(f"max_size must be None or non-negative, got {max_size}")
        if isinstance(sequences_or_tokens_counter, collections.Counter):
            counts = sequences_or_tokens_counter
        else:
            counts = collections.Counter()
            for sequence in sequences_or_tokens_counter:
                if isinstance(sequence, str):
                    raise TypeError(
                        "Vocabulary.build takes sequences of tokens such as "
                        f"[['the', 'dog']], but got the str {sequence!r}; "
                        "wrap a flat list of tokens in a list"
                    )
                counts.update(sequence)
        reserved = {padding_token, unknown_token}
        kept = [
            (-count, token)
            for token, count in counts.items()
            if count >= min_count and token not in reserved
        ]
        kept.sort()
        if max_size is not None:
            kept = kept[:max_size]
        return cls(
            [token for _, token in kept],
            padding_token=padding_token,
            unknown_token=unknown_token,
        )

    def extended(self, tokens):
        """This vocabulary with `tokens` it lacks appended: old ids are kept.

        For fine-tuning: a model's embedding rows and output columns stay
        valid for the old entries, and the new ones get the ids after them,
        in the order given (duplicates and known tokens skipped).

        Example:

        >>> old = Vocabulary(["the", "dog"])
        >>> new = old.extended(["cat", "the", "cat"])
        >>> new.tokens
        ['[PAD]', '[UNK]', 'the', 'dog', 'cat']
        >>> new.lookup("dog") == old.lookup("dog")
        True
        """
        added = [token for token in dict.fromkeys(tokens) if token not in self._ids]
        return Vocabulary(
            [*self._tokens[self._reserved_count():], *added],
            padding_token=self.padding_token,
            unknown_token=self.unknown_token,
        )

    def __len__(self):
        return len(self._tokens)

    def __contains__(self, token):
        return token in self._ids

    def __iter__(self):
        return iter(self._tokens)

    def __eq__(self, other):
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (
            self._tokens == other._tokens
            and self.padding_token == other.padding_token
            and self.unknown_token == other.unknown_token
        )

    __hash__ = None

    def __repr__(self):
        return (
            f"Vocabulary({len(self)} entries, padding_token={self.padding_token!r}, "
            f"unknown_token={self.unknown_token!r})"
        )

    @property
    def tokens(self):
        """Every entry in id order, the reserved ones included (a new list)."""
        return list(self._tokens)

    @property
    def padding_id(self):
        """The id of the padding token (0), or None without one."""
        return None if self.padding_token is None else self._ids[self.padding_token]

    @property
    def unknown_id(self):
        """The id of the unknown token, or None without one."""
        return None if self.unknown_token is None else self._ids[self.unknown_token]

    def lookup(self, token):
        """The id of `token`: the unknown id if it is not in the vocabulary.

        Raises:
            KeyError: `token` is not in the vocabulary, which has no
                unknown token.
        """
        token_id = self._ids.get(token)
        if token_id is not None:
            return token_id
        if self.unknown_token is None:
            raise KeyError(
                f"{token!r} is not in this vocabulary of {len(self)} entries "
                "(it has no unknown token)"
            )
        return self._ids[self.unknown_token]

    def encode(self, tokens):
        """The ids of `tokens`, a list of int (see `lookup`)."""
        return [self.lookup(token) for token in tokens]

    def decode(self, ids):
        """The tokens of `ids` (ints, numpy ints included), a list of str.

        Raises:
            IndexError: an id is not in `range(len(self))`.
        """
        tokens = []
        for token_id in ids:
            token_id = int(token_id)
            if not 0 <= token_id < len(self._tokens):
                raise IndexError(
                    f"id {token_id} is not in this vocabulary of {len(self)} "
                    f"entries (ids 0 to {len(self) - 1})"
                )
            tokens.append(self._tokens[token_id])
        return tokens

    def save(self, path):
        """Write the vocabulary to a UTF-8 text file, atomically.

        The first line is a JSON header naming the reserved tokens; each
        further line is one entry, in id order after the reserved ones.
        The file is written beside `path` and then renamed over it, so a
        crash never leaves half a vocabulary.

        Raises:
            ValueError: a token contains a newline, which the one-entry-per-
                line format cannot hold, or cannot be written as UTF-8.

        Example:

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "words.txt")
        >>> Vocabulary(["New York", "café"]).save(path)
        >>> Vocabulary.load(path).tokens
        ['[PAD]', '[UNK]', 'New York', 'café']
        """
        path = os.fspath(path)
        entries = self._tokens[self._reserved_count() :]
        for token in entries:
            if "\n" in token:
                raise ValueError(
                    f"Cannot save the token {token!r}: it contains a newline, "
                    "and a vocabulary file holds one token per line"
                )
            try:
                token.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(
                    f"Cannot save the token {token!r}: it is not valid Unicode "
                    "(a lone surrogate) and cannot be written as UTF-8"
                ) from None
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "padding_token": self.padding_token,
            "unknown_token": self.unknown_token,
            "size": len(self),
        }
        text = json.dumps(header, ensure_ascii=False) + "\n"
        text += "".join(token + "\n" for token in entries)
        temporary = f"{path}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            with open(temporary, "x", encoding="utf-8", newline="") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise

    @classmethod
    def load(cls, path):
        """Read a vocabulary written by `save`.

        Raises:
            FileNotFoundError: there is no such file.
            DataFormatError: the file is not a saved vocabulary, or was cut
                short.
        """
        path = os.fspath(path)
        with open(path, encoding="utf-8", newline="") as file:
            text = file.read()
        header_line, _, body = text.partition("\n")
        try:
            header = json.loads(header_line)
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise DataFormatError(
                path, 1, f"not a saved {FORMAT}: the first line is not its JSON header"
            )
        if header.get("version") != FORMAT_VERSION:
            raise DataFormatError(
                path,
                1,
                f"{FORMAT} file version {header.get('version')!r}; this zoo "
                f"reads version {FORMAT_VERSION}",
            )
        if body and not body.endswith("\n"):
            raise DataFormatError(
                path,
                body.count("\n") + 2,
                "the last entry has no newline: the file is cut short",
            )
        entries = body.split("\n")[:-1]
        seen = {header.get("padding_token"), header.get("unknown_token")}
        for line, token in enumerate(entries, start=2):
            if token in seen:
                message = f"the token {token!r} is listed twice"
                raise DataFormatError(path, line, message)
            seen.add(token)
        vocabulary = cls(
            entries,
            padding_token=header.get("padding_token"),
            unknown_token=header.get("unknown_token"),
        )
        if len(vocabulary) != header.get("size"):
            raise DataFormatError(
                path,
                len(entries) + 1,
                f"the header says {header.get('size')} entries, the file holds "
                f"{len(vocabulary)}",
            )
        return vocabulary

    def _reserved_count(self):
        return (self.padding_token is not None) + (self.unknown_token is not None)
