"""recipes/tdnn.py end to end on a small synthetic text: it beats the unigram
baseline on held-out sentences and writes a checkpoint that loads; bad
options exit with status 2 and write nothing."""

import json
from pathlib import Path

import numpy as np
import pytest

import zoo
from zoo.training.recipe_registry import load_recipe

# Each word's possible successors: a small grammar a 2-word context predicts
# far better than word frequencies can.
NEXT = {"the": ["cat", "dog"], "a": ["cat", "dog"], "cat": ["sat", "ran"], "dog": ["sat", "ran"],
        "sat": ["on"], "ran": ["to"], "on": ["the", "a"], "to": ["the", "a"]}


@pytest.fixture(scope="module")
def recipe():
    return load_recipe("tdnn")


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    lines = []
    for _ in range(300):
        words = [str(rng.choice(["the", "a"]))]
        while len(words) < 9:
            words.append(str(rng.choice(NEXT[words[-1]])))
        lines.append(" ".join(words))
    path = tmp_path / "corpus.txt"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def small(corpus, out, *extra):
    return [
        "--corpus", str(corpus), "--min-count", "1", "--max-vocabulary", "0",
        "--context", "2", "--dimension", "8", "--hidden-units", "16", "--softmax", "full",
        "--epochs", "4", "--batch-size", "64", "--learning-rate", "0.02",
        "--dev-fraction", "0.1", "--out", str(out), *extra,
    ]


def test_trains_below_the_unigram_perplexity_and_writes_a_checkpoint(
    recipe, corpus, tmp_path, capsys
):
    out = tmp_path / "tdnn"
    assert recipe.main(small(corpus, out)) == 0
    card = json.loads((out / "card.json").read_text())
    dev = card["metrics"]["dev"]
    # The final summary table shows the card's numbers.
    assert f"| dev/perplexity | {dev['perplexity']:.6g} |" in capsys.readouterr().out
    # The grammar allows at most 2 successors per word: a model that learned
    # it is near perplexity 2; word frequencies alone give about 8.
    assert dev["perplexity"] < 0.5 * dev["unigram_perplexity"]
    assert dev["perplexity"] < 3.0
    model = zoo.load(str(out))
    assert type(model).__name__ == "TDNN"
    # The checkpoint carries its words: the loaded model reads sentences.
    assert sorted(model.words) == sorted({w for line in corpus.read_text().split("\n")
                                          for w in line.split()})
    successors = {word for word, _ in model.next_word_probabilities(["the"], topn=2)}
    assert successors == set(NEXT["the"])


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--context", "0"], "context"),
        (["--dev-fraction", "1.5"], "--dev-fraction must be in (0, 1)"),
        (["--hidden-units", "-3"], "hidden_units"),
    ],
)
def test_bad_options_exit_2_and_write_nothing(recipe, corpus, tmp_path, capsys, extra, message):
    out = tmp_path / "tdnn"
    assert recipe.main(small(corpus, out, *extra)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and not Path(f"{out}.training").exists()


def test_an_empty_corpus_exits_2(recipe, tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert recipe.main(small(empty, tmp_path / "tdnn")) == 2
    assert "no words" in capsys.readouterr().err
