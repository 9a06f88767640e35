"""Train a bidirectional RNN sequence tagger (POS, chunks, NER) on CoNLL data.

    python recipes/tagger.py --out checkpoints/pos_tagger_ewt_en

trains the shipped UD English EWT POS tagger (UPOS and XPOS heads) on the
train file, early-stops on dev UPOS accuracy and writes the checkpoint and
its card. Any CoNLL-U or CoNLL column file works:

    python recipes/tagger.py --train train.conllu --dev dev.conllu --label-cols upos
    python recipes/tagger.py --format conll --train eng.train --dev eng.testa \\
        --token-col 0 --label-cols -1 --out my_ner_tagger
    python recipes/tagger.py --tfds universal_dependencies/en_ewt

Fine-tuning starts from a checkpoint instead of random weights: it keeps the
checkpoint's vocabularies and architecture, appends the words, characters
and labels the new data adds (`zoo.models.tagger_fine_tuning.extend_tagger`),
and trains at a lower default learning rate; `--freeze` keeps parts fixed:

    python recipes/tagger.py --from pos_tagger_ewt_en --train my.conllu \
        --dev my_dev.conllu --freeze embeddings --out my_tagger

For IOB/BIO/BIOES label columns the chunk F1 is reported too. The training
state is kept in `OUT.training` after every epoch: a run that was killed
goes on with the same command plus `--resume`. `--distribute` trains
data-parallel on all GPUs (or CPUs); `--set name=value` sets any option.
"""

import dataclasses
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import zoo  # noqa: E402
from zoo.data.tagged_file_reader import read_tagged_file  # noqa: E402
from zoo.data.tfds_tagging import read_tfds  # noqa: E402
from zoo.models.sequence_tagger import SequenceTagger  # noqa: E402
from zoo.training.distribution import distribution_scope  # noqa: E402
from zoo.training.distribution import use_xla  # noqa: E402
from zoo.training.fine_tuning_options import FineTuningOptions  # noqa: E402
from zoo.training.fine_tuning_options import load_checkpoint_of  # noqa: E402
from zoo.training.fit_with_dev_stopping import fit_with_dev_stopping  # noqa: E402
from zoo.training.metrics_table import metrics_table  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.recipe_main import recipe_main  # noqa: E402
from zoo.training.runner_options import DevStoppingRunnerOptions  # noqa: E402
from zoo.training.runner_options import apply_precision  # noqa: E402
from zoo.training.tagger_batches import TaggerBatches  # noqa: E402
from zoo.training.tagger_evaluation import evaluate_tagger  # noqa: E402
from zoo.training.warm_average_adam import WarmAverageAdam  # noqa: E402

EWT = "../shared/data/ud-en-ewt"
# The model options `--from` takes from the checkpoint (`SequenceTagger` attributes);
# its dropout rates too, unless given (`REGULARIZATION`).
ARCHITECTURE = ("cell", "units", "num_layers", "head", "word_dim", "character_encoder",
                "character_units")


@dataclasses.dataclass
class TaggerConfig(FineTuningOptions, DevStoppingRunnerOptions):
    """Train a bidirectional RNN sequence tagger."""

    train: str = option(f"{EWT}/en_ewt-ud-train.conllu", "training file")
    dev: str = option(f"{EWT}/en_ewt-ud-dev.conllu", "dev file (early stopping, reported)")
    format: str = option("conllu", "conllu or conll (whitespace-separated columns)")
    token_col: int = option(0, "conll format: the token column (0-based)")
    label_cols: str = option(
        "upos,xpos",
        "label columns, the first is the main one: conllu column names, or "
        "conll column indexes (negative counts from the end)",
    )
    tfds: str = option("", "a tfds tagging dataset instead of files, e.g. universal_dependencies/en_ewt")
    tfds_dev_split: str = option("dev", "tfds split used as dev")
    max_train_sentences: int = option(0, "use only the first N training sentences (0: all)")
    min_count: int = option(1, "words seen fewer times in train are unknown")
    cell: str = option("lstm", "sentence RNN cell (see SequenceTagger.SEQUENCE_LAYERS)")
    units: int = option(200, "RNN units per direction")
    num_layers: int = option(2, "stacked bidirectional layers")
    head: str = option("crf", "crf or softmax")
    word_dim: int = option(100, "word embedding size")
    embeddings: str = option(
        "",
        "initialize the word embedding from pretrained vectors: a zoo checkpoint "
        "of word vectors (e.g. skip_gram_en) or a word2vec file (.txt/.vec text, .bin binary)",
    )
    embedding_words: int = option(
        30000, "with --embeddings: add this many of the most frequent pretrained words to the vocabulary"
    )
    character_encoder: str = option("rnn", "rnn, cnn or none")
    character_units: int = option(64, "character encoder units")
    # Dozat et al. 2017: 0.33 everywhere works well for BiLSTM taggers.
    dropout: float = option(0.33, "dropout on inputs and between layers")
    word_dropout: float = option(0.05, "probability of replacing a word by [UNK] in training")
    batch_size: int = option(32, "sentences per batch")
    # Adam with beta_2 = 0.9 (Dozat et al. 2017) and gradient clipping.
    learning_rate: float = option(0.0, "Adam learning rate (0: 2e-3, or 5e-4 with --from)")
    clipnorm: float = option(5.0, "gradient norm clipping")
    epochs: int = option(40, "maximum epochs")
    patience: int = option(6, "stop after this many epochs without dev improvement")
    decay_patience: int = option(2, "halve the learning rate after this many epochs without improvement")
    seed: int = option(1, "random seed")
    out: str = option("checkpoints/pos_tagger_ewt_en", "checkpoint folder or name to write")


def load_word_vectors(source):
    """A `WordVectors` from a zoo checkpoint name/folder or a word2vec file."""
    from zoo.models.word_vectors import WordVectors

    if source.endswith((".txt", ".vec", ".bin")):
        return WordVectors.load_word2vec_format(source, binary=source.endswith(".bin"))
    vectors = zoo.load(source)
    if not isinstance(vectors, WordVectors):
        raise OptionError(
            f"--embeddings {source!r} is a {type(vectors).__name__} checkpoint, not word vectors"
        )
    return vectors


def pretrained_table(tagger, vectors):
    """`{word: unit-length vector}` for the tagger's words that `vectors` has.

    Vectors are scaled to length 1: word2vec's geometry is in the angles,
    and unit length keeps them on the scale of the other input features.
    """
    unit = vectors.normalized_vectors
    return {
        word: unit[vectors.index(word)]
        for word in tagger.vocabularies["words"].tokens[2:]
        if word in vectors
    }


def fine_tuning_checkpoint(config):
    """The `--from` checkpoint, or None without --from.

    The config takes the checkpoint's architecture (printed, and what the
    config printed next and the new card say). Raises `OptionError` for
    --freeze without --from and for --embeddings with it, before loading.
    """
    config.freeze_parts()  # --freeze without --from
    if not config.from_checkpoint:
        return None
    if config.embeddings:
        raise OptionError(
            "--embeddings cannot be combined with --from: the checkpoint's word "
            "embeddings are kept"
        )
    from zoo.models.tagger_fine_tuning import REGULARIZATION

    start = load_checkpoint_of(config.from_checkpoint, SequenceTagger, "tagger")
    print(f"fine-tuning {config.from_checkpoint}, keeping its architecture: "
          f"{config.take_architecture(start, ARCHITECTURE)}; "
          f"{config.take_regularization(start, REGULARIZATION)}")
    return start


def fine_tuning_start(config, start, train):
    """`start`, the --from checkpoint, grown to the new data's vocabularies."""
    from zoo.models.tagger_fine_tuning import REGULARIZATION
    from zoo.models.tagger_fine_tuning import extend_tagger
    from zoo.models.tagger_fine_tuning import freeze_tagger

    regularization = {name: getattr(config, name) for name in REGULARIZATION}
    tagger, added = extend_tagger(start, train, min_count=config.min_count,
                                  regularization=regularization)
    grown = ", ".join(f"{name} +{count}" for name, count in added.items() if name != "new_columns")
    print(f"vocabularies grown by {grown}"
          + (f"; new label columns {added['new_columns']}" if added["new_columns"] else ""))
    parts = config.freeze_parts()
    if parts:
        try:
            frozen = freeze_tagger(tagger, parts)
        except ValueError as error:
            raise OptionError(f"--freeze: {error}")
        print(f"frozen: {', '.join(frozen)}")
    return tagger


def read_split(config, path, split):
    if config.tfds:
        label_features = config.label_cols.split(",")
        return read_tfds(config.tfds, split, label_features=tuple(label_features))
    return read_tagged_file(path, config.format, config.label_cols, config.token_col)


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(TaggerConfig, argv)
    start = fine_tuning_checkpoint(config)
    print("tagger recipe, config:\n" + format_config(config))
    keras.utils.set_random_seed(config.seed)
    try:
        apply_precision(config.precision)
        train = read_split(config, config.train, "train")
        dev = read_split(config, config.dev, config.tfds_dev_split)
    except (FileNotFoundError, ValueError) as error:  # DataFormatError, OptionError
        print(f"error: {error}", file=sys.stderr)
        return 2
    if config.max_train_sentences:
        train = train[: config.max_train_sentences]
    print(
        f"train: {len(train)} sentences, {sum(len(s.tokens) for s in train)} tokens; "
        f"dev: {len(dev)} sentences, {sum(len(s.tokens) for s in dev)} tokens"
    )
    with distribution_scope(config.distribute):
        if start is not None:
            tagger, vectors = fine_tuning_start(config, start, train), None
        else:
            tagger, vectors = new_tagger(config, train)
        sizes = ", ".join(
            f"{name} {len(vocabulary)}" for name, vocabulary in tagger.vocabularies.items()
        )
        print(f"vocabularies: {sizes}; parameters: {tagger.count_params():,}")
        if vectors is not None:
            found = tagger.initialize_word_embeddings(pretrained_table(tagger, vectors))
            print(
                f"pretrained vectors from {config.embeddings} for {found:,} of "
                f"{len(tagger.vocabularies['words']) - 2:,} words"
            )
        return train_and_save(config, argv, tagger, train, dev)


def new_tagger(config, train):
    """A tagger built from the training data, and the pretrained vectors."""
    vectors = load_word_vectors(config.embeddings) if config.embeddings else None
    if vectors is not None and vectors.dimension != config.word_dim:
        raise OptionError(
            f"--embeddings has {vectors.dimension}-dimensional vectors, "
            f"--word-dim is {config.word_dim}"
        )
    tagger = SequenceTagger.from_sentences(
        train,
        extra_words=vectors.words[: config.embedding_words] if vectors is not None else (),
        min_count=config.min_count,
        word_dim=config.word_dim,
        character_encoder=None if config.character_encoder == "none" else config.character_encoder,
        character_units=config.character_units,
        cell=config.cell,
        units=config.units,
        num_layers=config.num_layers,
        head=config.head,
        dropout=config.dropout,
        word_dropout=config.word_dropout,
        seed=config.seed,
    )
    return tagger, vectors


def train_and_save(config, argv, tagger, train, dev):
    """Fit with dev early stopping, evaluate, write the checkpoint and card."""
    tagger.compile(
        optimizer=WarmAverageAdam(
            config.learning_rate, beta_2=0.9, clipnorm=config.clipnorm,
            **config.weight_averaging(),
        ),
        jit_compile=use_xla(config.distribute),
    )
    batches = TaggerBatches(tagger, train, batch_size=config.batch_size, seed=config.seed)

    def dev_score(model):
        report = evaluate_tagger(model, dev)
        main = model.label_names[0]
        scores = {
            f"{name} {metric}": value
            for name in model.label_names
            for metric, value in report[name].items()
        }
        return report[main].get("span_f1", report[main]["accuracy"]), scores

    stopping = fit_with_dev_stopping(
        tagger, config, dev_score, higher_is_better=True, out=config.out,
        throughput=(sum(len(sentence.tokens) for sentence in train), "tokens"),
        **batches.fit_arguments(),
    )
    train_seconds = stopping.seconds
    epochs_run = len(stopping.history)

    report = evaluate_tagger(tagger, dev)
    metrics = {"dev": {}}
    for name in tagger.label_names:
        for metric, value in report[name].items():
            metrics["dev"][f"{name}_{metric}"] = round(value, 5)
    metrics["dev"]["tokens_per_second"] = round(report["tokens_per_second"])
    metrics["training"] = {
        "epochs": epochs_run,
        "best_epoch": stopping.best_epoch,
        "seconds_per_epoch": round(train_seconds / max(epochs_run, 1), 1),
        "train_sentences": len(train),
    }
    print(f"best epoch {stopping.best_epoch} of {epochs_run}; final dev evaluation:")
    for split, values in metrics.items():
        for metric, value in values.items():
            print(f"  {split:<9} {metric:<28} {value}")
    main_label = tagger.label_names[0]
    main_metric = "span_f1" if f"{main_label}_span_f1" in metrics["dev"] else "accuracy"
    source = config.tfds or f"{config.train} (dev: {config.dev})"
    card = zoo.ModelCard(
        name=os.path.basename(os.path.normpath(config.out)),
        task=f"sequence tagging ({', '.join(tagger.label_names)})",
        description=(
            f"{'bidirectional ' if tagger.bidirectional else ''}{tagger.cell} "
            f"{tagger.num_layers}x{tagger.units} {tagger.head} tagger "
            f"({', '.join(tagger.label_names)}), char {tagger.character_encoder}"
            + (f", fine-tuned from {config.from_checkpoint}" if config.from_checkpoint else "")
        ),
        data=source,
        data_license=(
            "CC BY-SA 4.0 (UD English EWT)" if "ewt" in source.lower() else "see the data's license"
        ),
        recipe_command=shlex.join(["python", "recipes/tagger.py", *argv]),
        metrics=metrics,
        headline_metric=f"dev/{main_label}_{main_metric}",
        notes=(
            "Dev accuracy is over all dev tokens (punctuation included), gold "
            "tokenization. The dev split chose the epoch (early stopping), so it "
            "is a slightly optimistic estimate; the official test split was not used."
        ),
        config=dataclasses.asdict(config),
    )
    print("\n" + metrics_table(metrics) + "\n")
    folder = zoo.save(tagger, config.out, card=card)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
