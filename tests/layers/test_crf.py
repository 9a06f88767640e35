"""`CRF` against brute-force enumeration of every tag path (numpy, float64)."""

import itertools
import os

import keras
import numpy as np
import pytest

from harness import run_layer_test
from zoo.layers import CRF

BATCH = 3
# (num_tags, time): up to 4**5 = 1024 paths a row. Few distinct shapes keep
# eager JAX fast (it compiles every op once per shape).
SHAPES = [(2, 1), (3, 3), (4, 5)]


# ---------------------------------------------------------------- reference


def all_paths(num_tags, length):
    """Every tag path of `length` steps, [num_tags**length, length]."""
    paths = list(itertools.product(range(num_tags), repeat=length))
    return np.array(paths, dtype=int).reshape(len(paths), length)


def path_scores(potentials, trans, start, end, paths):
    """Scores of `paths` [P, n] for one row's potentials [time, tags]."""
    n = paths.shape[1]
    if n == 0:
        return np.zeros(len(paths))
    return (
        start[paths[:, 0]]
        + potentials[np.arange(n), paths].sum(axis=1)
        + trans[paths[:, :-1], paths[:, 1:]].sum(axis=1)
        + end[paths[:, -1]]
    )


def logsumexp(values):
    top = values.max()
    return top + np.log(np.exp(values - top).sum())


def brute_force(potentials, tags, lengths, weights):
    """Per row: log Z, gold log-likelihood, best path and score, and the
    gradient of sum(NLL) wrt potentials, transitions, start and end."""
    trans, start, end = (np.asarray(w, np.float64) for w in weights)
    batch, time, num_tags = potentials.shape
    out = {
        "log_z": np.zeros(batch), "log_likelihood": np.zeros(batch),
        "best_tags": np.zeros((batch, time), int), "best_score": np.zeros(batch),
        "d_potentials": np.zeros(potentials.shape), "d_trans": np.zeros(trans.shape),
        "d_start": np.zeros(num_tags), "d_end": np.zeros(num_tags),
    }
    for b, n in enumerate(lengths):
        if n == 0:
            continue
        x = np.asarray(potentials[b], np.float64)
        paths = all_paths(num_tags, n)
        scores = path_scores(x, trans, start, end, paths)
        log_z = logsumexp(scores)
        gold = tags[b, :n]
        gold_score = path_scores(x, trans, start, end, gold[None])[0]
        out["log_z"][b] = log_z
        out["log_likelihood"][b] = gold_score - log_z
        best = np.argmax(scores)
        out["best_tags"][b, :n] = paths[best]
        out["best_score"][b] = scores[best]
        probs = np.exp(scores - log_z)
        # d NLL = expected feature counts - gold feature counts.
        for t in range(n):
            for j in range(num_tags):
                out["d_potentials"][b, t, j] += probs[paths[:, t] == j].sum()
            out["d_potentials"][b, t, gold[t]] -= 1
        for t in range(1, n):
            np.add.at(out["d_trans"], (paths[:, t - 1], paths[:, t]), probs)
            out["d_trans"][gold[t - 1], gold[t]] -= 1
        np.add.at(out["d_start"], paths[:, 0], probs)
        out["d_start"][gold[0]] -= 1
        np.add.at(out["d_end"], paths[:, -1], probs)
        out["d_end"][gold[n - 1]] -= 1
    return out


# ---------------------------------------------------------------- helpers


def make_case(num_tags, time, masked, seed=0, scale=1.0):
    """A CRF with random weights, potentials, gold tags padded with -1,
    the mask (or None) and the row lengths (0, full and random if masked)."""
    rng = np.random.default_rng(seed)
    crf = CRF(num_tags)
    crf.set_weights([rng.normal(size=w.shape) for w in crf.get_weights()])
    potentials = (scale * rng.normal(size=(BATCH, time, num_tags))).astype("float32")
    if masked:
        lengths = np.array([0, time, rng.integers(1, time + 1)])
        mask = np.arange(time)[None] < lengths[:, None]
    else:
        lengths = np.full(BATCH, time)
        mask = None
    tags = rng.integers(0, num_tags, size=(BATCH, time))
    padded = np.where(np.arange(time)[None] < lengths[:, None], tags, -1)
    return crf, potentials, padded.astype("int32"), mask, lengths


def numpy_weights(crf):
    return [np.asarray(w, np.float64) for w in crf.get_weights()]


def nll_and_gradients(crf, potentials, tags, mask, compiled=False):
    """mean NLL and its gradients wrt potentials and the CRF's weights."""
    ops = keras.ops
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        def fn(p):
            with tf.GradientTape() as tape:
                tape.watch(p)
                loss = -ops.mean(crf.log_likelihood(p, tags, mask))
            return loss, tape.gradient(loss, [p] + crf.trainable_weights)

        if compiled:
            fn = tf.function(fn, jit_compile=True)
        loss, grads = fn(tf.constant(potentials))
    else:
        import jax

        def loss_fn(p, weights):
            mapping = list(zip(crf.trainable_variables, weights))
            with keras.StatelessScope(state_mapping=mapping):
                return -ops.mean(crf.log_likelihood(p, tags, mask))

        fn = jax.value_and_grad(loss_fn, argnums=(0, 1))
        if compiled:
            fn = jax.jit(fn)
        loss, (d_p, d_w) = fn(potentials, [v.value for v in crf.trainable_variables])
        grads = [d_p] + list(d_w)
    return float(loss), [np.asarray(g) for g in grads]


def close(actual, expected, atol=1e-4):
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=atol)


CASES = [
    pytest.param(k, t, masked, id=f"tags{k}-time{t}-{'mask' if masked else 'full'}")
    for k, t in SHAPES
    for masked in (False, True)
]


# ---------------------------------------------------------------- tests


@pytest.mark.parametrize("num_tags,time,masked", CASES)
def test_matches_brute_force(num_tags, time, masked):
    crf, potentials, tags, mask, lengths = make_case(num_tags, time, masked)
    want = brute_force(potentials, tags, lengths, numpy_weights(crf))
    close(crf.log_partition(potentials, mask), want["log_z"])
    close(crf.log_likelihood(potentials, tags, mask), want["log_likelihood"])
    close(
        crf.sequence_score(potentials, tags, mask),
        want["log_likelihood"] + want["log_z"],
    )
    decoded, best_score = crf.decode(potentials, mask)
    assert keras.backend.standardize_dtype(decoded.dtype) == "int32"
    np.testing.assert_array_equal(np.asarray(decoded), want["best_tags"])
    close(best_score, want["best_score"])
    called = crf(potentials, mask=mask)
    np.testing.assert_array_equal(np.asarray(called), want["best_tags"])


def test_left_padding_equals_right_padding():
    # The valid steps need only be contiguous: shifting every row's valid
    # steps to the end changes nothing but where the decoded tags sit.
    crf, potentials, tags, mask, lengths = make_case(4, 5, True, seed=11)
    time = mask.shape[1]

    def shift(a):
        rows = [np.roll(a[b], time - n, axis=0) for b, n in enumerate(lengths)]
        return np.stack(rows)

    left = (shift(potentials), shift(tags), shift(mask))
    np.testing.assert_array_equal(left[2], np.arange(time) >= (time - lengths)[:, None])
    close(
        crf.log_likelihood(*left),
        np.asarray(crf.log_likelihood(potentials, tags, mask)),
    )
    decoded, best_score = crf.decode(left[0], left[2])
    want, want_score = crf.decode(potentials, mask)
    np.testing.assert_array_equal(np.asarray(decoded), shift(np.asarray(want)))
    close(best_score, np.asarray(want_score))


def test_probabilities_of_all_paths_sum_to_one():
    num_tags, time = 3, 3
    crf, potentials, _, mask, lengths = make_case(num_tags, time, True, seed=1)
    # One batch: every path of every row, next to the row's potentials.
    rows, tags = [], []
    for b, n in enumerate(lengths):
        paths = all_paths(num_tags, n)
        rows += [b] * len(paths)
        tags.append(np.pad(paths, ((0, 0), (0, time - n)), constant_values=-1))
    rows, tags = np.array(rows), np.concatenate(tags).astype("int32")
    log_p = np.asarray(
        crf.log_likelihood(potentials[rows], tags, mask[rows]), np.float64
    )
    assert np.all(log_p <= 1e-5)
    for b in range(BATCH):
        np.testing.assert_allclose(logsumexp(log_p[rows == b]), 0.0, atol=1e-5)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled"])
@pytest.mark.parametrize("masked", [False, True], ids=["full", "mask"])
def test_gradient_is_marginals_minus_gold(masked, compiled):
    crf, potentials, tags, mask, lengths = make_case(3, 3, masked, seed=3)
    want = brute_force(potentials, tags, lengths, numpy_weights(crf))
    loss, (d_p, d_trans, d_start, d_end) = nll_and_gradients(
        crf, potentials, tags, mask, compiled
    )
    np.testing.assert_allclose(loss, -want["log_likelihood"].mean(), rtol=1e-5)
    close(d_p, want["d_potentials"] / BATCH, atol=1e-5)
    close(d_trans, want["d_trans"] / BATCH, atol=1e-5)
    close(d_start, want["d_start"] / BATCH, atol=1e-5)
    close(d_end, want["d_end"] / BATCH, atol=1e-5)
    if masked:
        assert np.all(d_p[~mask] == 0)


def test_stable_with_large_potentials():
    crf, potentials, tags, mask, lengths = make_case(4, 5, True, seed=4, scale=100.0)
    want = brute_force(potentials, tags, lengths, numpy_weights(crf))
    log_z = np.asarray(crf.log_partition(potentials, mask))
    assert np.all(np.isfinite(log_z))
    # float32 at magnitude ~1000: a relative error of a few ulps.
    np.testing.assert_allclose(log_z, want["log_z"], rtol=1e-5, atol=1e-2)
    np.testing.assert_allclose(
        np.asarray(crf.log_likelihood(potentials, tags, mask)),
        want["log_likelihood"], rtol=1e-5, atol=1e-2,
    )
    decoded, best_score = crf.decode(potentials, mask)
    np.testing.assert_array_equal(np.asarray(decoded), want["best_tags"])
    np.testing.assert_allclose(np.asarray(best_score), want["best_score"], rtol=1e-5)
    _, grads = nll_and_gradients(crf, potentials, tags, mask)
    for got, key in zip(grads, ["d_potentials", "d_trans", "d_start", "d_end"]):
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, want[key] / BATCH, atol=1e-4)


def test_rows_without_valid_steps_and_empty_time():
    crf, potentials, tags, _, _ = make_case(4, 5, False, seed=5)
    mask = np.zeros((BATCH, 5), bool)
    close(crf.log_partition(potentials, mask), np.zeros(BATCH))
    close(crf.log_likelihood(potentials, tags, mask), np.zeros(BATCH))
    decoded, best_score = crf.decode(potentials, mask)
    np.testing.assert_array_equal(np.asarray(decoded), np.zeros((BATCH, 5)))
    close(best_score, np.zeros(BATCH))

    empty = np.zeros((BATCH, 0, 4), "float32")
    close(crf.log_partition(empty), np.zeros(BATCH))
    close(crf.log_likelihood(empty, np.zeros((BATCH, 0), "int32")), np.zeros(BATCH))
    decoded, best_score = crf.decode(empty)
    assert tuple(decoded.shape) == (BATCH, 0)
    close(best_score, np.zeros(BATCH))


def test_float_mask_and_mixed_precision():
    crf, potentials, tags, mask, _ = make_case(3, 3, True, seed=6)
    want = np.asarray(crf.log_likelihood(potentials, tags, mask))
    close(crf.log_likelihood(potentials, tags, mask.astype("float32")), want)
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        mixed = CRF(3)
        mixed.set_weights(crf.get_weights())
        assert all(w.dtype == "float32" for w in mixed.weights)
        got = mixed.log_likelihood(keras.ops.cast(potentials, "bfloat16"), tags, mask)
        assert keras.backend.standardize_dtype(got.dtype) == "float32"
        close(got, want, atol=0.1)  # the potentials themselves were rounded
        decoded = mixed(potentials, mask=mask)
        assert keras.backend.standardize_dtype(decoded.dtype) == "int32"
    finally:
        keras.config.set_dtype_policy("float32")


def test_keras_mask_from_previous_layer_is_used():
    inputs = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(10, 4, mask_zero=True)(inputs)
    potentials = keras.layers.Dense(3)(embedded)
    model = keras.Model(inputs, CRF(3)(potentials))
    tokens = np.array([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5]], "int32")
    decoded = np.asarray(model(tokens))
    assert decoded.shape == (2, 5) and np.all(decoded[0, 3:] == 0)


def test_trains_under_compilation():
    rng = np.random.default_rng(7)
    num_tags, time = 3, 5
    # Tags follow each other in a cycle; only the first step's features say
    # where it starts, so the later steps need the learned transitions.
    y = (rng.integers(0, num_tags, size=(16, 1)) + np.arange(time)) % num_tags
    y = y.astype("int32")
    x = 0.1 * rng.normal(size=(16, time, 4)).astype("float32")
    x[:, 0, :num_tags] += 3.0 * np.eye(num_tags)[y[:, 0]]
    keras.utils.set_random_seed(0)
    inputs = keras.Input((time, 4))
    potentials = keras.layers.Dense(num_tags)(inputs)
    crf = CRF(num_tags)
    model = keras.Model(inputs, [potentials, crf(potentials)])

    def nll(y_true, y_pred):
        return -crf.log_likelihood(y_pred, y_true)

    jit_compile = True if keras.backend.backend() == "tensorflow" else "auto"
    model.compile(
        optimizer=keras.optimizers.Adam(0.1), loss=[nll, None], jit_compile=jit_compile
    )
    start = np.asarray(crf.transitions).copy()
    history = model.fit(x, y, batch_size=8, epochs=8, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < 0.5 * losses[0], losses
    assert not np.allclose(np.asarray(crf.transitions), start)
    decoded = np.asarray(model.predict(x, verbose=0)[1])
    assert (decoded == y).mean() > 0.9


def test_layer_contract():
    potentials = np.random.default_rng(8).normal(size=(3, 5, 4)).astype("float32")
    layer = run_layer_test(
        CRF,
        {"num_tags": 4, "transitions_regularizer": "l2"},
        potentials,
        expected_output_shape=(3, 5),
        run_training=False,  # integer output; training is tested above
    )
    assert [w.path.split("/")[-1] for w in layer.weights] == [
        "transitions", "start_transitions", "end_transitions",
    ]


def test_config_and_save_load_round_trip(tmp_path):
    crf, potentials, _, mask, _ = make_case(4, 5, True, seed=9)
    config = crf.get_config()
    restored = CRF.from_config(config)
    assert restored.get_config() == config
    restored.set_weights(crf.get_weights())
    want = np.asarray(crf(potentials, mask=mask))
    np.testing.assert_array_equal(np.asarray(restored(potentials, mask=mask)), want)

    inputs = keras.Input((5, 6))
    outputs = CRF(4, name="crf")(keras.layers.Dense(4, name="potentials")(inputs))
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(10)
    model.get_layer("crf").set_weights(
        [rng.normal(size=w.shape) for w in model.get_layer("crf").get_weights()]
    )
    x = rng.normal(size=(4, 5, 6)).astype("float32")
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.get_layer("crf"), CRF)
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="num_tags"):
        CRF(0)
    with pytest.raises(ValueError, match="num_tags=3"):
        CRF(3)(np.zeros((1, 2, 4), "float32"))
    with pytest.raises(ValueError, match="num_tags=3"):
        CRF(3).log_partition(np.zeros((2, 3), "float32"))


def test_weights_exist_before_first_use():
    # A model may use the CRF only in its loss, first inside a traced step.
    crf = CRF(4)
    assert crf.built
    weights = crf.trainable_weights
    assert [tuple(w.shape) for w in weights] == [(4, 4), (4,), (4,)]
    crf.build((None, 5, 4))  # as a parent layer's build() would: a no-op
    assert crf.trainable_weights == weights
