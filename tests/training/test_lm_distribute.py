"""`--distribute` for the language model, over 2 logical CPU devices, on
TensorFlow (MirroredStrategy) and JAX (DataParallel), each in a fresh process.

The language model carries RNN states from batch to batch inside its train
step (truncated BPTT). Split over replicas, each replica must carry the
states of its own rows: an epoch of SGD on 2 devices must give the weights
of the same epoch on one device (a carry mixed up between rows, or a
gradient summed instead of averaged over replicas, would not). And the
recipe must train, score and save with `--distribute` (slow)."""

import json
import textwrap

import numpy as np
import pytest

from two_devices import run_on_two_devices
from two_devices import run_recipe_on_two_devices

ONE_EPOCH = textwrap.dedent(
    """
    import json
    import numpy as np
    import keras
    from zoo.data.bptt_batches import BPTTBatches
    from zoo.models.language_model import LanguageModel
    from zoo.training.distribution import distribution_scope, use_xla

    TEXT = "the cat sat on the mat\\na dog ran to the park\\n" * 12

    def one_epoch(distribute):
        with distribution_scope(distribute):
            model = LanguageModel.from_text(TEXT, level="char", embedding_dim=6, units=8,
                                            num_layers=2, seed=3)
            model.compile(optimizer=keras.optimizers.SGD(0.5), jit_compile=use_xla(distribute))
            batches = BPTTBatches(model.encode(TEXT), batch_size=4, bptt=7)
            history = model.fit(batches, epochs=1, verbose=0)
            weights = [w.tolist() for w in model.get_weights()]
        return {"loss": history.history["loss"][-1], "weights": weights,
                "perplexity": model.perplexity(TEXT, rows=3)}

    print(json.dumps({"one": one_epoch(False), "two": one_epoch(True)}))
    """
)

@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_an_epoch_on_two_devices_equals_the_epoch_on_one(backend):
    printed = run_on_two_devices(ONE_EPOCH, backend=backend)
    result = json.loads(printed.strip().splitlines()[-1])
    one, two = result["one"], result["two"]
    assert "over 2 devices" in printed
    # 6 batches of SGD: the same weights, so the same carry and the same mean gradient.
    for got, want in zip(two["weights"], one["weights"]):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert two["loss"] == pytest.approx(one["loss"], rel=1e-4)
    # Scoring a model built under the strategy reads the batch once, exactly.
    assert two["perplexity"] == pytest.approx(one["perplexity"], rel=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_lm_recipe_trains_with_distribute(tmp_path, backend):
    rng = np.random.default_rng(0)
    words = ["the", "a", "cat", "dog", "sat", "ran", "on", "to", "mat", "park"]
    for name, count in (("train", 200), ("dev", 20)):
        lines = (" ".join(rng.choice(words, size=6)) for _ in range(count))
        (tmp_path / f"{name}.txt").write_text("".join(line + "\n" for line in lines))
    out = tmp_path / "lm"
    printed = run_recipe_on_two_devices(
        "lm", "--text", str(tmp_path / "train.txt"), "--dev-text", str(tmp_path / "dev.txt"),
        "--level", "char", "--embedding-dim", "8", "--units", "16", "--num-layers", "1",
        "--output-dropout", "0", "--batch-size", "8", "--bptt", "20", "--epochs", "3",
        "--learning-rate", "0.02", "--out", str(out), "--distribute", backend=backend,
    )
    assert "over 2 devices" in printed and "wrote" in printed
    import zoo

    model = zoo.load(str(out))
    assert model.card.config["distribute"] is True
    dev = model.card.metrics["dev"]
    # Exact held-out scoring of the distributed model: what the loaded model computes.
    dev_text = (tmp_path / "dev.txt").read_text()
    assert model.bits_per_character(dev_text) == pytest.approx(dev["bits_per_character"], abs=1e-4)
    assert dev["bits_per_character"] < dev["unigram_bits_per_character"]
