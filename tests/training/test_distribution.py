"""`--distribute`: data parallelism over 2 logical CPU devices, on TensorFlow
(MirroredStrategy) and JAX (DataParallel), each in a fresh process (devices
are fixed when the backend starts).

One SGD step on a batch split over 2 devices must give the weights that
numpy computes for the whole batch (the mean loss's gradient: a replica
that summed instead of averaging would double it), and the tagger recipe
must train and save with `--distribute`."""

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
    from zoo.training.distribution import distribution_active, distribution_scope
    from zoo.training.distribution import use_xla, visible_devices
    x = np.array(json.loads(sys.argv[1]), "float32")
    y = np.array(json.loads(sys.argv[2]), "float32")
    active = [distribution_active()]
    with distribution_scope(True):
        active.append(distribution_active())
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
            1, kernel_initializer="ones", bias_initializer="zeros")])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse",
                      jit_compile=use_xla(True))
        model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
        kernel, bias = model.get_weights()
    active.append(distribution_active())
    print(json.dumps({"devices": len(visible_devices()), "active": active,
                      "kernel": kernel.ravel().tolist(), "bias": bias.tolist()}))
    """
)


@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_one_data_parallel_step_equals_the_whole_batch_gradient(backend):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    printed = run_on_two_devices(ONE_STEP, json.dumps(x.tolist()), json.dumps(y.tolist()), backend=backend)
    result = json.loads(printed.strip().splitlines()[-1])
    assert result["devices"] == 2
    assert result["active"] == [False, True, False]  # distribution_active()
    assert "over 2 devices" in printed
    # numpy: prediction x @ 1 + 0, loss mean((p - y)^2), one SGD step of 0.1.
    error = x.sum(axis=1, keepdims=True) - y
    kernel = 1.0 - 0.1 * (2 * x * error).mean(axis=0)
    bias = 0.0 - 0.1 * (2 * error).mean()
    np.testing.assert_allclose(result["kernel"], kernel, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(result["bias"], [bias], rtol=1e-5, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["tensorflow", "jax"])
def test_tagger_recipe_trains_with_distribute(tmp_path, backend):
    lines = []
    rng = np.random.default_rng(0)
    for number in range(64):
        words = [("the", "DET"), (f"n{rng.integers(6)}", "NOUN"), (f"v{rng.integers(6)}", "VERB")]
        lines += [f"{i}\t{w}\t{w}\t{t}\t_\t_\t0\tdep\t_\t_" for i, (w, t) in enumerate(words, 1)]
        lines.append("")
    data = tmp_path / "data.conllu"
    data.write_text("\n".join(lines) + "\n")
    out = tmp_path / "tagger"
    printed = run_recipe_on_two_devices(
        "tagger", "--train", str(data), "--dev", str(data), "--label-cols", "upos",
        "--units", "8", "--num-layers", "1", "--word-dim", "8", "--character-encoder", "cnn",
        "--character-units", "4", "--dropout", "0", "--word-dropout", "0",
        "--batch-size", "16", "--learning-rate", "0.02", "--epochs", "3",
        "--out", str(out), "--distribute", backend=backend,
    )
    assert "over 2 devices" in printed
    import zoo

    tagger = zoo.load(str(out))
    assert tagger.card.config["distribute"] is True
    assert tagger.tag([["the", "n1", "v2"]]) == [["DET", "NOUN", "VERB"]]

    # Fine-tune it, still on 2 devices: the checkpoint is loaded before the
    # strategy's scope, its grown copy built inside.
    tuned = tmp_path / "tagger_tuned"
    printed = run_recipe_on_two_devices(
        "tagger", "--from", str(out), "--train", str(data), "--dev", str(data),
        "--label-cols", "upos", "--batch-size", "16", "--epochs", "1",
        "--out", str(tuned), "--distribute", backend=backend,
    )
    assert "over 2 devices" in printed and f"fine-tuning {out}" in printed
    tagger = zoo.load(str(tuned))
    assert tagger.card.config["from_checkpoint"] == str(out)
    assert tagger.tag([["the", "n1", "v2"]]) == [["DET", "NOUN", "VERB"]]
