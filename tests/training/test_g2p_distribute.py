"""recipes/g2p.py with `--distribute` over 2 logical CPU devices, on
TensorFlow (MirroredStrategy) and JAX (DataParallel), each in a fresh
process (devices are fixed when the backend starts): it trains, saves a
checkpoint that loads, and fine-tunes from it with `--from`, distributed
too."""

import numpy as np
import pytest

from two_devices import run_recipe_on_two_devices

PHONES = dict(zip("abcdefg", ["AE1", "B", "K", "D", "EH0", "F", "G"]))


def write_dictionary(path, letters, seed):
    rng = np.random.default_rng(seed)
    words = sorted({"".join(rng.choice(list(letters), rng.integers(2, 6))) for _ in range(300)})
    path.write_text("".join(f"{w} {' '.join(PHONES[c] for c in w)}\n" for w in words))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_g2p_recipe_trains_and_fine_tunes_with_distribute(tmp_path, backend):
    write_dictionary(tmp_path / "old.dict", "abcdef", seed=0)
    base = tmp_path / "g2p"
    tiny = ["--units", "8", "--num-layers", "1", "--embedding-dim", "8", "--dropout", "0",
            "--batch-size", "16", "--beam-width", "2", "--epochs", "2", "--distribute"]
    printed = run_recipe_on_two_devices(
        "g2p", "--cmudict", str(tmp_path / "old.dict"), "--learning-rate", "0.02", *tiny,
        "--out", str(base), backend=backend,
    )
    assert "over 2 devices" in printed and "epoch 2:" in printed
    import zoo

    model = zoo.load(str(base))
    assert model.card.config["distribute"] is True
    assert model.card.metrics["training"]["epochs"] == 2
    phones = set(model.vocabularies["target"].tokens)
    assert all(set(output) <= phones for output in model.transduce(["abc", "fed"]))

    # Fine-tune on data with a new letter and phone, still on 2 devices.
    write_dictionary(tmp_path / "new.dict", "abcdefg", seed=1)
    tuned = tmp_path / "g2p_tuned"
    printed = run_recipe_on_two_devices(
        "g2p", "--from", str(base), "--cmudict", str(tmp_path / "new.dict"), *tiny,
        "--out", str(tuned), backend=backend,
    )
    assert "over 2 devices" in printed
    assert "vocabularies grown by letters +1, phones +1" in printed
    model = zoo.load(str(tuned))
    assert model.vocabularies["target"].tokens[-1] == "G"
    assert model.card.config["from_checkpoint"] == str(base)
