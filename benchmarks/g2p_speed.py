"""Transcription speed (words/s) of the G2P model, greedy and beam search.

    python benchmarks/g2p_speed.py                          # shipped checkpoint, CMUdict test
    KERAS_BACKEND=jax python benchmarks/g2p_speed.py --beam-widths 1,5,10

Times `g2p.transduce(words, beam_width=...)` on the CMUdict test split
(12,488 words, `zlib.crc32(word) % 10 == 0`) at several batch sizes, after
one warm-up pass that compiles every batch shape; the time is the whole
call a user makes (encoding the letters, the compiled search, decoding the
phones), the best of `--repeats`. The word error rate of each setting is
printed beside its speed. Writes JSON and prints a markdown table. The issue's
target: >= 500 words/s with beam 5 on CPU.
"""

import argparse
import json
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import zoo  # noqa: E402
from zoo.data.cmudict_reader import read_cmudict  # noqa: E402
from zoo.data.cmudict_split import cmudict_splits  # noqa: E402
from zoo.training.g2p_metrics import evaluate_g2p  # noqa: E402


def transcription_speed(model, words, beam_width, batch_size, repeats):
    predictions = model.transduce(words, beam_width=beam_width, batch_size=batch_size)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        model.transduce(words, beam_width=beam_width, batch_size=batch_size)
        best = min(best, time.perf_counter() - start)
    return len(words) / best, predictions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="g2p_cmudict_en")
    parser.add_argument("--beam-widths", default="1,5")
    parser.add_argument("--batch-sizes", default="256,64")
    parser.add_argument("--max-words", type=int, default=0, help="0: the whole test split")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/g2p_speed.json")
    args = parser.parse_args()

    model = zoo.load(args.model)
    test = cmudict_splits(read_cmudict())["test"]
    words = list(test)[: args.max_words or None]
    references = [test[word] for word in words]
    rows = []
    for beam_width in [int(width) for width in args.beam_widths.split(",")]:
        for batch_size in [int(size) for size in args.batch_sizes.split(",")]:
            speed, predictions = transcription_speed(
                model, words, beam_width, batch_size, args.repeats
            )
            wer = evaluate_g2p(predictions, references)["wer_no_stress"]
            rows.append({
                "beam_width": beam_width,
                "batch_size": batch_size,
                "words_per_second": round(speed),
                "test_wer_no_stress": round(wer, 4),
            })
            print(rows[-1], flush=True)
    result = {
        "model": args.model,
        "words": len(words),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2)
    print(f"\n{args.model} on {result['backend']}, {result['machine']}, {result['date']}, "
          f"{len(words):,} CMUdict test words\n")
    print("| beam | batch | words/s | test WER (no stress) |\n|---|---|---|---|")
    for row in rows:
        print(f"| {row['beam_width']} | {row['batch_size']} | {row['words_per_second']:,} "
              f"| {row['test_wer_no_stress']:.4f} |")


if __name__ == "__main__":
    main()
