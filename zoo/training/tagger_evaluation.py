"""Accuracy (and chunk F1 for IOB/BIO labels) of a tagger on labeled sentences."""

import time

from zoo.training.span_f1 import is_chunk_labeling
from zoo.training.span_f1 import span_f1


def evaluate_tagger(tagger, sentences, batch_size=256):
    """Tag `sentences` and score every label column of the tagger.

    Args:
        tagger: a `zoo.models.SequenceTagger`.
        sentences: list of `zoo.data.TaggedSentence` with gold labels.
        batch_size: int. Sentences per batch, default 256.

    Returns:
        `{label_name: {"accuracy": ..., ["span_precision", "span_recall",
        "span_f1" for chunk labels]}, "tokens_per_second": ...}`. Accuracy
        is over all tokens; sentences without tokens count for nothing.
    """
    start = time.perf_counter()
    predicted = tagger.tag_all([sentence.tokens for sentence in sentences], batch_size)
    seconds = time.perf_counter() - start
    tokens = sum(len(sentence.tokens) for sentence in sentences)
    report = {}
    for name in tagger.label_names:
        gold = [sentence.labels[name] for sentence in sentences]
        guesses = [labels[name] for labels in predicted]
        correct = sum(
            g == p for gold_labels, guessed in zip(gold, guesses) for g, p in zip(gold_labels, guessed)
        )
        scores = {"accuracy": correct / tokens if tokens else 0.0}
        if is_chunk_labeling(label for labels in gold for label in labels):
            spans = span_f1(gold, guesses)
            scores.update(
                span_precision=spans["precision"],
                span_recall=spans["recall"],
                span_f1=spans["f1"],
            )
        report[name] = scores
    report["tokens_per_second"] = tokens / seconds if seconds > 0 else 0.0
    return report
