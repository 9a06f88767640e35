"""zoo's SkipGram/CBOW against gensim's Word2Vec: speed, memory and quality.

    python recipes/english_corpus.py --out english.txt
    python benchmarks/word2vec_vs_gensim.py --corpus english.txt
    KERAS_BACKEND=jax python benchmarks/word2vec_vs_gensim.py --corpus english.txt

Both train on the same corpus with the same hyperparameters (dim 100,
window 5, negative 5, sample 1e-3, min_count 5, linear learning-rate decay
from 0.025, --epochs), for each model and seed. Each run is a fresh
subprocess, so its peak memory (max RSS) is its own; gensim uses every
core (`workers = os.cpu_count()`). Speed is corpus words x epochs / training
seconds (vocabulary building and corpus reading excluded for both). Both
sets of vectors are scored by the same code (zoo's evaluation): Spearman on
WordSim-353 and SimLex-999, 3CosAdd analogy accuracy on questions-words
over the 30,000 most frequent words (the files ship with gensim's tests).
Prints a markdown table with zoo/gensim ratios and writes JSON.
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

HYPERPARAMETERS = dict(dimension=100, window=5, negative=5, sample=1e-3, min_count=5)


def evaluate(vectors):
    from gensim.test.utils import datapath

    from zoo.training.word_vector_evaluation import evaluate_analogies
    from zoo.training.word_vector_evaluation import evaluate_word_similarity

    return {
        "wordsim353": evaluate_word_similarity(vectors, datapath("wordsim353.tsv"))["spearman"],
        "simlex999": evaluate_word_similarity(vectors, datapath("simlex999.txt"))["spearman"],
        "analogy": evaluate_analogies(vectors, datapath("questions-words.txt"))["accuracy"],
    }


def run_gensim(corpus_path, model, epochs, seed):
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    from zoo.models.word_vectors import WordVectors

    h = HYPERPARAMETERS
    w2v = Word2Vec(
        vector_size=h["dimension"], window=h["window"], negative=h["negative"],
        sample=h["sample"], min_count=h["min_count"], sg=int(model == "skipgram"),
        workers=os.cpu_count(), seed=seed,
    )
    sentences = LineSentence(corpus_path)
    w2v.build_vocab(sentences)
    start = time.perf_counter()
    w2v.train(sentences, total_examples=w2v.corpus_count, epochs=epochs)
    seconds = time.perf_counter() - start
    counts = [w2v.wv.get_vecattr(word, "count") for word in w2v.wv.index_to_key]
    vectors = WordVectors.from_arrays(w2v.wv.index_to_key, w2v.wv.vectors, counts)
    return seconds, w2v.corpus_total_words, vectors


def run_zoo(corpus_path, model, epochs, seed):
    import keras

    from zoo.data.text_corpus import TextCorpus
    from zoo.models.cbow import CBOW
    from zoo.models.skip_gram import SkipGram
    from zoo.training.word2vec_training import train_word2vec

    h = HYPERPARAMETERS
    keras.utils.set_random_seed(seed)
    corpus = TextCorpus.from_file(corpus_path, min_count=h["min_count"])
    cls = SkipGram if model == "skipgram" else CBOW
    w2v = cls(corpus.vocabulary_size, h["dimension"], seed=seed)
    start = time.perf_counter()
    train_word2vec(
        w2v, corpus, epochs=epochs, window=h["window"], negative=h["negative"],
        sample=h["sample"], seed=seed, verbose=0,
    )
    seconds = time.perf_counter() - start
    return seconds, corpus.total_words, w2v.word_vectors(corpus.words, corpus.counts)


def worker(args):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    run = run_gensim if args.worker == "gensim" else run_zoo
    seconds, words, vectors = run(args.corpus, args.model, args.epochs, args.seed)
    result = {
        "seconds": seconds,
        "words_per_second": words * args.epochs / seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **evaluate(vectors),
    }
    print("RESULT " + json.dumps(result))


def run_worker(implementation, model, seed, args):
    command = [
        sys.executable, __file__, "--worker", implementation, "--corpus", args.corpus,
        "--model", model, "--epochs", str(args.epochs), "--seed", str(seed),
    ]
    output = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if output.returncode or not lines:
        raise SystemExit(f"{' '.join(command)} failed:\n{output.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT "):])


def table(rows):
    lines = [
        "| model | seed | | train s | words/s | peak MB | WordSim-353 | SimLex-999 | analogy |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        z, g = row["zoo"], row["gensim"]
        for name, r in (("zoo", z), ("gensim", g)):
            lines.append(
                f"| {row['model']} | {row['seed']} | {name} | {r['seconds']:.0f} | "
                f"{r['words_per_second']:,.0f} | {r['peak_mb']:,.0f} | {r['wordsim353']:.3f} | "
                f"{r['simlex999']:.3f} | {r['analogy']:.3f} |"
            )
        lines.append(
            f"| {row['model']} | {row['seed']} | **zoo/gensim** | | "
            f"**{z['words_per_second'] / g['words_per_second']:.2f}x** | "
            f"{z['peak_mb'] / g['peak_mb']:.1f}x | {z['wordsim353'] - g['wordsim353']:+.3f} | "
            f"{z['simlex999'] - g['simlex999']:+.3f} | {z['analogy'] - g['analogy']:+.3f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="english.txt")
    parser.add_argument("--models", nargs="+", default=["skipgram", "cbow"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--json", default="")
    parser.add_argument("--worker", choices=["gensim", "zoo"], help=argparse.SUPPRESS)
    parser.add_argument("--model", default="skipgram", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    import keras

    rows = []
    for model in args.models:
        for seed in args.seeds:
            row = {"model": model, "seed": seed}
            for implementation in ("gensim", "zoo"):
                row[implementation] = run_worker(implementation, model, seed, args)
                print(f"{model} seed {seed} {implementation}: {row[implementation]}", flush=True)
            rows.append(row)
    print()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"zoo on Keras {keras.__version__} / {keras.backend.backend()}; "
        f"corpus {args.corpus}, {args.epochs} epochs; {time.strftime('%Y-%m-%d')}"
    )
    print(table(rows))
    if args.json:
        with open(args.json, "w") as file:
            json.dump({"backend": keras.backend.backend(), "rows": rows}, file, indent=2)


if __name__ == "__main__":
    main()
