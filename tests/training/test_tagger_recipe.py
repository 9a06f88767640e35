"""recipes/tagger.py end to end on tiny CoNLL-U files: it trains a tagger,
then fine-tunes it with --from on data with new words and a new label; bad
--from / --freeze values exit with status 2 and write nothing."""

import json
from pathlib import Path

import numpy as np
import pytest

import zoo
from zoo.training.recipe_registry import load_recipe

NOUNS = [f"n{i}" for i in range(6)]
VERBS = [f"v{i}" for i in range(6)]
ADJECTIVES = ["big", "red", "old"]


def write_conllu(path, count, seed, adjectives=False):
    """DET (ADJ) NOUN VERB sentences in CoNLL-U; returns them as (word, tag) lists."""
    rng = np.random.default_rng(seed)
    sentences, lines = [], []
    for number in range(count):
        words = [("the", "DET")]
        if adjectives:
            words.append((str(rng.choice(ADJECTIVES)), "ADJ"))
        words += [(str(rng.choice(NOUNS)), "NOUN"), (str(rng.choice(VERBS)), "VERB")]
        sentences.append(words)
        lines.append(f"# sent_id = s{number}")
        for index, (word, tag) in enumerate(words, 1):
            lines.append(f"{index}\t{word}\t{word}\t{tag}\t_\t_\t0\tdep\t_\t_")
        lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return sentences


TINY = ["--label-cols", "upos", "--units", "8", "--num-layers", "1", "--word-dim", "8",
        "--character-encoder", "cnn", "--character-units", "4", "--dropout", "0",
        "--word-dropout", "0", "--batch-size", "16", "--patience", "3"]


def accuracy(tagger, sentences):
    guesses = tagger.tag([[word for word, _ in s] for s in sentences])
    pairs = [g == tag for s, tags in zip(sentences, guesses) for (_, tag), g in zip(s, tags)]
    return float(np.mean(pairs))


def test_train_then_fine_tune_on_new_words_and_labels(tmp_path, capsys):
    recipe = load_recipe("tagger")
    old_train = tmp_path / "old_train.conllu"
    write_conllu(old_train, 96, seed=0)
    old_dev = write_conllu(tmp_path / "old_dev.conllu", 32, seed=1)
    base = str(tmp_path / "base_tagger")
    argv = ["--train", str(old_train), "--dev", str(tmp_path / "old_dev.conllu"), *TINY,
            "--learning-rate", "0.02", "--epochs", "12", "--out", base]
    assert recipe.main(argv) == 0
    capsys.readouterr()
    old = zoo.load(base)
    assert accuracy(old, old_dev) == 1.0
    assert old.card.config["learning_rate"] == 0.02 and old.card.config["units"] == 8

    new_train = tmp_path / "new_train.conllu"
    write_conllu(new_train, 96, seed=2, adjectives=True)
    new_dev = write_conllu(tmp_path / "new_dev.conllu", 32, seed=3, adjectives=True)
    tuned = str(tmp_path / "tuned_tagger")
    argv = ["--from", base, "--train", str(new_train), "--dev", str(tmp_path / "new_dev.conllu"),
            "--label-cols", "upos", "--batch-size", "16", "--epochs", "10",
            "--units", "99", "--learning-rate", "0.01", "--out", tuned]
    assert recipe.main(argv) == 0
    printed = capsys.readouterr().out
    assert f"fine-tuning {base}" in printed and "upos +1" in printed
    assert f"words +{len(ADJECTIVES)}" in printed
    model = zoo.load(tuned)
    assert model.units == 8  # the checkpoint's architecture, not --units
    assert "(ignored: --units 99)" in printed
    # The config printed at the start says what the model is, not the options.
    config_lines = printed.split("tagger recipe, config:\n")[1].splitlines()
    assert "units = 8" in [" ".join(line.split()) for line in config_lines]
    assert model.card.config["units"] == 8  # the card says what the model is
    # Dropout rates not given are the checkpoint's (0), not the defaults.
    assert model.dropout == model.card.config["dropout"] == 0
    assert model.word_dropout == model.card.config["word_dropout"] == 0
    assert model.vocabularies["upos"].tokens[-1] == "ADJ"
    assert accuracy(model, new_dev) == 1.0
    assert accuracy(model, old_dev) >= 0.95
    card = json.loads((Path(tuned) / "card.json").read_text())
    assert card["config"]["from_checkpoint"] == base
    assert "fine-tuned from" in card["description"]


def test_learning_rate_defaults_lower_when_fine_tuning():
    recipe = load_recipe("tagger")
    assert recipe.TaggerConfig().learning_rate == 2e-3
    assert recipe.TaggerConfig(from_checkpoint="x").learning_rate == 5e-4
    assert recipe.TaggerConfig(from_checkpoint="x", learning_rate=0.1).learning_rate == 0.1


@pytest.mark.parametrize(
    "options, message",
    [
        (["--from", "parity"], "is a ParityRNN checkpoint, not a SequenceTagger"),
        (["--from", "no_such_checkpoint"], "--from: "),
        (["--from", "pos_tagger_ewt_en", "--freeze", "decoder"], "--freeze: Cannot freeze"),
        (["--from", "pos_tagger_ewt_en", "--embeddings", "skip_gram_en"], "cannot be combined"),
    ],
)
def test_bad_fine_tuning_options_exit_2_and_write_nothing(tmp_path, capsys, options, message):
    recipe = load_recipe("tagger")
    data = tmp_path / "data.conllu"
    write_conllu(data, 4, seed=0)
    out = tmp_path / "never_written"
    argv = ["--train", str(data), "--dev", str(data), "--label-cols", "upos",
            "--out", str(out), *options]
    assert recipe.main(argv) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_resume_continues_and_precision_and_logdir_apply(tmp_path, capsys):
    recipe = load_recipe("tagger")
    data = tmp_path / "data.conllu"
    write_conllu(data, 32, seed=0)
    out = str(tmp_path / "tagger")
    argv = ["--train", str(data), "--dev", str(data), *TINY, "--out", out,
            "--logdir", str(tmp_path / "logs")]
    assert recipe.main(argv + ["--epochs", "1"]) == 0
    assert "epoch 1:" in capsys.readouterr().out
    assert any((tmp_path / "logs").rglob("events.out.tfevents*"))
    # Without --resume an existing state is an error, and nothing changes.
    saved = (tmp_path / "tagger.training" / "state.json").read_text()
    assert recipe.main(argv + ["--epochs", "2"]) == 2
    assert "pass --resume" in capsys.readouterr().err
    assert (tmp_path / "tagger.training" / "state.json").read_text() == saved
    assert recipe.main(argv + ["--epochs", "2", "--resume"]) == 0
    printed = capsys.readouterr().out
    assert "resuming from" in printed and "after epoch 1" in printed
    assert "epoch 2:" in printed and "epoch 1:" not in printed
    assert zoo.load(out).card.metrics["training"]["epochs"] == 2


def test_bad_precision_exits_2(tmp_path, capsys):
    recipe = load_recipe("tagger")
    data = tmp_path / "data.conllu"
    write_conllu(data, 4, seed=0)
    argv = ["--train", str(data), "--dev", str(data), "--precision", "float8",
            "--out", str(tmp_path / "never")]
    assert recipe.main(argv) == 2
    assert "--precision must be one of float32, mixed_bfloat16, mixed_float16" in capsys.readouterr().err
