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
from zoo.training.distribution import distribution_scope  # noqa: E402
from zoo.training.distribution import use_xla  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.runner_options import RunnerOptions  # noqa: E402
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
class Word2VecConfig(RunnerOptions):
    """Train skip-gram or CBOW word vectors."""

    corpus: str = option("english.txt", "text file, one sentence per line")
    tfds: str = option("", "a tfds text dataset instead of --corpus, e.g. lm1b")
    tfds_split: str = option("train", "tfds split")
    tfds_feature: str = option("text", "tfds feature holding the text")
    lowercase: bool = option(False, "lowercase the corpus (english.txt already is)")
    model: str = option("skipgram", "skipgram or cbow")
    # word2vec's and gensim's defaults, so results compare.
    dimension: int = option(100, "vector size")
    window: int = option(5, "largest context distance (a random 1..window per word)")
    negative: int = option(5, "noise words per center word")
    sample: float = option(1e-3, "subsampling threshold of frequent words")
    min_count: int = option(5, "drop words seen fewer times")
    # 70,000 x 100 float32 vectors keep the checkpoint under 30 MB.
    max_vocabulary: int = option(70_000, "keep at most this many words (0: all)")
    epochs: int = option(5, "passes over the corpus")
    learning_rate: float = option(0.025, "initial SGD step, decayed linearly to min_learning_rate")
    min_learning_rate: float = option(1e-4, "final SGD step")
    batch_size: int = option(1024, "center words per step")
    seed: int = option(1, "random seed")
    similarity: str = option("", "comma-separated word-pair files (default: gensim's wordsim353, simlex999)")
    analogies: str = option("", "analogy questions file (default: gensim's questions-words.txt)")
    out: str = option("checkpoints/skip_gram_en", "checkpoint folder or name to write")
    data: str = option("", "what the corpus is, for the model card (default: the corpus "
                       "path; for english.txt, what recipes/english_corpus.py puts in it)")
    data_license: str = option("", "the corpus license, for the model card")


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
        report = evaluate_word_similarity(vectors, path)
        name = Path(path).stem
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
    options = dict(
        min_count=config.min_count,
        max_vocabulary=config.max_vocabulary or None,
        lowercase=config.lowercase,
    )
    if config.tfds:
        return TextCorpus.from_tfds(
            config.tfds, split=config.tfds_split, feature=config.tfds_feature, **options
        )
    return TextCorpus.from_file(config.corpus, **options)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(Word2VecConfig, argv)
    print("word2vec recipe, config:\n" + format_config(config))
    keras.utils.set_random_seed(config.seed)
    try:
        if config.model not in MODELS:
            raise OptionError(f"--model must be one of {', '.join(MODELS)}, got {config.model!r}")
        apply_precision(config.precision)
        corpus = read_corpus(config)
    except (DataFormatError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"corpus: {corpus}; {corpus.total_words:,} words read")
    start = time.time()
    try:
        with distribution_scope(config.distribute):
            model = MODELS[config.model](
                corpus.vocabulary_size, config.dimension, config.learning_rate, seed=config.seed
            )
            history = train_word2vec(
                model,
                corpus,
                epochs=config.epochs,
                batch_size=config.batch_size,
                window=config.window,
                negative=config.negative,
                sample=config.sample,
                min_learning_rate=config.min_learning_rate,
                seed=config.seed,
                verbose=1 if sys.stdout.isatty() else 0,
                callbacks=runner_callbacks(config),
                jit_compile=use_xla(config.distribute),
            )
    except OptionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if model.stop_training:
        print("error: training stopped on a NaN/Inf loss; nothing written", file=sys.stderr)
        return 1
    seconds = time.time() - start
    words_per_second = corpus.total_words * config.epochs / seconds
    print(f"trained {config.epochs} epochs in {seconds:.0f} s ({words_per_second:,.0f} words/s); loss per epoch:",
          " ".join(f"{loss:.4f}" for loss in history["loss"]))
    vectors = model.word_vectors(corpus.words, corpus.counts.tolist())
    print("evaluation:")
    metrics = {"evaluation": evaluate(vectors, config)}
    metrics["training"] = {
        "seconds": round(seconds),
        "words_per_second": round(words_per_second),
        "corpus_words": corpus.total_words,
        "vocabulary": corpus.vocabulary_size,
        "backend": keras.backend.backend(),
    }
    source = f"tfds {config.tfds}[{config.tfds_split}]" if config.tfds else config.corpus
    if not config.tfds and Path(config.corpus).name == "english.txt" and not config.data:
        config.data, config.data_license = ENGLISH_CORPUS, ENGLISH_LICENSE
    card = {
        "task": "word vectors (similarity, analogies, pretrained embeddings)",
        "description": f"{config.model} word2vec, {config.dimension}-d, {corpus.vocabulary_size:,} words",
        "data": config.data or source,
        "data_license": config.data_license,
        "notes": (
            "Only the input vectors are shipped (zoo.load returns WordVectors); "
            "analogy accuracy is over the questions whose words are all among the "
            "30,000 most frequent (the rest count in analogy_oov_rate)."
        ),
        "recipe_command": "python recipes/word2vec.py " + shlex.join(argv),
        "metrics": metrics,
        "headline_metric": "evaluation/wordsim353_spearman",
        "config": dataclasses.asdict(config),
    }
    path = zoo.save(vectors, config.out, card=card)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
