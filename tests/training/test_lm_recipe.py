"""recipes/lm.py end to end on a small synthetic text: it trains by truncated
BPTT, scores held-out perplexity, writes a checkpoint that loads and
continues a prompt; --resume continues a run instead of starting over (slow)."""


import numpy as np
import pytest

import zoo
from zoo.training.recipe_registry import load_recipe

WORDS = ["the", "a", "cat", "dog", "sat", "ran", "on", "to", "mat", "park", "."]
# Each word's possible successors: a small, mostly deterministic grammar.
NEXT = {"the": ["cat", "dog"], "a": ["cat", "dog"], "cat": ["sat", "ran"], "dog": ["sat", "ran"],
        "sat": ["on"], "ran": ["to"], "on": ["the", "a"], "to": ["the", "a"],
        "mat": ["."], "park": ["."]}


def sentences(rng, count):
    lines = []
    for _ in range(count):
        words = [rng.choice(["the", "a"])]
        while words[-1] != ".":
            if words[-1] in ("the", "a") and len(words) > 3:
                words.append(rng.choice(["mat", "park"]))
            else:
                words.append(rng.choice(NEXT[words[-1]]))
        lines.append(" ".join(words))
    return "".join(line + "\n" for line in lines)


def recipe_argv(tmp_path, epochs):
    rng = np.random.default_rng(0)
    (tmp_path / "train.txt").write_text(sentences(rng, 400))
    (tmp_path / "dev.txt").write_text(sentences(rng, 40))
    return ["--text", str(tmp_path / "train.txt"), "--dev-text", str(tmp_path / "dev.txt"),
            "--min-count", "1", "--embedding-dim", "8", "--units", "24", "--num-layers", "1",
            "--embedding-dropout", "0", "--input-dropout", "0", "--recurrent-dropout", "0",
            "--output-dropout", "0", "--batch-size", "8", "--bptt", "20",
            "--learning-rate", "0.02", "--epochs", str(epochs), "--out", str(tmp_path / "lm_tiny")]


def test_recipe_trains_evaluates_and_saves(tmp_path, capsys):
    assert load_recipe("lm").main(recipe_argv(tmp_path, epochs=3)) == 0
    printed = capsys.readouterr().out
    assert "epoch 3:" in printed and "unigram baseline" in printed and "wrote" in printed
    # The demo prompts have words this vocabulary lacks: held-out line starts instead.
    assert printed.count("  sample: the ") + printed.count("  sample: a ") == 3
    model = zoo.load(str(tmp_path / "lm_tiny"))
    metrics = model.card.metrics["dev"]
    assert model.card.headline_metric == "dev/perplexity"
    assert metrics["tokens"] == len(model.encode((tmp_path / "dev.txt").read_text()))
    assert metrics["perplexity"] < 0.5 * metrics["unigram_perplexity"]
    [line] = model.predict_text(["the cat"])
    assert line.startswith("the cat ") and set(line.replace("\\n", " ").split()) <= set(WORDS)


@pytest.mark.slow
def test_resume_continues_the_run(tmp_path, capsys):
    recipe = load_recipe("lm")
    assert recipe.main(recipe_argv(tmp_path, epochs=2)) == 0
    capsys.readouterr()
    assert recipe.main(recipe_argv(tmp_path, epochs=3) + ["--resume"]) == 0
    printed = capsys.readouterr().out
    assert "resuming" in printed and "after epoch 2" in printed
    assert "epoch 3:" in printed and "epoch 1:" not in printed


def test_mixed_precision_and_tensorboard_logs(tmp_path, capsys):
    import keras

    argv = recipe_argv(tmp_path, epochs=2) + ["--precision", "mixed_bfloat16",
                                              "--logdir", str(tmp_path / "logs")]
    try:
        assert load_recipe("lm").main(argv) == 0
    finally:
        keras.config.set_dtype_policy("float32")
    assert any((tmp_path / "logs").rglob("events.out.tfevents*"))
    metrics = zoo.load(str(tmp_path / "lm_tiny")).card.metrics["dev"]
    # bfloat16 compute still learns the grammar.
    assert metrics["perplexity"] < 0.7 * metrics["unigram_perplexity"]
