"""recipes/g2p.py end to end on a small synthetic dictionary: it trains,
early-stops, evaluates with beam search, writes a checkpoint that loads,
and a second run resumes instead of starting over (with a weight average)."""

import zlib

import numpy as np
import pytest

import zoo
from zoo.training.recipe_registry import load_recipe

PHONES = dict(zip("abcdefgh", ["AE1", "B", "K", "D", "EH0", "F", "G", "HH"]))


def synthetic_dictionary(path):
    """Words of 3-7 letters a-h, each letter read as one phone."""
    rng = np.random.default_rng(0)
    words = sorted({"".join(rng.choice(list(PHONES), rng.integers(3, 8))) for _ in range(2000)})
    path.write_text("".join(f"{w} {' '.join(PHONES[c] for c in w)}\n" for w in words))
    return words


def test_recipe_trains_evaluates_saves_and_resumes(tmp_path, capsys):
    words = synthetic_dictionary(tmp_path / "tiny.dict")
    test_words = [w for w in words if zlib.crc32(w.encode()) % 10 == 0]
    recipe = load_recipe("g2p")
    argv = ["--cmudict", str(tmp_path / "tiny.dict"), "--units", "32", "--decoder-units", "48",
            "--num-layers", "1",
            "--embedding-dim", "16", "--dropout", "0", "--batch-size", "16",
            "--learning-rate", "0.01", "--beam-width", "3", "--ema-momentum", "0.99",
            "--epochs", "5", "--out", str(tmp_path / "g2p_tiny")]
    assert recipe.main(argv) == 0
    printed = capsys.readouterr().out
    assert "epoch 5:" in printed and "wrote" in printed
    # The checkpoint holds the averaged weights (warmed up: WarmAverageAdam).
    assert "moving average of the weights (momentum 0.99, warmed up)" in printed

    model = zoo.load(str(tmp_path / "g2p_tiny"))
    assert (model.units, model.decoder_units) == (32, 48)
    assert "48-unit decoder" in model.card.description
    card = model.card.metrics
    assert card["test"]["words"] == len(test_words)
    assert card["training"]["epochs"] == 5
    # Each letter is one phone: the model must have learned the mapping.
    predictions = model.transduce(test_words, beam_width=3)
    wrong = sum(p != [PHONES[c] for c in w] for p, w in zip(predictions, test_words))
    assert card["test"]["wer"] == pytest.approx(wrong / len(test_words), abs=1e-5)
    assert wrong / len(test_words) < 0.15
    assert model.transduce(["BAD"]) == [["B", "AE1", "D"]]  # normalized to lowercase

    # Run again with --resume and more epochs: it resumes after epoch 5.
    assert recipe.main(argv[:-4] + ["--epochs", "6", "--out", str(tmp_path / "g2p_tiny"),
                              "--resume"]) == 0
    printed = capsys.readouterr().out
    assert "resuming" in printed and "after epoch 5" in printed
    assert "epoch 6:" in printed and "epoch 1:" not in printed
    assert zoo.load(str(tmp_path / "g2p_tiny")).card.metrics["training"]["epochs"] == 6
