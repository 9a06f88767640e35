"""Tagging speed (tokens/s) and training time per epoch of the POS tagger.

    python benchmarks/tagger_speed.py                       # shipped checkpoint, EWT dev
    python benchmarks/tagger_speed.py --train-steps 50      # + training time per epoch

Tagging: `tagger.tag` on the EWT dev sentences (25,147 tokens) at several
batch sizes, after one warm-up pass that compiles every batch shape; the
time includes encoding the tokens and decoding the tags (the whole `tag`
call a user makes). Training: `--train-steps` steps of the recipe's
training step on EWT train batches (after a warm-up pass over every batch
shape), scaled to one epoch. Writes JSON and prints a markdown table.
"""

import argparse
import json
import os
import platform
import random
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import zoo  # noqa: E402
from zoo.data.conllu_reader import read_conllu  # noqa: E402
from zoo.training.tagger_batches import TaggerBatches  # noqa: E402

EWT = "../shared/data/ud-en-ewt"


def tagging_speed(tagger, token_lists, batch_size, repeats):
    tagger.tag(token_lists, batch_size=batch_size)  # compile every shape
    tokens = sum(len(tokens) for tokens in token_lists)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tagger.tag(token_lists, batch_size=batch_size)
        best = min(best, time.perf_counter() - start)
    return tokens / best


def training_seconds_per_epoch(tagger, train, steps, batch_size):
    tagger.compile(
        optimizer=keras.optimizers.Adam(1e-4),
        jit_compile=keras.backend.backend() != "torch",
    )
    batches = TaggerBatches(tagger, train, batch_size=batch_size, seed=0)
    for index in range(len(batches)):  # compile every shape once
        tagger.train_on_batch(*batches[index])
    # A random sample of batches has the epoch's mix of lengths.
    order = list(range(len(batches)))
    random.Random(0).shuffle(order)
    start = time.perf_counter()
    for index in order[:steps]:
        tagger.train_on_batch(*batches[index])
    seconds = time.perf_counter() - start
    return seconds / min(steps, len(order)) * len(batches)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="pos_tagger_ewt_en")
    parser.add_argument("--dev", default=f"{EWT}/en_ewt-ud-dev.conllu")
    parser.add_argument("--train", default=f"{EWT}/en_ewt-ud-train.conllu")
    parser.add_argument("--batch-sizes", default="256,64,16")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--train-steps", type=int, default=0, help="0: skip training")
    parser.add_argument("--out", default="benchmarks/results/tagger_speed.json")
    args = parser.parse_args()

    tagger = zoo.load(args.model)
    dev = read_conllu(args.dev, label_columns=tuple(tagger.label_names))
    token_lists = [sentence.tokens for sentence in dev]
    rows = []
    for batch_size in [int(size) for size in args.batch_sizes.split(",")]:
        speed = tagging_speed(tagger, token_lists, batch_size, args.repeats)
        rows.append({"measure": f"tag, batch {batch_size}", "value": round(speed), "unit": "tokens/s"})
        print(rows[-1])
    if args.train_steps:
        train = read_conllu(args.train, label_columns=tuple(tagger.label_names))
        seconds = training_seconds_per_epoch(tagger, train, args.train_steps, 32)
        rows.append({"measure": "train epoch (EWT, batch 32)", "value": round(seconds), "unit": "s"})
        print(rows[-1])
    result = {
        "model": args.model,
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "rows": rows,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2)
    print(f"\n{args.model} on {result['backend']}, {result['machine']}, {result['date']}\n")
    print("| measure | value |\n|---|---|")
    for row in rows:
        print(f"| {row['measure']} | {row['value']:,} {row['unit']} |")


if __name__ == "__main__":
    main()
