"""Chunk (span) precision, recall and F1 for IOB/BIO/BIOES labels, as conlleval."""

import re

CHUNK_LABEL = re.compile(r"^(?:[BIES]-.+|O)$")


def is_chunk_labeling(labels):
    """True when every label is `O` or `B-`/`I-`/`E-`/`S-` + a type (and one isn't `O`).

    Example:

    >>> is_chunk_labeling(["B-PER", "I-PER", "O"]), is_chunk_labeling(["NOUN", "VERB"])
    (True, False)
    """
    labels = set(labels)
    return bool(labels - {"O"}) and all(CHUNK_LABEL.match(label) for label in labels)


def _split(label):
    if label == "O":
        return "O", ""
    prefix, _, kind = label.partition("-")
    return prefix, kind


def _ends(previous_prefix, previous_kind, prefix, kind):
    """conlleval's endOfChunk: does a chunk end between the two labels?"""
    if previous_prefix in ("E", "S"):
        return True
    if previous_prefix in ("B", "I"):
        return prefix in ("B", "S", "O") or kind != previous_kind
    return False


def _starts(previous_prefix, previous_kind, prefix, kind):
    """conlleval's startOfChunk: does a chunk start at the second label?"""
    if prefix in ("B", "S"):
        return True
    if prefix in ("I", "E"):
        return previous_prefix in ("E", "S", "O") or kind != previous_kind
    return False


def chunks(labels):
    """The set of `(type, first, last)` chunks of one labeled sentence.

    Follows conlleval, so IOB1 ("I-" may start a chunk), IOB2/BIO and BIOES
    are all read correctly; an `I-` after `O` or after another type starts a
    new chunk.

    Example:

    >>> sorted(chunks(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]))
    [('LOC', 3, 3), ('LOC', 4, 4), ('ORG', 5, 5), ('PER', 0, 1)]
    """
    found = set()
    previous_prefix, previous_kind = "O", ""
    start = None
    for position, label in enumerate(list(labels) + ["O"]):
        prefix, kind = _split(label)
        if start is not None and _ends(previous_prefix, previous_kind, prefix, kind):
            found.add((previous_kind, start, position - 1))
            start = None
        if _starts(previous_prefix, previous_kind, prefix, kind):
            start = position
        previous_prefix, previous_kind = prefix, kind
    return found


def span_f1(gold_sentences, predicted_sentences):
    """Chunk precision, recall and F1 over a corpus.

    A predicted chunk counts only if its type and both boundaries equal a
    gold chunk's.

    Args:
        gold_sentences: list of label lists.
        predicted_sentences: list of label lists of the same lengths.

    Returns:
        dict with `precision`, `recall`, `f1` (0 when undefined) and the
        counts `gold`, `predicted`, `correct`.

    Example:

    >>> gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    >>> predicted = [["B-PER", "O", "O", "B-LOC"]]
    >>> span_f1(gold, predicted)["f1"]
    0.5
    """
    gold_count = predicted_count = correct = 0
    for index, (gold, predicted) in enumerate(zip(gold_sentences, predicted_sentences, strict=True)):
        if len(gold) != len(predicted):
            raise ValueError(
                f"Sentence {index}: {len(gold)} gold labels but {len(predicted)} predicted"
            )
        gold_chunks, predicted_chunks = chunks(gold), chunks(predicted)
        gold_count += len(gold_chunks)
        predicted_count += len(predicted_chunks)
        correct += len(gold_chunks & predicted_chunks)
    precision = correct / predicted_count if predicted_count else 0.0
    recall = correct / gold_count if gold_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "gold": gold_count,
        "predicted": predicted_count,
        "correct": correct,
    }
