"""recipes/g2p_rerank.py on a small synthetic dictionary: it tunes the
rescorer weight on dev, scores test, and writes a half-precision
RerankedSeq2Seq checkpoint whose card matches what the model does."""

import zlib

import h5py
import keras
import numpy as np
import pytest
from test_g2p_recipe import PHONES
from test_g2p_recipe import synthetic_dictionary

import zoo
from zoo.models import RerankedSeq2Seq
from zoo.models import Seq2Seq
from zoo.training.checkpoint_evaluation import evaluate_on_file
from zoo.training.recipe_registry import load_recipe


def trained(words, reverse_targets):
    keras.utils.set_random_seed(3)
    phones = [[PHONES[c] for c in w] for w in words]
    model = Seq2Seq.from_sequences(words, phones, units=16, embedding_dim=8,
                                   normalizer="g2p_word", reverse_targets=reverse_targets)
    x, y = model.encode(words, phones)
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    size = 50 * (len(words) // 50)
    model.fit({k: v[:size] for k, v in x.items()}, y[:size], batch_size=50, epochs=2, verbose=0)
    return model


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rerank")
    words = synthetic_dictionary(folder / "tiny.dict")
    train = [w for w in words if zlib.crc32(w.encode()) % 10 > 1]
    zoo.save(trained(train, False), folder / "l2r")
    zoo.save(trained(train, True), folder / "r2l", card=zoo.ModelCard(
        name="r2l", recipe_command="python recipes/g2p.py --reverse-targets",
        metrics={"training": {"epochs": 2}}))
    return folder, words


def test_recipe_tunes_the_weight_on_dev_and_writes_what_it_measured(checkpoints, capsys):
    folder, words = checkpoints
    out = folder / "reranked"
    argv = ["--cmudict", str(folder / "tiny.dict"), "--generator", str(folder / "l2r"),
            "--rescorer", str(folder / "r2l"), "--beam-width", "3", "--max-weight", "1",
            "--weight-step", "0.5", "--max-margin", "3", "--margin-step", "0.5",
            "--out", str(out)]
    assert load_recipe("g2p_rerank").main(argv) == 0
    printed = capsys.readouterr().out
    assert "chosen: w =" in printed and "wrote" in printed

    model = zoo.load(str(out))
    assert isinstance(model, RerankedSeq2Seq) and model.rescorer.reverse_targets
    with h5py.File(out / "model.weights.h5") as file:
        dtypes = set()
        file.visititems(lambda _, item: dtypes.add(item.dtype)
                        if isinstance(item, h5py.Dataset) else None)
    assert dtypes == {np.dtype("float16")}
    card = model.card.metrics
    tried = {float(w): wer for w, wer in card["rerank"]["dev_wer_no_stress_by_weight"].items()}
    assert sorted(tried) == [0.0, 0.5, 1.0]
    assert model.rescorer_weight == card["rerank"]["rescorer_weight"] == min(
        tried, key=lambda w: (tried[w], w))
    # The margin: the smallest one tried that loses nothing on dev (the
    # card's WERs are rounded to 5 places both ways), or None.
    by_margin = {float(m): v["wer_no_stress"] for m, v in card["rerank"]["dev_by_margin"].items()}
    full = round(tried[model.rescorer_weight], 5)
    assert model.rescore_margin == card["rerank"]["rescore_margin"]
    assert all(wer > full for m, wer in by_margin.items()
               if model.rescore_margin is None or m < model.rescore_margin)
    if model.rescore_margin is not None:
        assert by_margin[model.rescore_margin] <= full
        assert max(by_margin) == model.rescore_margin  # the search stops there
    else:
        assert sorted(by_margin) == [0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
    # The card's test WER is the saved model's: recount it here.
    test_words = [w for w in words if zlib.crc32(w.encode()) % 10 == 0]
    predictions = model.transduce(test_words, beam_width=3)
    wrong = sum(p != [PHONES[c] for c in w] for p, w in zip(predictions, test_words))
    assert card["test"]["wer"] == pytest.approx(wrong / len(test_words), abs=1e-5)
    assert card["test"]["words"] == len(test_words)
    # `zoo eval` scores the reranked model on any CMUdict-format file.
    what, scores = evaluate_on_file(model, folder / "tiny.dict", beam_width=3)
    predictions = model.transduce(words, beam_width=3)
    wrong = sum(p != [PHONES[c] for c in w] for p, w in zip(predictions, words))
    assert "grapheme-to-phoneme" in what
    assert scores["wer"] == pytest.approx(wrong / len(words), abs=1e-9)
    assert "g2p_rerank.py" in model.card.recipe_command and model.card.name == "reranked"

    # A reranked checkpoint given as --rescorer lends its rescorer, with
    # that model's own recipe and training record: re-tuning keeps them.
    argv = ["--cmudict", str(folder / "tiny.dict"), "--generator", str(folder / "l2r"),
            "--rescorer", str(out), "--beam-width", "3", "--out", str(folder / "again")]
    assert load_recipe("g2p_rerank").main(argv) == 0
    again = zoo.load(str(folder / "again")).card
    assert again.config["rescorer_recipe"] == "python recipes/g2p.py --reverse-targets"
    assert again.metrics["rescorer_training"] == card["rescorer_training"] == {"epochs": 2}

    # recipes/g2p.py --from the reranked checkpoint fine-tunes one of its
    # models: with --reverse-targets, the right-to-left rescorer.
    argv = ["--cmudict", str(folder / "tiny.dict"), "--from", str(out), "--reverse-targets",
            "--epochs", "1", "--batch-size", "64", "--beam-width", "2",
            "--out", str(folder / "r2l_tuned")]
    assert load_recipe("g2p").main(argv) == 0
    assert "fine-tuning the rescorer of" in capsys.readouterr().out
    tuned = zoo.load(str(folder / "r2l_tuned"))
    assert isinstance(tuned, Seq2Seq) and tuned.reverse_targets


@pytest.mark.parametrize(
    "options, message",
    [([], "--rescorer: name the right-to-left checkpoint"),
     (["--rescorer", "x", "--beam-width", "1"], "--beam-width must be >= 2"),
     (["--rescorer", "x", "--margin-step", "0"], "--margin-step > 0"),
     (["--rescorer", "x", "--weights-dtype", "int8"], "--weights-dtype: "),
     (["--rescorer", "parity"], "is a ParityRNN checkpoint, not a Seq2Seq or RerankedSeq2Seq")],
)
def test_bad_options_exit_2_and_write_nothing(checkpoints, capsys, options, message):
    folder, _ = checkpoints
    out = folder / "never_written"
    argv = ["--generator", str(folder / "l2r"), "--out", str(out), *options]
    assert load_recipe("g2p_rerank").main(argv) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
