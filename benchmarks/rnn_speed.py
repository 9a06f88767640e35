"""Train-step and inference speed of the zoo cells and fused layers.

Every zoo cell (through `keras.layers.RNN`) and every fused layer found in
`zoo.layers` at run time, beside `keras.layers.LSTM` and `keras.layers.GRU`,
on the current backend, in the same run. Each model is Input -> layer(units)
(last output) compiled with XLA (`jit_compile=True` on TensorFlow; JAX is
always XLA); a train step is `train_on_batch` (forward + backward + SGD
update), inference is `predict_on_batch`. Median of `--repeats` runs after
`--warmup` runs. Prints a markdown table with ratios to keras LSTM, writes
JSON.

    KERAS_BACKEND=jax python benchmarks/rnn_speed.py --shapes cpu --out speed.json
"""

import argparse
import inspect
import json
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402

from zoo import layers as zoo_layers  # noqa: E402

SHAPES = {  # batch, time, features, units
    "cpu": [(32, 50, 64, 128), (16, 100, 32, 64)],
    "gpu": [(64, 100, 128, 512), (256, 50, 256, 1024), (32, 200, 64, 256)],
}


def candidates():
    """(name, kind, factory(units)) for the peers and every zoo layer."""
    out = [
        ("keras.LSTM", "keras", lambda u: keras.layers.LSTM(u)),
        ("keras.GRU", "keras", lambda u: keras.layers.GRU(u)),
    ]
    for name, obj in sorted(vars(zoo_layers).items()):
        if not inspect.isclass(obj) or inspect.isabstract(obj):
            continue
        if issubclass(obj, zoo_layers.FusedRNNLayer) and obj.cell_class is not None:
            out.append((name, "fused", lambda u, cls=obj: cls(u)))
        elif issubclass(obj, zoo_layers.RecurrentCell) and obj is not zoo_layers.RecurrentCell:
            out.append((f"RNN({name})", "cell", lambda u, cls=obj: keras.layers.RNN(cls(u))))
    return out


def median_ms(fn, warmup, repeats):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def measure(factory, shape, warmup, repeats):
    batch, steps, features, units = shape
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, steps, features)).astype("float32")
    y = rng.normal(size=(batch, units)).astype("float32")
    inputs = keras.Input((steps, features), batch_size=batch)
    model = keras.Model(inputs, factory(units)(inputs))
    model.compile(optimizer="sgd", loss="mse",
                  jit_compile=keras.backend.backend() == "tensorflow" or "auto")
    train = median_ms(lambda: model.train_on_batch(x, y), warmup, repeats)
    infer = median_ms(lambda: model.predict_on_batch(x), warmup, repeats)
    return train, infer


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", choices=sorted(SHAPES), default="cpu")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--out", default=None, help="JSON file to write")
    parser.add_argument("--only", default="",
                        help="comma-separated parts of layer names to run (keras.LSTM always "
                             "runs: it is the base), e.g. LayerNormLSTM,LayerNormGRU")
    args = parser.parse_args(argv)
    wanted = [part for part in args.only.split(",") if part]
    chosen = [
        candidate for candidate in candidates()
        if not wanted or candidate[0] == "keras.LSTM" or any(part in candidate[0] for part in wanted)
    ]
    if len(chosen) == 1 and wanted:
        parser.error(f"--only {args.only}: no layer name contains any of {wanted}")

    results = []
    for shape in SHAPES[args.shapes]:
        rows = []
        for name, kind, factory in chosen:
            train, infer = measure(factory, shape, args.warmup, args.repeats)
            # Progress on stderr, row by row: a run cut short still shows what it measured.
            print(f"{'x'.join(map(str, shape[:3]))}->{shape[3]} {name}: train {train:.2f} ms, "
                  f"inference {infer:.2f} ms", file=sys.stderr, flush=True)
            rows.append({"layer": name, "kind": kind, "shape": list(shape),
                         "train_ms": train, "infer_ms": infer})
            keras.backend.clear_session()
        base = next(r for r in rows if r["layer"] == "keras.LSTM")
        for row in rows:
            row["train_vs_keras_lstm"] = row["train_ms"] / base["train_ms"]
            row["infer_vs_keras_lstm"] = row["infer_ms"] / base["infer_ms"]
        results.extend(rows)

    backend = keras.backend.backend()
    print(f"backend={backend} keras={keras.__version__} machine={platform.processor() or platform.machine()}"
          f" cpus={os.cpu_count()} warmup={args.warmup} repeats={args.repeats}\n")
    print("| shape (BxTxF->U) | layer | kind | train step ms | x keras LSTM | inference ms | x keras LSTM |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in results:
        b, t, f, u = r["shape"]
        print(f"| {b}x{t}x{f}->{u} | {r['layer']} | {r['kind']} | {r['train_ms']:.2f} | "
              f"{r['train_vs_keras_lstm']:.2f} | {r['infer_ms']:.2f} | {r['infer_vs_keras_lstm']:.2f} |")
    if args.out:
        with open(args.out, "w") as handle:
            json.dump({"backend": backend, "keras": keras.__version__, "shapes": args.shapes,
                       "warmup": args.warmup, "repeats": args.repeats, "results": results},
                      handle, indent=2)


if __name__ == "__main__":
    main()
