"""Train Bengio et al.'s TDNN language model on a text corpus; report dev perplexity.

    python recipes/english_corpus.py --out english.txt
    python recipes/tdnn.py --corpus english.txt --max-vocabulary 20000 --epochs 2

Any UTF-8 text file with one sentence (or paragraph) per line works. The
last `--dev-fraction` of the sentences (default 2%) is held out; after
every epoch the dev perplexity (full softmax, exact) is printed beside the
perplexity of an add-one-smoothed unigram model of the training part on
the same dev words, the baseline a language model has to beat. Words
outside the vocabulary are dropped from the sentences (as `TextCorpus`
does), so the perplexity is over in-vocabulary words. With --out the model
is written as a checkpoint folder with its words, so the loaded model reads
words itself (`next_word_probabilities`, `perplexity` of sentences).
"""

import dataclasses
import math
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import zoo  # noqa: E402
from zoo.data.data_format_error import DataFormatError  # noqa: E402
from zoo.data.tdnn_examples import tdnn_examples  # noqa: E402
from zoo.data.text_corpus import TextCorpus  # noqa: E402
from zoo.models.tdnn import TDNN  # noqa: E402
from zoo.training.distribution import distribution_scope  # noqa: E402
from zoo.training.distribution import use_xla  # noqa: E402
from zoo.training.fit_with_dev_stopping import fit_with_dev_stopping  # noqa: E402
from zoo.training.metrics_table import metrics_table  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.recipe_main import recipe_main  # noqa: E402
from zoo.training.runner_options import DevStoppingRunnerOptions  # noqa: E402
from zoo.training.runner_options import apply_precision  # noqa: E402
from zoo.training.warm_average_adam import WarmAverageAdam  # noqa: E402


@dataclasses.dataclass
class TDNNConfig(DevStoppingRunnerOptions):
    """Train a TDNN (neural probabilistic) language model."""

    corpus: str = option("english.txt", "text file, one sentence per line")
    lowercase: bool = option(False, "lowercase the corpus (english.txt already is)")
    max_words: int = option(0, "read only the first lines, up to this many words (0: all)")
    min_count: int = option(5, "drop words seen fewer times")
    # The output layer costs vocabulary x hidden_units per word at evaluation.
    max_vocabulary: int = option(20_000, "keep at most this many words (0: all)")
    dev_fraction: float = option(0.02, "the last sentences held out for dev perplexity")
    # The previous 4 words: a 5-gram model.
    context: int = option(4, "previous words N")
    dimension: int = option(100, "word embedding size")
    hidden_units: int = option(200, "tanh layer size")
    direct_connections: bool = option(False, "add the embeddings-to-output W x term")
    softmax: str = option("sampled", "training loss: sampled or full")
    # The noise is shared by the batch: 512 words cost one [batch, 200] x [200, 512]
    # product per step, small beside the dense Adam update of the embeddings.
    num_sampled: int = option(512, "noise words per batch (sampled softmax)")
    dropout: float = option(0.0, "dropout on x and h")
    # Training starts from the unigram model instead of the uniform one.
    unigram_bias: bool = option(True, "initialize the output bias b to log unigram frequencies")
    epochs: int = option(2, "passes over the training sentences (at most)")
    patience: int = option(2, "stop after this many epochs without dev improvement")
    decay_patience: int = option(1, "halve the learning rate after this many such epochs")
    # On 1M words of english.txt, 512 reached dev perplexity 308 in 2 epochs, 2048 368.
    batch_size: int = option(512, "examples per step")
    learning_rate: float = option(2e-3, "Adam step")
    seed: int = option(1, "random seed")
    out: str = option("", "checkpoint folder or name to write (empty: none)")


def read_corpus(config):
    options = dict(
        min_count=config.min_count,
        max_vocabulary=config.max_vocabulary or None,
        lowercase=config.lowercase,
    )
    return TextCorpus.from_file(config.corpus, max_words=config.max_words or None, **options)


def unigram_log_probabilities(train_ids, vocabulary_size):
    """Add-one-smoothed log unigram frequencies of the training words."""
    counts = np.bincount(train_ids, minlength=vocabulary_size) + 1.0
    return np.log(counts / counts.sum())


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(TDNNConfig, argv)
    print("tdnn recipe, config:\n" + format_config(config))
    keras.utils.set_random_seed(config.seed)
    try:
        if not 0 < config.dev_fraction < 1:
            raise OptionError(f"--dev-fraction must be in (0, 1), got {config.dev_fraction}")
        apply_precision(config.precision)
        corpus = read_corpus(config)  # ValueError: no words, none frequent enough
    except (DataFormatError, FileNotFoundError, OptionError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with distribution_scope(config.distribute):
        return train_and_save(config, argv, corpus, new_tdnn(config, corpus))


def new_tdnn(config, corpus):
    """The TDNN the options describe; a bad hyperparameter is an OptionError."""
    try:
        return TDNN.from_corpus(
            corpus,
            context=config.context,
            dimension=config.dimension,
            hidden_units=config.hidden_units,
            direct_connections=config.direct_connections,
            softmax=config.softmax,
            num_sampled=config.num_sampled,
            dropout=config.dropout,
            seed=config.seed,
        )
    except ValueError as error:
        raise OptionError(str(error)) from error


def train_and_save(config, argv, corpus, model):
    """Train `model` with dev early stopping, write the checkpoint."""
    contexts, targets = tdnn_examples(corpus, config.context)
    # Examples follow the corpus: the dev sentences are a slice.
    first_dev = int(corpus.number_of_sentences * (1 - config.dev_fraction))
    split = int(corpus.sentence_starts[first_dev])
    if not 0 < split < len(targets):
        print(f"error: {corpus} is too small to hold out dev sentences", file=sys.stderr)
        return 2
    train = contexts[:split], targets[:split]
    dev = contexts[split:], targets[split:]
    unigram = unigram_log_probabilities(train[1], corpus.vocabulary_size)
    baseline = math.exp(-unigram[dev[1]].mean())
    print(
        f"corpus: {corpus}; train {split:,} words, dev {len(targets) - split:,} words "
        f"({corpus.number_of_sentences - first_dev:,} sentences); unigram dev "
        f"perplexity {baseline:.1f}"
    )
    if config.unigram_bias:
        model.output_bias.assign(unigram.astype("float32"))
    model.compile(
        optimizer=WarmAverageAdam(config.learning_rate, **config.weight_averaging()),
        jit_compile=use_xla(config.distribute),
    )

    def dev_perplexity(model):
        perplexity = math.exp(-model.target_log_probabilities(*dev).mean())
        return perplexity, {"perplexity": perplexity, "unigram": baseline}

    stopping = fit_with_dev_stopping(
        model, config, dev_perplexity, higher_is_better=False, out=config.out,
        throughput=(split, "words"), x=train[0], y=train[1], batch_size=config.batch_size,
    )
    seconds = stopping.seconds
    epochs_run = len(stopping.history)
    words_per_second = split * epochs_run / max(seconds, 1e-9)
    dev_perplexity = stopping.best
    print(
        f"trained {epochs_run} epochs in {seconds:.0f} s ({words_per_second:,.0f} "
        f"words/s, dev scoring included); best dev perplexity {dev_perplexity:.1f} at "
        f"epoch {stopping.best_epoch}, unigram {baseline:.1f}"
    )
    if config.out:
        card = {
            "task": "language modelling (next-word probabilities, perplexity)",
            "description": (
                f"TDNN (Bengio et al. 2003), N={config.context}, "
                f"{corpus.vocabulary_size:,} words"
            ),
            "data": config.corpus,
            "recipe_command": "python recipes/tdnn.py " + shlex.join(argv),
            "metrics": {
                "dev": {
                    "perplexity": round(dev_perplexity, 2),
                    "unigram_perplexity": round(baseline, 2),
                    "perplexity_per_epoch": [round(e["score"], 2) for e in stopping.history],
                    "best_epoch": stopping.best_epoch,
                },
                "training": {
                    "seconds": round(seconds),
                    "epochs": epochs_run,
                    "words_per_second": round(words_per_second),
                    "train_words": split,
                    "vocabulary": corpus.vocabulary_size,
                    "backend": keras.backend.backend(),
                },
            },
            "headline_metric": "dev/perplexity",
            "config": dataclasses.asdict(config),
        }
        print("\n" + metrics_table(card["metrics"]) + "\n")
        print(f"wrote {zoo.save(model, config.out, card=card)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
