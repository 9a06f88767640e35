"""`zoo tune tagger` and zoo.tuning: defaults, a 2-trial search end to end
that resumes, the best trial's model exported and loaded, bad options."""

import keras_tuner
import numpy as np
import pytest

import zoo
from zoo.cli.main import main
from zoo.data import TaggedSentence
from zoo.tuning import TAGGER_CELLS
from zoo.tuning import TaggerHyperModel
from zoo.tuning import build_tuner
from zoo.tuning import ranked_trials

NOUNS = [f"n{i}" for i in range(6)]
VERBS = [f"v{i}" for i in range(6)]


def write_conllu(path, count, seed):
    rng = np.random.default_rng(seed)
    lines = []
    for number in range(count):
        words = [("the", "DET"), (str(rng.choice(NOUNS)), "NOUN"), (str(rng.choice(VERBS)), "VERB")]
        lines.append(f"# sent_id = s{number}")
        lines += [f"{i}\t{w}\t{w}\t{t}\t_\t_\t0\tdep\t_\t_" for i, (w, t) in enumerate(words, 1)]
        lines.append("")
    path.write_text("\n".join(lines) + "\n")


def test_every_hyperparameter_has_the_documented_default():
    data = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})]
    hp = keras_tuner.HyperParameters()
    tagger = TaggerHyperModel(data, data).build(hp)
    assert hp.values == {
        "character_encoder": "rnn", "rnn_character_units": 32, "cell": "lstm", "units": 128,
        "num_layers": 2, "word_dim": 100, "dropout": 0.3, "word_dropout": 0.05,
        "head": "crf", "learning_rate": 0.002,
    }
    assert (tagger.cell, tagger.units, tagger.num_layers, tagger.character_units) == ("lstm", 128, 2, 32)
    # The cell is itself a hyperparameter, zoo cells included.
    assert set(hp.get_config()["space"][2]["config"]["values"]) == set(TAGGER_CELLS)


def test_character_units_are_conditional_on_the_encoder():
    data = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})]
    hp = keras_tuner.HyperParameters()
    hp.Fixed("character_encoder", "cnn")
    tagger = TaggerHyperModel(data, data).build(hp)
    assert hp.values["cnn_character_units"] == 64 and "rnn_character_units" not in hp.values
    assert tagger.character_encoder == "cnn" and tagger.character_units == 64


def test_two_trial_search_ranks_resumes_and_exports(tmp_path, capsys):
    train, dev = tmp_path / "train.conllu", tmp_path / "dev.conllu"
    write_conllu(train, 48, seed=0)
    write_conllu(dev, 16, seed=1)
    argv = ["tune", "tagger", "--train", str(train), "--dev", str(dev), "--max-trials", "2",
            "--epochs", "2", "--batch-size", "16", "--directory", str(tmp_path / "trials"),
            "--export", str(tmp_path / "best_tagger")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| rank | trial | dev_score |" in printed and "| 2 |" in printed

    # Running the same command again resumes: both trials are done, none reruns.
    assert main(argv[:-2]) == 0
    assert "Trial 3" not in capsys.readouterr().out
    sentence = [TaggedSentence(["a"], {"upos": ["X"]})]
    tuner = build_tuner("random", TaggerHyperModel(sentence, sentence),
                        directory=str(tmp_path / "trials"), project_name="tagger_random",
                        max_trials=2)
    ranked = ranked_trials(tuner)
    assert len(ranked) == 2 and ranked[0][1] >= ranked[1][1]

    model = zoo.load(str(tmp_path / "best_tagger"))
    assert model.card.metrics["dev"]["dev_score"] == pytest.approx(ranked[0][1], abs=1e-5)
    assert model.card.config["cell"] == ranked[0][2]["cell"]
    # The exported model is the best trial's: it scores that on dev.
    hypermodel = TaggerHyperModel(
        zoo.data.read_conllu(train, label_columns=("upos",)),
        zoo.data.read_conllu(dev, label_columns=("upos",)),
    )
    assert hypermodel.dev_score(model) == pytest.approx(ranked[0][1], abs=1e-5)


@pytest.mark.parametrize(
    "options, message",
    [
        (["tune", "gpt"], "No HyperModel for 'gpt'; zoo tune knows: tagger, seq2seq, lm, word2vec"),
        (["tune", "tagger", "--max-trials", "0"], "--max-trials must be at least 1"),
        (["tune", "tagger", "--train", "/no/such.conllu"], "No data file '/no/such.conllu'"),
        (["tune", "seq2seq", "--format", "conllu"],
         "--format for seq2seq is one of tsv, cmudict, got 'conllu'"),
        (["tune", "lm", "--format", "tsv"], "--format for lm is not an option, got 'tsv'"),
        (["tune", "seq2seq"], "data.conllu:1: expected `source<TAB>target tokens`"),
        (["tune", "word2vec", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
    ],
)
def test_bad_options_exit_2(tmp_path, capsys, options, message):
    data = tmp_path / "data.conllu"
    write_conllu(data, 2, seed=0)
    argv = [*options]
    if "--train" not in argv:
        argv += ["--train", str(data)]
    argv += ["--dev", str(data), "--directory", str(tmp_path / "trials")]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "trials").exists()


def test_word2vec_and_lm_searches_run_and_export(tmp_path, capsys):
    """Two more families through the command line: 2 trials each, best exported."""
    rng = np.random.default_rng(0)
    topics = [[f"{t}{i}" for i in range(6)] for t in "xy"]
    sentences = [" ".join(rng.choice(topics[n % 2], size=8)) for n in range(400)]
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(sentences) + "\n")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("x0\tx1\t9\nx2\ty3\t1\ny0\ty4\t8\nx5\ty1\t2\n")
    argv = ["tune", "word2vec", "--train", str(corpus), "--dev", str(pairs), "--max-trials", "2",
            "--epochs", "1", "--batch-size", "64", "--directory", str(tmp_path / "trials"),
            "--export", str(tmp_path / "best_vectors")]
    assert main(argv) == 0
    assert "| rank | trial | dev_similarity |" in capsys.readouterr().out
    vectors = zoo.load(str(tmp_path / "best_vectors"))
    assert isinstance(vectors, zoo.models.WordVectors) and "x0" in vectors
    assert -1 <= vectors.card.metrics["dev"]["dev_similarity"] <= 1

    train, dev = tmp_path / "train.txt", tmp_path / "dev.txt"
    train.write_text("\n".join(sentences[:300]) + "\n")
    dev.write_text("\n".join(sentences[300:]) + "\n")
    argv = ["tune", "lm", "--train", str(train), "--dev", str(dev), "--max-trials", "2",
            "--epochs", "1", "--directory", str(tmp_path / "trials"),
            "--export", str(tmp_path / "best_lm")]
    assert main(argv) == 0
    assert "| rank | trial | dev_cross_entropy |" in capsys.readouterr().out
    model = zoo.load(str(tmp_path / "best_lm"))
    # 12 words of 2 topics, 8 per line: a trained model beats the uniform
    # model's cross-entropy, log of the vocabulary size.
    assert model.card.metrics["dev"]["dev_cross_entropy"] < np.log(model.vocabulary_size)
