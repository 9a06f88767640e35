"""Text <-> token streams for language models: words or characters, and line breaks.

A language model reads text as one stream of tokens. At the word level a
token is a whitespace-separated word; at the character level it is one
character (spaces included). Either way a line break is the token
`LINE_BREAK` ("<eos>", the end-of-sentence token of the Penn Treebank
language-modelling data), so that a vocabulary file, which holds one token
per line, can store it, and so that both levels model where lines end.
"""

import collections

from zoo.argument_checks import check_positive_integer
from zoo.data.vocabulary import Vocabulary

LEVELS = ("word", "char")
LINE_BREAK = "<eos>"
PADDING_TOKEN = "[PAD]"
UNKNOWN_TOKEN = "[UNK]"


def check_level(level):
    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {LEVELS}, got {level!r}")
    return level


def line_tokens(line, level):
    """The tokens of one line (without its line break).

    Example:

    >>> line_tokens("the  cat sat", "word")
    ['the', 'cat', 'sat']
    >>> line_tokens("a cat", "char")
    ['a', ' ', 'c', 'a', 't']
    """
    check_level(level)
    return line.split() if level == "word" else list(line)


def text_to_tokens(text, level):
    """The token stream of a text: each line's tokens, `LINE_BREAK` between lines.

    A text ending in a newline ends in `LINE_BREAK`; `"\\r\\n"` counts as a
    line break at the word level (the `"\\r"` is whitespace), and is the
    character `"\\r"` then a line break at the character level.

    Example:

    >>> text_to_tokens("the cat\\nsat\\n", "word")
    ['the', 'cat', '<eos>', 'sat', '<eos>']
    >>> text_to_tokens("hi\\nyo", "char")
    ['h', 'i', '<eos>', 'y', 'o']
    """
    tokens = []
    lines = str(text).split("\n")
    for index, line in enumerate(lines):
        tokens.extend(line_tokens(line, level))
        if index + 1 < len(lines):
            tokens.append(LINE_BREAK)
    return tokens


def tokens_to_text(tokens, level):
    """The text of a token stream, the inverse of `text_to_tokens`.

    Words are joined by single spaces (the original spacing is not kept);
    characters are concatenated; `LINE_BREAK` becomes a newline.

    Example:

    >>> tokens_to_text(["the", "cat", "<eos>", "sat"], "word")
    'the cat\\nsat'
    >>> tokens_to_text(["h", "i", "<eos>"], "char")
    'hi\\n'
    """
    check_level(level)
    separator = " " if level == "word" else ""
    lines, line = [], []
    for token in tokens:
        if token == LINE_BREAK:
            lines.append(separator.join(line))
            line = []
        else:
            line.append(token)
    lines.append(separator.join(line))
    return "\n".join(lines)


def language_model_vocabulary(token_stream, min_count=1, max_size=None):
    """The vocabulary of a language model trained on `token_stream`.

    Ids: 0 is `PADDING_TOKEN` (masked, never a real token), 1 is
    `UNKNOWN_TOKEN` (every token seen fewer than `min_count` times, or
    beyond the `max_size` most frequent, reads as it), 2 is `LINE_BREAK`
    (always present), then the tokens by descending count, ties in
    alphabetical order, so the same text always gives the same ids.

    Args:
        token_stream: iterable of str tokens (`text_to_tokens`).
        min_count: int. Keep tokens seen at least this often, default 1.
        max_size: int or None. Keep at most this many tokens besides the
            reserved ones and the line break, default None (all).

    Example:

    >>> vocabulary = language_model_vocabulary(["b", "a", "b", "c"], min_count=2)
    >>> vocabulary.tokens
    ['[PAD]', '[UNK]', '<eos>', 'b']
    """
    check_positive_integer("min_count", min_count)
    counts = collections.Counter(token_stream)
    counts.pop(LINE_BREAK, None)
    kept = Vocabulary.build(
        counts, min_count=min_count, max_size=max_size, padding_token=None, unknown_token=None
    )
    reserved = (PADDING_TOKEN, UNKNOWN_TOKEN)
    return Vocabulary(
        [LINE_BREAK, *(token for token in kept.tokens if token not in reserved)],
        padding_token=PADDING_TOKEN,
        unknown_token=UNKNOWN_TOKEN,
    )
