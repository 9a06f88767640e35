"""Train skip-gram or CBOW word vectors on a text corpus and write a checkpoint.

    apt-get install dict-gcide dict-wn dict-foldoc dict-jargon dict-devil
    python recipes/english_corpus.py --out english.txt
    python recipes/word2vec.py --corpus english.txt --out checkpoints/skip_gram_en

trains the shipped `skip_gram_en` vectors. Any UTF-8 text file with one
sentence (or paragraph) per line works, or a tfds text dataset:

    python recipes/word2vec.py --corpus my.txt --model cbow --out my_vectors
    python recipes/word2vec.py --tfds lm1b --tfds-feature text --lowercase

The vectors are evaluated on word-pair similarity (Spearman) and analogies
(3CosAdd over the 30,000 most frequent words): by default on WordSim-353,
SimLex-999 and Google's questions-words from gensim's test data when gensim
is installed, or on the files given with --similarity/--analogies.

Continued training starts from a word-vectors checkpoint instead of random
vectors: its words keep their ids and vectors, the new corpus's words seen
--min-count times are added (`zoo.models.word2vec_fine_tuning.extend_word2vec`),
counts are the old plus the new, and the initial learning rate defaults to
0.01 instead of 0.025 so the old vectors move less. A checkpoint keeps only
the input vectors, so every output vector starts at zero, as word2vec.c
starts them:

    python recipes/word2vec.py --from skip_gram_en --corpus my.txt --out my_vectors

Both tables are saved to `OUT.training` after every epoch: a run that was
killed goes on after its last finished epoch with the same command plus
`--resume` (the learning rate where that epoch left it).
"""

import dataclasses
import os
import shlex
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import zoo  # noqa: E402
from zoo.data.data_format_error import DataFormatError  # noqa: E402
from zoo.data.text_corpus import TextCorpus  # noqa: E402
from zoo.models.cbow import CBOW  # noqa: E402
from zoo.models.skip_gram import SkipGram  # noqa: E402
from zoo.models.word2vec_fine_tuning import FINE_TUNING_LEARNING_RATE  # noqa: E402
from zoo.models.word2vec_fine_tuning import extend_word2vec  # noqa: E402
from zoo.models.word_vectors import WordVectors  # noqa: E402
from zoo.training.distribution import distribution_scope  # noqa: E402
from zoo.training.distribution import use_xla  # noqa: E402
from zoo.training.fine_tuning_options import load_checkpoint_of  # noqa: E402
from zoo.training.metrics_table import metrics_table  # noqa: E402
from zoo.training.periodic_backup import PeriodicBackupAndRestore  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.recipe_main import recipe_main  # noqa: E402
from zoo.training.runner_options import ResumableRunnerOptions  # noqa: E402
from zoo.training.runner_options import apply_precision  # noqa: E402
from zoo.training.runner_options import runner_callbacks  # noqa: E402
from zoo.training.word2vec_training import train_word2vec  # noqa: E402
from zoo.training.word_vector_evaluation import evaluate_analogies  # noqa: E402
from zoo.training.word_vector_evaluation import evaluate_word_similarity  # noqa: E402

MODELS = {"skipgram": SkipGram, "cbow": CBOW}
ENGLISH_CORPUS = (
    "english.txt from recipes/english_corpus.py: every entry of the Debian dictd "
    "databases dict-gcide 0.48 (Webster's 1913 + supplements), dict-wn 3.0 (WordNet "
    "glosses and synonym sets), dict-foldoc, dict-jargon and dict-devil, plus the UD "
    "English EWT train+dev sentences; lowercased, punctuation dropped; 9,549,927 words "
    "in 479,968 lines"
)
ENGLISH_LICENSE = (
    "GPL-2+ (GCIDE), GFDL 1.2 (FOLDOC), WordNet 3.0 license (WordNet), public "
    "domain (Jargon File, Devil's Dictionary), CC BY-SA 4.0 (UD English EWT)"
)


@dataclasses.dataclass
class Word2VecConfig(ResumableRunnerOptions):
    """Train skip-gram or CBOW word vectors."""

    corpus: str = option("english.txt", "text file, one sentence per line")
    tfds: str = option("", "a tfds text dataset instead of --corpus, e.g. lm1b")
    tfds_split: str = option("train", "tfds split")
    tfds_feature: str = option("text", "tfds feature holding the text")
    lowercase: bool = option(False, "lowercase the corpus (english.txt already is)")
    model: str = option("skipgram", "skipgram or cbow (with --from: the objective to continue with)")
    # word2vec's and gensim's defaults, so results compare.
    dimension: int = option(0, "vector size (0: 100, or the checkpoint's with --from)")
    window: int = option(5, "largest context distance (a random 1..window per word)")
    negative: int = option(5, "noise words per center word")
    sample: float = option(1e-3, "subsampling threshold of frequent words")
    min_count: int = option(5, "drop words seen fewer times")
    # 70,000 x 100 float32 vectors keep the checkpoint under 30 MB.
    max_vocabulary: int = option(70_000, "keep at most this many words (0: all; not with --from)")
    epochs: int = option(5, "passes over the corpus")
    learning_rate: float = option(
        0.0,
        "initial SGD step, decayed linearly to min_learning_rate "
        f"(0: 0.025, or {FINE_TUNING_LEARNING_RATE} with --from)",
    )
    min_learning_rate: float = option(1e-4, "final SGD step")
    batch_size: int = option(1024, "center words per step")
    steps_per_execution: int = option(8, "steps per compiled call, run in order (1 with --distribute)")
    seed: int = option(1, "random seed")
    similarity: str = option("", "comma-separated word-pair files (default: gensim's wordsim353, simlex999)")
    analogies: str = option("", "analogy questions file (default: gensim's questions-words.txt)")
    out: str = option("checkpoints/skip_gram_en", "checkpoint folder or name to write")
    data: str = option("", "what the corpus is, for the model card (default: the corpus "
                       "path; for english.txt, what recipes/english_corpus.py puts in it)")
    data_license: str = option("", "the corpus license, for the model card")
    from_checkpoint: str = option(
        "",
        "continue training these word vectors (checkpoint name or folder): their "
        "words keep their ids and vectors, the corpus's new words are added",
        flag="--from",
    )
    max_new_words: int = option(0, "with --from: add at most this many new words (0: all)")

    def __post_init__(self):
        for name in ("epochs", "batch_size", "steps_per_execution", "window"):
            if getattr(self, name) < 1:
                flag = "--" + name.replace("_", "-")
                raise OptionError(f"{flag} must be at least 1, got {getattr(self, name)}")
        if not self.learning_rate:
            self.learning_rate = FINE_TUNING_LEARNING_RATE if self.from_checkpoint else 0.025
        if not self.dimension and not self.from_checkpoint:
            self.dimension = 100


def evaluation_files(config):
    similarity = [p for p in config.similarity.split(",") if p]
    analogies = config.analogies
    if not similarity or not analogies:
        try:
            from gensim.test.utils import datapath
        except ImportError:
            print("(gensim not installed: pass --similarity/--analogies to evaluate)")
            return similarity, analogies
        similarity = similarity or [datapath("wordsim353.tsv"), datapath("simlex999.txt")]
        analogies = analogies or datapath("questions-words.txt")
    return similarity, analogies


def evaluate(vectors, config):
    """`{metric: value}` on the evaluation files, printed as they come."""
    metrics = {}
    similarity, analogies = evaluation_files(config)
    for path in similarity:
        name = Path(path).stem
        try:
            report = evaluate_word_similarity(vectors, path)
        except ValueError as error:  # no pair in the vocabulary: nothing to score
            print(f"  {name}: not scored: {error}")
            metrics[f"{name}_oov_rate"] = 1.0
            continue
        metrics[f"{name}_spearman"] = round(report["spearman"], 4)
        metrics[f"{name}_oov_rate"] = round(report["oov_rate"], 4)
    if analogies:
        report = evaluate_analogies(vectors, analogies, restrict_vocab=30_000)
        metrics["analogy_accuracy"] = round(report["accuracy"], 4)
        metrics["analogy_oov_rate"] = round(report["oov_rate"], 4)
    for metric, value in metrics.items():
        print(f"  {metric:<28} {value}")
    return metrics


def read_corpus(config):
    """The corpus; with --from, every word of it (`extend_word2vec` picks)."""
    options = dict(
        min_count=1 if config.from_checkpoint else config.min_count,
        max_vocabulary=None if config.from_checkpoint else config.max_vocabulary or None,
        lowercase=config.lowercase,
    )
    if config.tfds:
        return TextCorpus.from_tfds(
            config.tfds, split=config.tfds_split, feature=config.tfds_feature, **options
        )
    return TextCorpus.from_file(config.corpus, **options)


def load_start(config):
    """The word vectors of --from; sets `config.dimension` to theirs."""
    start = load_checkpoint_of(config.from_checkpoint, WordVectors, "word2vec")
    if config.dimension and config.dimension != start.dimension:
        raise OptionError(
            f"--dimension is {config.dimension} but --from {config.from_checkpoint!r} "
            f"has {start.dimension}-dimensional vectors"
        )
    config.dimension = start.dimension
    return start


def new_model(config, corpus, start):
    """The model to train and the corpus encoded with its vocabulary."""
    if start is None:
        model = MODELS[config.model](
            corpus.vocabulary_size, config.dimension, config.learning_rate, seed=config.seed
        )
        return model, corpus
    try:
        model, grown = extend_word2vec(
            start,
            corpus,
            model=config.model,
            min_count=config.min_count,
            max_new_words=config.max_new_words or None,
            learning_rate=config.learning_rate,
            seed=config.seed,
        )
    except ValueError as error:
        raise OptionError(f"--from {config.from_checkpoint}: {error}")
    print(
        f"continuing {config.from_checkpoint}: {len(start):,} words kept, "
        f"new words added: {grown.vocabulary_size - len(start):,}"
    )
    return model, grown


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(Word2VecConfig, argv)
    print("word2vec recipe, config:\n" + format_config(config))
    keras.utils.set_random_seed(config.seed)
    try:
        if config.model not in MODELS:
            raise OptionError(f"--model must be one of {', '.join(MODELS)}, got {config.model!r}")
        apply_precision(config.precision)
        state_dir = config.checked_state_dir(config.out)
        start_vectors = load_start(config) if config.from_checkpoint else None
        corpus = read_corpus(config)
    except (DataFormatError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"corpus: {corpus}; {corpus.total_words:,} words read")
    callbacks = runner_callbacks(config)
    if state_dir:
        # Both tables after every epoch: --resume goes on after the last one.
        callbacks.append(PeriodicBackupAndRestore(state_dir, every_seconds=0))
    start = time.time()
    with distribution_scope(config.distribute):
        model, corpus = new_model(config, corpus, start_vectors)
        history = train_word2vec(
            model,
            corpus,
            epochs=config.epochs,
            batch_size=config.batch_size,
            steps_per_execution=config.steps_per_execution,
            window=config.window,
            negative=config.negative,
            sample=config.sample,
            min_learning_rate=config.min_learning_rate,
            seed=config.seed,
            verbose=1 if sys.stdout.isatty() else 0,
            callbacks=callbacks,
            jit_compile=use_xla(config.distribute),
        )
    if model.stop_training:
        kept = f"; {state_dir} keeps the last good epoch" if state_dir else ""
        print(f"error: training stopped on a NaN/Inf loss; nothing written{kept}", file=sys.stderr)
        return 1
    seconds = time.time() - start
    epochs_run = len(history["loss"])
    words_per_second = corpus.total_words * epochs_run / seconds
    resumed = history["initial_epoch"]
    if resumed:
        print(f"resumed from {state_dir} after epoch {resumed}")
    print(f"trained {epochs_run} epochs in {seconds:.0f} s ({words_per_second:,.0f} words/s); loss per epoch:",
          " ".join(f"{loss:.4f}" for loss in history["loss"]))
    vectors = model.word_vectors(corpus.words, corpus.counts.tolist())
    print("evaluation:")
    metrics = {"evaluation": evaluate(vectors, config)}
    metrics["training"] = {
        "seconds": round(seconds),
        "words_per_second": round(words_per_second),
        **({"resumed_after_epoch": resumed} if resumed else {}),
        "corpus_words": corpus.total_words,
        "vocabulary": corpus.vocabulary_size,
        "backend": keras.backend.backend(),
    }
    notes = (
        "Only the input vectors are shipped (zoo.load returns WordVectors); "
        "analogy accuracy is over the questions whose words are all among the "
        "30,000 most frequent (the rest count in analogy_oov_rate)."
    )
    if start_vectors is not None:
        added = corpus.vocabulary_size - len(start_vectors)
        metrics["training"]["words_added"] = added
        notes += (
            f" Training continued from {config.from_checkpoint}: its {len(start_vectors):,} "
            f"words keep their ids and started from its vectors; the {added:,} new words "
            "follow them (so restrict_vocab searches the old words first) and started as in "
            "word2vec.c (input vectors uniform in +-0.5/dimension). The checkpoint kept no "
            "output vectors, so every output vector started at zero. Counts are the "
            "checkpoint's plus this corpus's."
        )
    source = f"tfds {config.tfds}[{config.tfds_split}]" if config.tfds else config.corpus
    if not config.tfds and Path(config.corpus).name == "english.txt" and not config.data:
        config.data, config.data_license = ENGLISH_CORPUS, ENGLISH_LICENSE
    card = {
        "task": "word vectors (similarity, analogies, pretrained embeddings)",
        "description": (
            f"{config.model} word2vec, {config.dimension}-d, {corpus.vocabulary_size:,} words"
            + (f", continued from {config.from_checkpoint}" if start_vectors is not None else "")
        ),
        "data": config.data or source,
        "data_license": config.data_license,
        "notes": notes,
        "recipe_command": "python recipes/word2vec.py " + shlex.join(argv),
        "metrics": metrics,
        "headline_metric": "evaluation/wordsim353_spearman",
        "config": dataclasses.asdict(config),
    }
    print("\n" + metrics_table(metrics) + "\n")
    path = zoo.save(vectors, config.out, card=card)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
