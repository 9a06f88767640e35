"""WarmAverageAdam: the weight average follows the warm-up rule; without it, plain Adam."""

import keras
import numpy as np
import pytest

from zoo.training.warm_average_adam import WarmAverageAdam

pytestmark = pytest.mark.backend


def regression(optimizer):
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = x @ rng.normal(size=(4, 2)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse")
    return model, x, y


def test_average_follows_the_warm_up_rule_then_the_momentum():
    # momentum 0.75: t / (9 + t) reaches it at step 27, so 40 steps cover both regimes.
    momentum = 0.75
    model, x, y = regression(WarmAverageAdam(0.05, use_ema=True, ema_momentum=momentum))
    expected = None
    for step in range(40):
        model.train_on_batch(x[step % 4 * 8:][:8], y[step % 4 * 8:][:8])
        weights = [np.asarray(w, "float64") for w in model.get_weights()]
        kept = min(momentum, step / (9 + step))
        expected = weights if expected is None else [
            kept * average + (1 - kept) * weight for average, weight in zip(expected, weights)
        ]
        averages = [keras.ops.convert_to_numpy(a) for a in
                    model.optimizer._model_variables_moving_average]
        for average, reference in zip(averages, expected):
            np.testing.assert_allclose(average, reference, rtol=1e-5, atol=1e-6)


def test_average_stays_near_the_weights_early_where_keras_lags():
    # 30 steps of 0.999 keep Keras' average near its first step; the warm one follows.
    gaps = {}
    for name, optimizer in [
        ("keras", keras.optimizers.Adam(0.05, use_ema=True, ema_momentum=0.999)),
        ("warm", WarmAverageAdam(0.05, use_ema=True, ema_momentum=0.999)),
    ]:
        model, x, y = regression(optimizer)
        for _ in range(30):
            model.train_on_batch(x, y)
        kernel = keras.ops.convert_to_numpy(model.layers[0].kernel)
        average = keras.ops.convert_to_numpy(model.optimizer._model_variables_moving_average[0])
        gaps[name] = np.abs(average - kernel).max()
    assert gaps["warm"] < 0.3 * gaps["keras"], gaps


def test_without_averaging_it_is_adam():
    trained = []
    for optimizer in (keras.optimizers.Adam(0.05), WarmAverageAdam(0.05)):
        model, x, y = regression(optimizer)
        for _ in range(5):
            model.train_on_batch(x, y)
        trained.append(model.get_weights())
    for adam, warm in zip(*trained):
        np.testing.assert_allclose(warm, adam, rtol=1e-6)


def test_config_round_trip():
    optimizer = WarmAverageAdam(0.01, clipnorm=5.0, use_ema=True, ema_momentum=0.99)
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(restored) is WarmAverageAdam
    assert restored.get_config() == optimizer.get_config()
