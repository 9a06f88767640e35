"""The lectures' argument for recurrence, measured: MLPs vs the RNN adder and parity RNN.

    python benchmarks/adder_vs_mlp.py                  # 8-bit MLP adders, 16-bit MLP parity
    python benchmarks/adder_vs_mlp.py --widths 16 --parity-width 0 --steps 10000

An MLP on fixed-width inputs sees every bit position as a separate input, so
it must learn addition (or parity) separately at each position, from data
that covers them all, and it has no input for a longer number at all. An RNN
applies one learned step at every position: the shipped `binary_adder` was
trained on the 64 pairs of numbers of at most 3 bits, the shipped `parity`
on the 256 strings of 8 bits.

Addition: for each width n in `--widths`, an MLP 2n -> 128 -> 128 -> n+1
(ReLU, sigmoid outputs, binary cross-entropy, Adam 3e-3, `--steps` batches
of 128 drawn from its training set) reads the bits of a and b and writes the
n+1 bits of a + b; it is trained on nested random sets of `--sizes` distinct
pairs of n-bit numbers, then scored on exact sums:

- train: its own training pairs;
- held-out: 2,000 pairs of n-bit numbers in none of the training sets;
- zero-padded: every pair of numbers of at most n/2 bits, zero-padded to n
  bits (what zero-padding can do: give the MLP shorter numbers; whether
  it gets them right depends on its having learned that corner of its
  input; the larger training sets hold some of these pairs);
- 2n-bit and 1,000-bit numbers: what zero-padding cannot do. The MLP has
  2n inputs and n+1 outputs; a longer number has no place to go (dropping
  its high bits is not addition), so the MLP has no answer ("-").

The RNN adder is scored on the same held-out and zero-padded pairs, and on
2,000 random 2n-bit and 200 random 1,000-bit pairs. Parity: the same for an
MLP n -> 128 -> 128 -> 1 on n-bit strings (`--parity-width`, default 16)
against the shipped parity RNN. Prints markdown tables and writes JSON.
"""

import argparse
import json
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import zoo  # noqa: E402
from zoo.data.binary_numbers import addition_sequences  # noqa: E402
from zoo.data.binary_numbers import random_addition_pairs  # noqa: E402
from zoo.data.parity_strings import random_bit_strings  # noqa: E402
from zoo.models.parity_rnn import ParityRNN  # noqa: F401, E402  (registers it for zoo.load)

HELD_OUT = 2000
BATCH = 128
HIDDEN = 128
LEARNING_RATE = 3e-3


# ---- data ------------------------------------------------------------------


def distinct_numbers(count, bits, rng, columns=1):
    """`count` distinct rows of `columns` random `bits`-bit numbers."""
    if count > (1 << (bits * columns)):
        raise ValueError(f"only {1 << (bits * columns)} distinct rows of {bits}-bit numbers")
    seen, rows = set(), []
    while len(rows) < count:
        for row in map(tuple, rng.integers(0, 1 << bits, size=(count, columns)).tolist()):
            if row not in seen and len(rows) < count:
                seen.add(row)
                rows.append(row)
    return rows


def addition_arrays(pairs, width):
    """MLP inputs `[n, 2 * width]` (bits of a, then of b, LSB first), targets `[n, width + 1]`."""
    bit_pairs, sum_bits = addition_sequences(pairs, length=width + 1)
    inputs = np.concatenate([bit_pairs[:, :width, 0], bit_pairs[:, :width, 1]], axis=1)
    return inputs, sum_bits


def parity_arrays(strings):
    bits = np.array([[int(c) for c in text] for text in strings], np.float32)
    return bits, bits.sum(axis=1, keepdims=True) % 2


# ---- the MLP ---------------------------------------------------------------


def train_mlp(inputs, targets, steps, seed):
    keras.utils.set_random_seed(seed)
    mlp = keras.Sequential([
        keras.Input((inputs.shape[1],)),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(HIDDEN, activation="relu"),
        keras.layers.Dense(targets.shape[1], activation="sigmoid"),
    ])
    mlp.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy",
                jit_compile=keras.backend.backend() != "torch")
    # `steps` batches drawn with replacement: the same number of updates
    # whatever the training-set size.
    draws = np.random.default_rng(seed).integers(0, len(inputs), steps * BATCH)
    mlp.fit(inputs[draws], targets[draws], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    return mlp


def exact(mlp, inputs, targets):
    predicted = keras.ops.convert_to_numpy(mlp(inputs)) > 0.5
    return float(np.all(predicted == (targets > 0.5), axis=1).mean())


# ---- addition --------------------------------------------------------------


def adder_exact(adder, pairs):
    """Fraction of `(a, b)` pairs that the RNN adder sums exactly."""
    sums = adder.add_many(pairs)
    return float(np.mean([total == a + b for (a, b), total in zip(pairs, sums)]))


def addition_rows(adder, adder_1000_bits, width, sizes, steps, seed):
    rng = np.random.default_rng(seed)
    pool = distinct_numbers(max(sizes) + HELD_OUT, width, rng, columns=2)
    held_out = pool[-HELD_OUT:]
    half = width // 2
    small = [(a, b) for a in range(1 << half) for b in range(1 << half)]
    rows = []
    for size in sizes:
        start = time.perf_counter()
        train = pool[:size]
        mlp = train_mlp(*addition_arrays(train, width), steps, seed)
        rows.append({
            "task": "addition", "model": f"MLP {2 * width}-{HIDDEN}-{HIDDEN}-{width + 1}",
            "parameters": mlp.count_params(), "width": width,
            "trained_on": f"random {width}-bit pairs", "examples": size,
            "train": exact(mlp, *addition_arrays(train, width)),
            "held_out": exact(mlp, *addition_arrays(held_out, width)),
            "zero_padded": exact(mlp, *addition_arrays(small, width)),
            "double_width": None, "bits_1000": None,
            "seconds": round(time.perf_counter() - start, 1),
        })
        print(rows[-1], flush=True)

    start = time.perf_counter()
    rows.append({
        "task": "addition", "model": "BinaryAdder (shipped binary_adder)",
        "parameters": adder.count_params(), "width": width,
        "trained_on": "all pairs of <=3-bit numbers", "examples": 64,
        "train": adder_exact(adder, [(a, b) for a in range(8) for b in range(8)]),
        "held_out": adder_exact(adder, held_out),
        "zero_padded": adder_exact(adder, small),
        "double_width": adder_exact(
            adder, random_addition_pairs(HELD_OUT, 2 * width, seed=seed)
        ),
        "bits_1000": adder_1000_bits,
        "seconds": None,
    })
    rows[-1]["seconds"] = round(time.perf_counter() - start, 1)
    print(rows[-1], flush=True)
    return rows


# ---- parity ----------------------------------------------------------------


def parity_exact(parity_rnn, strings):
    """Fraction of bit strings whose parity the RNN gets exactly."""
    answers = parity_rnn.parity_many(strings)
    return float(np.mean([p == text.count("1") % 2 for text, p in zip(strings, answers)]))


def parity_rows(parity_rnn, width, sizes, steps, seed):
    rng = np.random.default_rng(seed + 1)
    as_text = [format(number, f"0{width}b") for (number,) in distinct_numbers(
        min(max(sizes) + HELD_OUT, 1 << width), width, rng)]
    held_out = as_text[-HELD_OUT:]
    half = width // 2
    # Zeros appended keep the parity: short strings padded to the MLP's width.
    small = [format(number, f"0{half}b") + "0" * (width - half) for number in range(1 << half)]
    rows = []
    for size in sizes:
        if size + HELD_OUT > len(as_text):
            continue
        start = time.perf_counter()
        train = as_text[:size]
        mlp = train_mlp(*parity_arrays(train), steps, seed)
        rows.append({
            "task": "parity", "model": f"MLP {width}-{HIDDEN}-{HIDDEN}-1",
            "parameters": mlp.count_params(), "width": width,
            "trained_on": f"random {width}-bit strings", "examples": size,
            "train": exact(mlp, *parity_arrays(train)),
            "held_out": exact(mlp, *parity_arrays(held_out)),
            "zero_padded": exact(mlp, *parity_arrays(small)),
            "double_width": None, "bits_1000": None,
            "seconds": round(time.perf_counter() - start, 1),
        })
        print(rows[-1], flush=True)

    start = time.perf_counter()
    rows.append({
        "task": "parity", "model": "ParityRNN (shipped parity)",
        "parameters": parity_rnn.count_params(), "width": width,
        "trained_on": "all 8-bit strings (and prefixes)", "examples": 256,
        "train": parity_exact(parity_rnn, [format(number, "08b") for number in range(256)]),
        "held_out": parity_exact(parity_rnn, held_out),
        "zero_padded": parity_exact(parity_rnn, small),
        "double_width": parity_exact(
            parity_rnn, random_bit_strings(HELD_OUT, 2 * width, seed=seed)
        ),
        "bits_1000": parity_exact(parity_rnn, random_bit_strings(1000, 1000, seed=seed)),
        "seconds": None,
    })
    rows[-1]["seconds"] = round(time.perf_counter() - start, 1)
    print(rows[-1], flush=True)
    return rows


# ---- report ----------------------------------------------------------------


def percent(value):
    return "-" if value is None else f"{100 * value:.1f}%"


def markdown_table(rows):
    lines = [
        "| task | model (parameters) | width | trained on | examples | train exact "
        "| held-out exact | n/2-bit zero-padded | 2n-bit | 1,000-bit |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['task']} | {row['model']} ({row['parameters']:,}) | {row['width']} "
            f"| {row['trained_on']} | {row['examples']:,} | {percent(row['train'])} "
            f"| {percent(row['held_out'])} | {percent(row['zero_padded'])} "
            f"| {percent(row['double_width'])} | {percent(row['bits_1000'])} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--widths", default="8", help="MLP adder widths n (bits per operand)")
    parser.add_argument("--sizes", default="64,256,1024,4096,16384", help="MLP training-set sizes")
    parser.add_argument("--parity-width", type=int, default=16, help="0 skips parity")
    parser.add_argument("--steps", type=int, default=3000, help="MLP Adam steps (batch 128)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/results/adder_vs_mlp.json")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.perf_counter()

    rows = []
    adder = zoo.load("binary_adder")
    # The same 200 random 1,000-bit pairs for every width (the slow check).
    adder_1000_bits = adder_exact(adder, random_addition_pairs(200, 1000, seed=args.seed))
    for width in [int(width) for width in args.widths.split(",")]:
        rows += addition_rows(adder, adder_1000_bits, width, sizes, args.steps, args.seed)
    if args.parity_width:
        rows += parity_rows(zoo.load("parity"), args.parity_width, sizes, args.steps, args.seed)

    result = {
        "command": "python benchmarks/adder_vs_mlp.py " + " ".join(
            f"--{name.replace('_', '-')} {value}" for name, value in vars(args).items()),
        "backend": keras.backend.backend(),
        "keras": keras.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "date": time.strftime("%Y-%m-%d"),
        "seconds": round(time.perf_counter() - started),
        "rows": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as file:
        json.dump(result, file, indent=2)
    print(f"\n{result['backend']}, keras {result['keras']}, {result['machine']}, "
          f"{result['date']}, {result['seconds']} s in all\n")
    print(markdown_table(rows))
    print(
        "\nExact = every output bit right (the whole sum, or the parity). Held-out: "
        f"{HELD_OUT:,} width-n examples in no training set. n/2-bit zero-padded: every "
        "pair of numbers (every string) of at most n/2 bits, padded with zeros to width n. "
        "2n-bit: 2,000 random pairs (strings); 1,000-bit: 200 random pairs (1,000 strings). "
        "'-': the MLP has no input for longer numbers; zero padding only makes numbers "
        "longer, never shorter."
    )


if __name__ == "__main__":
    main()
