"""Word and phone error rates of a grapheme-to-phoneme model, with and without stress.

A word may have several correct pronunciations (`read_cmudict` keeps them
all), so each word has a list of references. The G2P literature (Yao & Zweig
2015, Toshniwal & Livescu 2016, Phonetisaurus) reports both rates with the
vowels' stress digits stripped; `evaluate_g2p` gives both variants.
"""

from zoo.data.arpabet import strip_stress
from zoo.training.edit_distance import edit_distance


def word_error_rate(predictions, references):
    """The fraction of words whose prediction equals none of their references.

    Args:
        predictions: list of phone sequences (tuples or lists of str), one
            per word.
        references: list, one per word, of the non-empty list of its correct
            pronunciations, each a phone sequence.

    Returns:
        float in [0, 1].

    Raises:
        TypeError: a pronunciation is a str rather than a phone sequence.
        ValueError: the lists differ in length or are empty, or a word has
            no reference, or a reference is empty.

    Example:

    >>> references = [[("T", "AH0", "M", "EY1", "T", "OW2"), ("T", "AH0", "M", "AA1", "T", "OW2")],
    ...               [("K", "AE1", "T")]]
    >>> word_error_rate([("T", "AH0", "M", "AA1", "T", "OW2"), ("K", "AA1", "T")], references)
    0.5
    """
    wrong, _, _, words = _errors(_checked(predictions, references))
    return wrong / words


def phone_error_rate(predictions, references):
    """Phone edits to the closest reference, over the phones of those references.

    For each word the closest reference is the one at the smallest
    Levenshtein distance from the prediction; among equally close ones, the
    shortest (so a tie never lowers the rate). The rate is the sum of those
    distances over the sum of those references' lengths. It can exceed 1
    when predictions are much longer than their references.

    Args:
        predictions: list of phone sequences (tuples or lists of str), one
            per word.
        references: list, one per word, of the non-empty list of its correct
            pronunciations, each a non-empty phone sequence.

    Returns:
        float, 0 when every prediction equals one of its references.

    Raises:
        TypeError: a pronunciation is a str rather than a phone sequence.
        ValueError: the lists differ in length or are empty, or a word has
            no reference, or a reference is empty.

    Example:

    >>> references = [[("K", "AE1", "T")], [("D", "AO1", "G"), ("D", "AA1", "G")]]
    >>> phone_error_rate([("K", "AE1", "T", "S"), ("D", "AA1", "G")], references)
    0.16666666666666666
    """
    _, edits, phones, _ = _errors(_checked(predictions, references))
    return edits / phones


def evaluate_g2p(predictions, references):
    """WER and PER, with stress digits and with them stripped.

    Stripped, `AH0`, `AH1` and `AH2` are all `AH`, both in the predictions
    and in the references: the literature's usual numbers.

    Args:
        predictions: list of phone sequences (tuples or lists of str), one
            per word.
        references: list, one per word, of the non-empty list of its correct
            pronunciations, each a non-empty phone sequence.

    Returns:
        dict with `words` (the number of words) and the float rates `wer`,
        `per`, `wer_no_stress` and `per_no_stress` (see `word_error_rate` and
        `phone_error_rate`).

    Raises:
        TypeError: a pronunciation is a str rather than a phone sequence.
        ValueError: the lists differ in length or are empty, or a word has
            no reference, or a reference is empty.

    Example:

    >>> scores = evaluate_g2p([("K", "AE2", "T")], [[("K", "AE1", "T")]])
    >>> scores["wer"], scores["wer_no_stress"], scores["per_no_stress"], scores["words"]
    (1.0, 0.0, 0.0, 1)
    """
    pairs = _checked(predictions, references)
    wrong, edits, phones, words = _errors(pairs)
    unstressed = [
        (strip_stress(prediction), [strip_stress(r) for r in options])
        for prediction, options in pairs
    ]
    wrong_no_stress, edits_no_stress, phones_no_stress, _ = _errors(unstressed)
    return {
        "words": words,
        "wer": wrong / words,
        "per": edits / phones,
        "wer_no_stress": wrong_no_stress / words,
        "per_no_stress": edits_no_stress / phones_no_stress,
    }


def _errors(pairs):
    """(wrong words, phone edits, closest reference phones, words)."""
    wrong = edits = phones = 0
    for prediction, options in pairs:
        wrong += prediction not in options
        distance, length = min(
            (edit_distance(prediction, option), len(option)) for option in options
        )
        edits += distance
        phones += length
    return wrong, edits, phones, len(pairs)


def _checked(predictions, references):
    """`[(prediction, [reference, ...]), ...]` with every phone sequence a tuple."""
    predictions, references = list(predictions), list(references)
    if len(predictions) != len(references):
        raise ValueError(
            f"{len(predictions)} predictions but {len(references)} reference "
            "lists; give one list of references per word"
        )
    if not predictions:
        raise ValueError("No words to score: predictions and references are empty")
    pairs = []
    for index, (prediction, options) in enumerate(zip(predictions, references)):
        if isinstance(options, str):
            raise TypeError(
                f"references[{index}] is the str {options!r}; it must be a "
                "list of pronunciations, each a sequence of phones"
            )
        options = [_phones(option, f"references[{index}]") for option in options]
        if not options:
            raise ValueError(
                f"references[{index}] is empty; every word needs at least one "
                "reference pronunciation"
            )
        if not all(options):
            raise ValueError(f"references[{index}] has an empty pronunciation")
        pairs.append((_phones(prediction, f"predictions[{index}]"), options))
    return pairs


def _phones(pronunciation, where):
    if isinstance(pronunciation, str):
        raise TypeError(
            f"{where} holds the str {pronunciation!r}; a pronunciation is a "
            "sequence of phones such as ('K', 'AE1', 'T') (to score one "
            "reference per word, wrap it in a list: [('K', 'AE1', 'T')])"
        )
    return tuple(pronunciation)
