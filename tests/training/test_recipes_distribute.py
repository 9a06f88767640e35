"""`--distribute` for word2vec, tdnn, binary_adder and parity, over 2 logical
CPU devices, on TensorFlow (MirroredStrategy) and JAX (DataParallel), each
in a fresh process (devices are fixed when the backend starts).

SkipGram and CBOW update their tables themselves (a scatter-add of SGD
steps inside the train step, no optimizer): a step on a batch split over
2 devices must give the tables of the same step on one device (an update
applied by one replica only, or averaged instead of summed, would not).
And each recipe must train and save with `--distribute` (slow)."""

import json
import textwrap

import numpy as np
import pytest

from two_devices import run_on_two_devices
from two_devices import run_recipe_on_two_devices

ONE_STEP = textwrap.dedent(
    """
    import json
    import numpy as np
    import keras
    from zoo.models.cbow import CBOW
    from zoo.models.skip_gram import SkipGram
    from zoo.training.distribution import distribution_scope, use_xla

    rng = np.random.default_rng(0)
    V, D, B = 12, 4, 8
    batch = {
        "center": rng.integers(0, V, B).astype("int32"),
        "contexts": rng.integers(0, V, (B, 4)).astype("int32"),
        "context_mask": (rng.random((B, 4)) > 0.2).astype("float32"),
        "negatives": rng.integers(0, V, (B, 3)).astype("int32"),
        "learning_rate": np.full(B, 0.5, "float32"),
    }
    outputs = np.random.default_rng(1).normal(size=(V, D)).astype("float32") * 0.3

    def tables_after_one_step(model_class, distribute):
        with distribution_scope(distribute):
            model = model_class(V, D, seed=3)
            model.build()
            before = keras.ops.convert_to_numpy(model.input_embeddings).tolist()
            model.output_embeddings.assign(outputs)
            model.compile(optimizer="sgd", jit_compile=use_xla(distribute))
            model.train_on_batch(batch)
            after = [keras.ops.convert_to_numpy(table).tolist()
                     for table in (model.input_embeddings, model.output_embeddings)]
        return before, after

    result = {}
    for model_class in (SkipGram, CBOW):
        before, one = tables_after_one_step(model_class, False)
        _, two = tables_after_one_step(model_class, True)
        result[model_class.__name__] = {"before": before, "one": one, "two": two}
    print(json.dumps(result))
    """
)


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_a_word2vec_step_on_two_devices_equals_the_step_on_one(backend):
    printed = run_on_two_devices(ONE_STEP, backend=backend)
    assert "over 2 devices" in printed
    result = json.loads(printed.strip().splitlines()[-1])
    for name, tables in result.items():
        before, one, two = (np.array(tables[key]) for key in ("before", "one", "two"))
        # The step moved the input vectors (a no-op step would pass trivially).
        assert np.abs(one[0] - before).max() > 0.05, name
        np.testing.assert_allclose(two, one, rtol=1e-5, atol=1e-6, err_msg=name)


def write_noun_corpus(path, count, seed):
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(count):
        noun = rng.choice(["cat", "dog", "cow", "owl"])
        lines.append(f"the {noun} {noun}_{rng.integers(3)} sat on {noun}_{rng.integers(3)} mat")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_word2vec_recipe_trains_with_distribute(tmp_path, backend):
    import zoo

    corpus = write_noun_corpus(tmp_path / "corpus.txt", 300, seed=0)
    (tmp_path / "pairs.txt").write_text("cat\tcat_0\t9\ncat\tdog_0\t1\ndog\tdog_1\t8\n")
    (tmp_path / "analogies.txt").write_text(": nouns\ncat cat_0 dog dog_0\n")
    out = tmp_path / "vectors"
    printed = run_recipe_on_two_devices(
        "word2vec", "--corpus", corpus, "--similarity", str(tmp_path / "pairs.txt"),
        "--analogies", str(tmp_path / "analogies.txt"), "--window", "3", "--sample", "0",
        "--batch-size", "64", "--min-count", "3", "--epochs", "2", "--dimension", "12",
        "--out", str(out), "--distribute", backend=backend,
    )
    assert "over 2 devices" in printed
    vectors = zoo.load(str(out))
    assert vectors.card.config["distribute"] is True
    assert vectors.dimension == 12 and "cat_0" in vectors


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_tdnn_recipe_trains_with_distribute(tmp_path, backend):
    import zoo

    corpus = write_noun_corpus(tmp_path / "corpus.txt", 300, seed=0)
    out = tmp_path / "tdnn"
    printed = run_recipe_on_two_devices(
        "tdnn", "--corpus", corpus, "--min-count", "1", "--max-vocabulary", "0",
        "--context", "2", "--dimension", "8", "--hidden-units", "16", "--softmax", "full",
        "--epochs", "3", "--batch-size", "64", "--learning-rate", "0.02",
        "--dev-fraction", "0.1", "--out", str(out), "--distribute", backend=backend,
    )
    assert "over 2 devices" in printed
    card = json.loads((out / "card.json").read_text())
    assert card["config"]["distribute"] is True
    # The corpus is far more predictable than its unigram distribution.
    dev = card["metrics"]["dev"]
    assert dev["perplexity"] < 0.7 * dev["unigram_perplexity"], dev
    assert zoo.load(str(out)) is not None


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
@pytest.mark.parametrize(
    "recipe, options",
    [
        ("binary_adder", ["--units", "3", "--epochs", "2", "--candidates", "2",
                          "--robustness-draws", "1", "--eval-bits", "8", "--eval-pairs", "4"]),
        ("parity", ["--units", "3", "--train-bits", "3", "--steps", "2", "--candidates", "2",
                    "--robustness-draws", "1", "--eval-bits", "8", "--eval-strings", "4",
                    "--long-bits", "16"]),
    ],
)
def test_textbook_recipes_train_with_distribute(tmp_path, backend, recipe, options):
    import zoo

    out = tmp_path / recipe
    # Status 1: a network this tiny does not solve the task; it is still written.
    printed = run_recipe_on_two_devices(
        recipe, *options, "--out", str(out), "--distribute", backend=backend, statuses=(0, 1)
    )
    # One device line for the whole run, not one per candidate.
    assert printed.count("over 2 devices") == 1, printed
    assert "candidate seed=1" in printed
    model = zoo.load(str(out))
    assert model.card.config["distribute"] is True
