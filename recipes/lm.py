"""Train an RNN language model (word or character level) by truncated BPTT.

    python recipes/lm.py                       # word level, UD English EWT
    python recipes/lm.py --level char          # character level, UD English EWT
    python recipes/lm.py --text corpus.txt --out my_lm

By default the model reads the sentences of UD English EWT (the FORM column
of `en_ewt-ud-train.conllu`, one sentence per line, tokens joined by
spaces) and is scored on `en_ewt-ud-dev.conllu`; `--text FILE` trains on
any UTF-8 text file instead, with `--dev-text FILE` or the last
`--dev-fraction` of its lines held out. The training text is one token
stream (a line break is the token "<eos>"), cut into `--batch-size`
contiguous rows and chunks of `--bptt` steps (`zoo.data.BPTTBatches`);
the states are carried from chunk to chunk.

After every epoch the held-out text is scored with the full softmax
(`LanguageModel.text_metrics`, in `--score-rows` pieces read side by side);
at the end it is scored exactly, as one stream: every token predicted from
all the text before it. The metric is perplexity at the word level, bits
per character at the character level, printed beside an add-one unigram
baseline. The learning rate is halved when it stops improving and training
stops after `--patience` epochs without improvement; the best epoch's
weights are kept and written with a model card (`zoo.save`).

Training keeps a resumable state in `--state-dir` (default `OUT.training`):
the same command with `--resume` goes on from the last finished epoch.

Fine-tuning starts from a language model checkpoint instead of random
weights: it keeps the checkpoint's architecture, level and vocabulary,
appends the tokens the new text adds (each new token starts as the
unknown token, so the old predictions hardly move:
`zoo.models.language_model_fine_tuning.extend_language_model`), and trains
at a lower default learning rate; `--freeze` keeps parts fixed:

    python recipes/lm.py --from char_lm_ewt_en --text my.txt --out my_char_lm
    python recipes/lm.py --from char_lm_ewt_en --text my.txt --freeze embeddings \
        --out my_char_lm

`--distribute` trains data-parallel on all GPUs (or CPUs); each device
carries the states of its own rows of the stream (`--batch-size` must be a
multiple of the number of devices).
"""

import dataclasses
import math
import os
import shlex
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import zoo  # noqa: E402
from zoo.data.bptt_batches import BPTTBatches  # noqa: E402
from zoo.data.conllu_reader import read_conllu  # noqa: E402
from zoo.data.data_format_error import DataFormatError  # noqa: E402
from zoo.data.data_format_error import numbered_lines  # noqa: E402
from zoo.models.language_model import LanguageModel  # noqa: E402
from zoo.models.language_model_fine_tuning import REGULARIZATION  # noqa: E402
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
from zoo.training.warm_average_adam import WarmAverageAdam  # noqa: E402

EWT = "../shared/data/ud-en-ewt"
# Level-dependent defaults, used where an option is left at 0.
LEVEL_DEFAULTS = {
    # Zaremba et al.'s medium PTB model shrunk for 200k words; tied (Press & Wolf).
    "word": {"embedding_dim": 256, "units": 256, "bptt": 35, "min_count": 2, "score_rows": 1},
    # Characters need longer chunks to carry words and phrases.
    "char": {"embedding_dim": 64, "units": 256, "bptt": 100, "min_count": 1, "score_rows": 32},
}
# The model options `--from` takes from the checkpoint (`LanguageModel` attributes);
# its dropout rates too, unless given (`REGULARIZATION`).
ARCHITECTURE = ("cell", "embedding_dim", "units", "num_layers", "tie_embeddings")


@dataclasses.dataclass
class LMConfig(FineTuningOptions, DevStoppingRunnerOptions):
    """Train an RNN language model by truncated backpropagation through time."""

    level: str = option("", "word or char (default: word, or the --from checkpoint's)")
    text: str = option("", "training text file, one line per sentence/paragraph (default: EWT)")
    dev_text: str = option("", "held-out text file (default: EWT dev, or the end of --text)")
    dev_fraction: float = option(0.05, "with --text and no --dev-text: the last lines held out")
    ewt_dir: str = option(EWT, "folder of en_ewt-ud-train.conllu and en_ewt-ud-dev.conllu")
    max_train_lines: int = option(0, "use only the first N training lines (0: all)")
    max_dev_lines: int = option(0, "score only the first N held-out lines (0: all)")
    min_count: int = option(0, "rarer tokens read as [UNK] (0: 2 words, 1 character)")
    max_vocabulary: int = option(0, "keep at most this many tokens (0: all)")
    cell: str = option("lstm", "RNN cell (SEQUENCE_LAYERS: lstm, gru, layer_norm_lstm, ...)")
    embedding_dim: int = option(0, "token embedding size (0: 256 words, 64 characters)")
    units: int = option(0, "units per RNN layer (0: 256)")
    num_layers: int = option(2, "stacked RNN layers")
    tie_embeddings: bool = option(True, "share the input and output embeddings")
    # Variational dropouts (Gal & Ghahramani; AWD-LSTM's dropoute, dropouti, dropouth).
    embedding_dropout: float = option(0.1, "drop whole token types from the embedding")
    input_dropout: float = option(0.3, "dropout on the embeddings")
    # 0 by default: with it, Keras' LSTM and GRU cells switch to their per-gate
    # implementation, measured 1.3x slower to train and 8x slower to score on a
    # TensorFlow CPU (the zoo cells, e.g. --cell layer_norm_lstm, are not slowed).
    recurrent_dropout: float = option(0.0, "the cells' recurrent (variational) dropout")
    output_dropout: float = option(0.5, "dropout on every RNN layer's output")
    batch_size: int = option(32, "parallel rows of the token stream")
    bptt: int = option(0, "steps per chunk, how far gradients reach (0: 35 words, 100 chars)")
    # Fine-tuning starts near a good solution: smaller steps keep it there.
    learning_rate: float = option(0.0, "Adam learning rate (0: 2e-3, or 5e-4 with --from)")
    # Of all gradients together, as in Zaremba et al. and AWD-LSTM.
    global_clipnorm: float = option(1.0, "global gradient norm clipping")
    epochs: int = option(40, "maximum epochs")
    # Pieces side by side help where the recurrent steps cost most (characters);
    # with a large vocabulary the softmax dominates and one stream is as fast.
    score_rows: int = option(0, "held-out pieces scored side by side (0: 1 word, 32 char)")
    patience: int = option(4, "stop after this many epochs without held-out improvement")
    decay_patience: int = option(1, "halve the learning rate after this many such epochs")
    seed: int = option(1, "random seed")
    out: str = option(
        "",
        "checkpoint to write (default on EWT: checkpoints/LEVEL_lm_ewt_en, or "
        "checkpoints/NAME_fine_tuned with --from NAME)",
    )


def ewt_lines(path):
    """The sentences of a CoNLL-U file, tokens joined by spaces."""
    return [" ".join(sentence.tokens) for sentence in read_conllu(path, label_columns=())]


def text_lines(path):
    return [line for _, line in numbered_lines(path)]


def read_texts(config):
    """`(train_lines, dev_lines, description)`."""
    if not config.text:
        train = ewt_lines(os.path.join(config.ewt_dir, "en_ewt-ud-train.conllu"))
        dev = ewt_lines(os.path.join(config.ewt_dir, "en_ewt-ud-dev.conllu"))
        return train, dev, "UD English EWT train (held out: EWT dev), sentence forms"
    lines = text_lines(config.text)
    if config.dev_text:
        return lines, text_lines(config.dev_text), f"{config.text} (held out: {config.dev_text})"
    if not 0 < config.dev_fraction < 1:
        raise ValueError(f"--dev-fraction must be in (0, 1), got {config.dev_fraction}")
    split = int(len(lines) * (1 - config.dev_fraction))
    if not 0 < split < len(lines):
        raise ValueError(f"{config.text} has too few lines ({len(lines)}) to hold some out")
    held_out = f"{config.text} (held out: its last {len(lines) - split} lines)"
    return lines[:split], lines[split:], held_out


def unigram_cross_entropy(train_ids, dev_ids, vocabulary_size):
    """Nats per token of an add-one-smoothed unigram model of the training ids."""
    counts = np.bincount(train_ids, minlength=vocabulary_size)[1:] + 1.0
    log_p = np.log(counts / counts.sum())
    return -float(log_p[dev_ids - 1].mean())


def resolved(config, start=None):
    """The config with the level's defaults filled in where left at 0; with
    `start` (the --from checkpoint) the level is the checkpoint's.

    Raises:
        OptionError: a --level other than word, char or the checkpoint's; --freeze
            without --from.
    """
    level = config.level or "word"
    if start is not None:
        if config.level and config.level != start.level:
            raise OptionError(
                f"--level {config.level} conflicts with --from {config.from_checkpoint}, "
                f"a {start.level}-level model: fine-tuning keeps the checkpoint's level "
                "(leave --level out)"
            )
        level = start.level
    config.freeze_parts()  # --freeze without --from
    if level not in LEVEL_DEFAULTS:
        raise OptionError(f"--level must be word or char, got {level!r}")
    defaults = LEVEL_DEFAULTS[level]
    values = {name: getattr(config, name) or default for name, default in defaults.items()}
    out = config.out
    if not out and not config.text:
        if start is not None:
            name = os.path.basename(os.path.normpath(config.from_checkpoint))
            out = f"checkpoints/{name}_fine_tuned"
        else:
            out = f"checkpoints/{level}_lm_ewt_en"
    return dataclasses.replace(config, **values, level=level, out=out)


def fine_tuning_start(config, start, train_text):
    """The --from checkpoint grown to the training text's vocabulary, with
    --freeze applied, and the new tokens."""
    from zoo.models.language_model_fine_tuning import extend_language_model
    from zoo.models.language_model_fine_tuning import freeze_language_model

    regularization = {name: getattr(config, name) for name in REGULARIZATION}
    model, added = extend_language_model(start, train_text, min_count=config.min_count,
                                         regularization=regularization)
    shown = ", ".join(repr(token) for token in added[:20]) + (", ..." if len(added) > 20 else "")
    print(
        f"{start.level}-level vocabulary grown by {len(added)} "
        f"({start.vocabulary_size:,} -> {model.vocabulary_size:,})"
        + (f": {shown}" if added else ""),
        flush=True,
    )
    parts = config.freeze_parts()
    if parts:
        try:
            frozen = freeze_language_model(model, parts)
        except ValueError as error:
            raise OptionError(f"--freeze: {error}")
        print(f"frozen: {', '.join(frozen)}", flush=True)
    return model, added


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(LMConfig, argv)
    start = (
        load_checkpoint_of(config.from_checkpoint, LanguageModel, "lm")
        if config.from_checkpoint else None
    )
    if start is not None:
        print(f"fine-tuning {config.from_checkpoint}, keeping its architecture: "
              f"{config.take_architecture(start, ARCHITECTURE)}; "
              f"{config.take_regularization(start, REGULARIZATION)}", flush=True)
    config = resolved(config, start)
    print("lm recipe, config:\n" + format_config(config), flush=True)
    keras.utils.set_random_seed(config.seed)
    try:
        apply_precision(config.precision)
        train_lines, dev_lines, data = read_texts(config)
    except (DataFormatError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if config.max_train_lines:
        train_lines = train_lines[: config.max_train_lines]
    if config.max_dev_lines:
        dev_lines = dev_lines[: config.max_dev_lines]
    with distribution_scope(config.distribute):
        return train_and_save(config, argv, train_lines, dev_lines, data, start)


def train_and_save(config, argv, train_lines, dev_lines, data, start=None):
    """Build (or grow `start`, the --from checkpoint), train with held-out
    early stopping, evaluate, write the checkpoint."""
    train_text = "".join(line + "\n" for line in train_lines)
    dev_text = "".join(line + "\n" for line in dev_lines)
    added = []
    try:
        if start is not None:
            model, added = fine_tuning_start(config, start, train_text)
        else:
            model = new_model(config, train_text)
        train_ids, dev_ids = model.encode(train_text), model.encode(dev_text)
        batches = BPTTBatches(train_ids, batch_size=config.batch_size, bptt=config.bptt)
        if not len(dev_ids):
            raise ValueError("the held-out text is empty")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    unit = "words" if config.level == "word" else "characters"
    unigram = unigram_cross_entropy(train_ids, dev_ids, model.vocabulary_size)
    print(
        f"train: {len(train_lines):,} lines, {len(train_ids):,} {unit} (line breaks "
        f"included); held out: {len(dev_lines):,} lines, {len(dev_ids):,} {unit}, "
        f"{np.mean(dev_ids == 1):.2%} unknown; vocabulary {model.vocabulary_size:,}; "
        f"{len(batches)} chunks of {config.batch_size} x {config.bptt} per epoch; "
        f"parameters {model.count_params():,}",
        flush=True,
    )
    print(f"unigram baseline: {describe(config.level, unigram)}", flush=True)
    model.compile(
        optimizer=WarmAverageAdam(
            config.learning_rate, global_clipnorm=config.global_clipnorm,
            **config.weight_averaging(),
        ),
        jit_compile=use_xla(config.distribute),
    )

    def held_out_score(model):
        metrics = model.text_metrics(dev_text, rows=config.score_rows)
        return metrics["cross_entropy"], {
            "perplexity": metrics["perplexity"],
            **({"bits_per_character": metrics["bits_per_character"]}
               if config.level == "char" else {}),
        }

    stopping = fit_with_dev_stopping(
        model, config, held_out_score, higher_is_better=False, out=config.out,
        throughput=(len(batches) * config.batch_size * config.bptt,
                    "chars" if config.level == "char" else "words"),
        x=batches,
    )
    epochs_run = len(stopping.history)

    scoring_started = time.time()
    final = model.text_metrics(dev_text)
    score_seconds = time.time() - scoring_started
    held_out = {
        "tokens": final["tokens"],
        "unknown_tokens": final["unknown"],
        "cross_entropy": round(final["cross_entropy"], 5),
        "perplexity": round(final["perplexity"], 3),
        "unigram_perplexity": round(math.exp(unigram), 3),
        "tokens_per_second_scoring": round(final["tokens"] / score_seconds),
    }
    if config.level == "char":
        held_out["bits_per_character"] = round(final["bits_per_character"], 5)
        held_out["unigram_bits_per_character"] = round(unigram / math.log(2), 5)
    metrics = {
        "dev": held_out,
        "training": {
            "epochs": epochs_run,
            "best_epoch": stopping.best_epoch,
            "train_tokens": int(len(train_ids)),
            "vocabulary": model.vocabulary_size,
            "backend": keras.backend.backend(),
            "seconds": round(stopping.seconds),
            "seconds_per_epoch": round(stopping.seconds / max(epochs_run, 1), 1),
            "dev_cross_entropy_per_epoch": [
                round(entry["score"], 4) for entry in stopping.history
            ],
        },
    }
    print(f"best epoch {stopping.best_epoch} of {epochs_run}: held-out "
          f"{describe(config.level, final['cross_entropy'])} (unigram "
          f"{describe(config.level, unigram)})", flush=True)
    for split, values in metrics.items():
        for name, value in values.items():
            print(f"  {split:<9} {name:<28} {value}")
    for line in model.predict_text(sample_prompts(model, dev_lines)):
        print(f"  sample: {line}")
    if not config.out:
        return 0
    headline = "bits_per_character" if config.level == "char" else "perplexity"
    card = zoo.ModelCard(
        name=os.path.basename(os.path.normpath(config.out)),
        task=f"{config.level}-level language modelling (next-token probabilities, generation)",
        description=(
            f"{model.level}-level {model.num_layers}x{model.units} {model.cell} language "
            f"model{', tied embeddings' if model.tie_embeddings else ''}, truncated BPTT "
            f"{config.bptt}"
            + (f", fine-tuned from {config.from_checkpoint}" if start is not None else "")
        ),
        data=data,
        data_license=(
            "CC BY-SA 4.0 (UD English EWT)" if not config.text else "see the data's license"
        ),
        recipe_command=shlex.join(["python", "recipes/lm.py", *argv]),
        metrics=metrics,
        headline_metric=f"dev/{headline}",
        notes=(
            "Held-out metrics are exact: the text read as one stream after a line "
            "break, every token (line breaks included) predicted from all the text "
            "before it with the full softmax. Tokens outside the vocabulary are "
            "scored as [UNK] (see unknown_tokens). The held-out split chose the "
            "epoch (early stopping), so it is slightly optimistic."
            + (fine_tuning_note(config, start, added) if start is not None else "")
        ),
        config=dataclasses.asdict(config),
    )
    print("\n" + metrics_table(metrics) + "\n")
    folder = zoo.save(model, config.out, card=card)
    print(f"wrote {folder}")
    return 0


def new_model(config, train_text):
    """A language model with the vocabulary of the training text, from the options."""
    return LanguageModel.from_text(
        train_text,
        level=config.level,
        min_count=config.min_count,
        max_vocabulary=config.max_vocabulary or None,
        embedding_dim=config.embedding_dim,
        cell=config.cell,
        units=config.units,
        num_layers=config.num_layers,
        tie_embeddings=config.tie_embeddings,
        embedding_dropout=config.embedding_dropout,
        input_dropout=config.input_dropout,
        recurrent_dropout=config.recurrent_dropout,
        output_dropout=config.output_dropout,
        seed=config.seed,
        name=f"{config.level}_lm",
    )


def fine_tuning_note(config, start, added):
    """The card's note on where a fine-tuned model started."""
    card = getattr(start, "card", None)
    origin = f" ({card.data})" if card is not None and getattr(card, "data", None) else ""
    frozen = f"; kept fixed: {config.freeze}" if config.freeze else ""
    return (
        f" Fine-tuned from the checkpoint {config.from_checkpoint}{origin}: its "
        f"architecture and weights, its vocabulary of {start.vocabulary_size:,} tokens "
        f"grown by the {len(added):,} new tokens of the training text (each started as "
        f"[UNK]){frozen}."
    )


def sample_prompts(model, dev_lines, count=3):
    """Prompts to show samples of: the model's demo inputs, then the first
    words of held-out lines; only those whose every token it knows."""
    candidates = [*model.demo_inputs, *(" ".join(line.split()[:4]) for line in dev_lines[:50])]
    prompts = []
    for prompt in candidates:
        try:
            model.prompt_ids(prompt)
        except ValueError:
            continue
        prompts.append(prompt)
        if len(prompts) == count:
            break
    return prompts


def describe(level, cross_entropy):
    if level == "char":
        return f"{cross_entropy / math.log(2):.4f} bits per character"
    return f"perplexity {math.exp(cross_entropy):.2f}"


if __name__ == "__main__":
    sys.exit(main())
