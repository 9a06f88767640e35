"""`--resume` in the recipes that do not early-stop on dev: word2vec (both
tables after every epoch, through `train_word2vec`'s BackupAndRestore
support) and the textbook recipes (each candidate's training state). A
killed run goes on where it stopped; a state without `--resume` is an
error that changes nothing."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.text_corpus import TextCorpus
from zoo.models.skip_gram import SkipGram
from zoo.training.periodic_backup import PeriodicBackupAndRestore
from zoo.training.recipe_registry import load_recipe
from zoo.training.word2vec_training import train_word2vec


def sentences(count, seed):
    rng = np.random.default_rng(seed)
    return [[str(w) for w in rng.choice(["a", "b", "c", "d", "e", "f"], 6)] for _ in range(count)]


class KillAt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


def recording_learning_rates(model):
    """Wrap `model.train_on_batch` to record each batch's learning rate."""
    rates = []
    train_on_batch = model.train_on_batch

    def recorded(batch):
        rates.append(float(np.ravel(batch["learning_rate"])[0]))  # the call's first step
        return train_on_batch(batch)

    model.train_on_batch = recorded
    return rates


def test_train_word2vec_goes_on_after_the_last_saved_epoch(tmp_path):
    corpus = TextCorpus.from_sentences(sentences(200, seed=0), min_count=1)
    options = dict(epochs=4, batch_size=32, window=2, sample=0, seed=0, verbose=0,
                   learning_rate=0.02, min_learning_rate=0.001)
    folder = tmp_path / "state"
    model = SkipGram(corpus.vocabulary_size, dimension=8, seed=0)
    with pytest.raises(KeyboardInterrupt):
        train_word2vec(model, corpus, callbacks=[PeriodicBackupAndRestore(folder, 0), KillAt(2)],
                       **options)
    tables = [keras.ops.convert_to_numpy(w) for w in (model.input_embeddings, model.output_embeddings)]

    resumed = SkipGram(corpus.vocabulary_size, dimension=8, seed=5)
    rates = recording_learning_rates(resumed)
    restored = []

    class TablesAtStart(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if not restored:
                restored.extend(keras.ops.convert_to_numpy(w) for w in
                                (self.model.input_embeddings, self.model.output_embeddings))

    history = train_word2vec(resumed, corpus,
                             callbacks=[PeriodicBackupAndRestore(folder, 0), TablesAtStart()], **options)
    assert history["initial_epoch"] == 2 and len(history["loss"]) == 2
    for got, want in zip(restored, tables):
        np.testing.assert_array_equal(got, want)
    assert all(np.isfinite(history["loss"]))
    # The linear decay goes on from half way: 0.02 - (0.02 - 0.001) * 2/4.
    assert rates[0] == pytest.approx(0.02 - 0.019 * 0.5, rel=1e-6)
    assert rates[-1] < rates[0] and rates[-1] >= 0.001


@pytest.fixture
def word2vec_options(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("".join(" ".join(s) + "\n" for s in sentences(300, seed=1)))
    (tmp_path / "pairs.txt").write_text("a\tb\t9\na\tc\t1\nd\te\t5\n")
    (tmp_path / "analogies.txt").write_text(": x\na b c d\n")
    return ["--corpus", str(corpus), "--similarity", str(tmp_path / "pairs.txt"),
            "--analogies", str(tmp_path / "analogies.txt"), "--window", "2", "--sample", "0",
            "--batch-size", "64", "--min-count", "1", "--dimension", "8",
            "--out", str(tmp_path / "vectors")]


def test_word2vec_recipe_resumes_and_refuses_a_state_without_resume(tmp_path, capsys,
                                                                     word2vec_options):
    recipe = load_recipe("word2vec")
    assert recipe.main([*word2vec_options, "--epochs", "2"]) == 0
    state = tmp_path / "vectors.training"
    saved = (state / "latest.weights.h5").read_bytes()
    capsys.readouterr()

    assert recipe.main([*word2vec_options, "--epochs", "3"]) == 2
    assert "holds the training state of an earlier run: pass --resume" in capsys.readouterr().err
    assert (state / "latest.weights.h5").read_bytes() == saved

    assert recipe.main([*word2vec_options, "--epochs", "3", "--resume"]) == 0
    printed = capsys.readouterr().out
    assert f"resumed from {state} after epoch 2" in printed
    assert "trained 1 epochs" in printed
    card = zoo.load(str(tmp_path / "vectors")).card
    assert card.metrics["training"]["resumed_after_epoch"] == 2


ADDER = ["--units", "3", "--epochs", "3", "--candidates", "2", "--robustness-draws", "1",
         "--eval-bits", "8", "--eval-pairs", "4"]


def test_a_killed_candidate_run_resumes_without_retraining_finished_candidates(
        tmp_path, capsys, monkeypatch):
    recipe = load_recipe("binary_adder")
    out = tmp_path / "adder"
    train_candidate = recipe.train_candidate
    epochs_trained = {}

    def killed_at_seed_1(config, seed, bit_pairs, sum_bits, callbacks):
        if seed == 1:
            raise KeyboardInterrupt
        return counting(config, seed, bit_pairs, sum_bits, callbacks)

    def counting(config, seed, bit_pairs, sum_bits, callbacks):
        class Count(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                epochs_trained[seed] = epochs_trained.get(seed, 0) + 1
        epochs_trained[seed] = 0
        return train_candidate(config, seed, bit_pairs, sum_bits, [*callbacks, Count()])

    monkeypatch.setattr(recipe, "train_candidate", killed_at_seed_1)
    with pytest.raises(KeyboardInterrupt):
        recipe.main([*ADDER, "--out", str(out)])
    assert epochs_trained == {0: 3}
    assert (tmp_path / "adder.training" / "seed_0" / "latest.weights.h5").exists()
    assert not out.exists()

    monkeypatch.setattr(recipe, "train_candidate", counting)
    capsys.readouterr()
    assert recipe.main([*ADDER, "--out", str(out)]) == 2
    assert "pass --resume" in capsys.readouterr().err
    status = recipe.main([*ADDER, "--out", str(out), "--resume"])
    assert status in (0, 1)  # 1: the tiny adder does not add 8-bit numbers
    assert f"resuming from {tmp_path / 'adder.training'}" in capsys.readouterr().out
    # Seed 0 was restored finished (no epoch trained), seed 1 trained in full.
    assert epochs_trained == {0: 0, 1: 3}
    assert zoo.load(str(out)).card.config["resume"] is True
