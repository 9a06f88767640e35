"""`zoo eval NAME --data FILE` against hand-computed scores."""

import json

import numpy as np
import pytest

import zoo
from zoo.cli.main import main
from zoo.models import WordVectors

# The shipped tagger tags this "DET NOUN VERB ADV PUNCT" (its docstring
# says so); the gold file below marks "loudly" ADJ, so UPOS is 4/5 right.
CONLLU = """# sent_id = 1
1\tThe\tthe\tDET\tDT\t_\t0\tdep\t_\t_
2\tdog\tdog\tNOUN\tNN\t_\t0\tdep\t_\t_
3\tbarked\tbark\tVERB\tVBD\t_\t0\tdep\t_\t_
4\tloudly\tloudly\tADJ\tRB\t_\t0\tdep\t_\t_
5\t.\t.\tPUNCT\t.\t_\t0\tdep\t_\t_

"""


def test_tagger_accuracy_per_label_column(tmp_path, capsys):
    data = tmp_path / "gold.conllu"
    data.write_text(CONLLU)
    assert main(["eval", "pos_tagger_ewt_en", "--data", str(data), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert metrics["tokens"] == 5 and metrics["sentences"] == 1
    assert metrics["upos_accuracy"] == pytest.approx(4 / 5)
    assert metrics["xpos_accuracy"] == pytest.approx(5 / 5)


def test_conll_columns_map_to_the_taggers_label_columns(tmp_path, capsys):
    data = tmp_path / "gold.conll"
    data.write_text("The DT DET\ndog NN NOUN\nbarked VBD VERB\nloudly RB ADJ\n. . PUNCT\n")
    argv = ["eval", "pos_tagger_ewt_en", "--data", str(data), "--format", "conll",
            "--label-cols", "2,1", "--json"]
    assert main(argv) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert metrics["upos_accuracy"] == pytest.approx(4 / 5)
    assert metrics["xpos_accuracy"] == pytest.approx(5 / 5)


@pytest.fixture
def toy_vectors(tmp_path):
    """Vectors whose cosines and analogies are known by construction."""
    words = ["king", "queen", "man", "woman", "car"]
    vectors = np.array([
        [1.0, 1.0, 0.0],   # king = royal + male
        [1.0, -1.0, 0.0],  # queen = royal + female
        [0.0, 1.0, 0.1],   # man
        [0.0, -1.0, 0.1],  # woman
        [0.0, 0.0, 1.0],   # car
    ], "float32")
    folder = tmp_path / "toy_vectors"
    zoo.save(WordVectors.from_arrays(words, vectors), str(folder))
    return str(folder)


def test_word_similarity_is_the_spearman_of_cosines_and_scores(tmp_path, toy_vectors, capsys):
    # cos(king, man) = 0.70, cos(king, queen) = 0, cos(man, car) = 0.10:
    # scores in the same order give Spearman 1, reversed -1.
    pairs = [("king", "man"), ("man", "car"), ("king", "queen"), ("car", "unseen")]
    for scores, expected in (((9, 5, 1, 3), 1.0), ((1, 5, 9, 3), -1.0)):
        data = tmp_path / "pairs.txt"
        data.write_text("".join(f"{a}\t{b}\t{s}\n" for (a, b), s in zip(pairs, scores)))
        assert main(["eval", toy_vectors, "--data", str(data), "--json"]) == 0
        metrics = json.loads(capsys.readouterr().out)["metrics"]
        assert metrics["spearman"] == pytest.approx(expected)
        assert metrics["pairs"] == 3 and metrics["oov_pairs"] == 1


def test_analogies_are_guessed_from_the_file_and_scored(tmp_path, toy_vectors, capsys):
    data = tmp_path / "questions.txt"
    # king - man + woman = (1, -1, 0) = queen; queen - woman + man = king;
    # the third asks for car, which 3CosAdd cannot reach.
    data.write_text(": royalty\nman king woman queen\nwoman queen man king\nman woman king car\n")
    assert main(["eval", toy_vectors, "--data", str(data), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)["metrics"]
    assert metrics["total"] == 3 and metrics["correct"] == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["eval", "pos_tagger_ewt_en", "--data", "/no/such/file"], "No data file '/no/such/file'"),
        (["eval", "binary_adder", "--data", __file__], "BinaryAdder models have no evaluation"),
        (["eval", "pos_tagger_ewt_en", "--data", __file__], "expected 10 tab-separated columns"),
        (["eval", "pos_tagger_ewt_en", "--data", __file__, "--format", "conll",
          "--label-cols", "x"], "--label-cols must be comma-separated integers"),
        (["eval", "pos_tagger_ewt_en", "--data", __file__, "--format", "conll",
          "--label-cols", "1"], "the tagger has 2 label columns (upos, xpos)"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
