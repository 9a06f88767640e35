"""`zoo.layers.layer_norm`: values and (hand-written) gradients vs numpy.

The references are the equations in numpy, float64, and central finite
differences of them: the gradient of `layer_norm` and `normalize_centered`
with a gain is written out by hand, so it is checked here directly, on a
width (7) where every term of it matters, and on inputs whose mean is large
against their spread.
"""

import importlib

import keras
import numpy as np
import pytest

from autodiff import float64_context
from autodiff import loss_and_gradients

layer_norm_module = importlib.import_module("zoo.layers.layer_norm")


def numpy_layer_norm(x, gamma, beta, epsilon, centered):
    mean = 0.0 if centered else x.mean(axis=-1, keepdims=True)
    spread = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    normed = (x - mean) / np.sqrt(spread + epsilon)
    if gamma is not None:
        normed = normed * gamma
    if beta is not None:
        normed = normed + beta
    return normed


class Normalization(keras.layers.Layer):
    """layer_norm / normalize_centered of the input, gain and bias as weights."""

    def __init__(self, centered, use_beta, epsilon, **kwargs):
        super().__init__(**kwargs)
        self.centered = centered
        self.use_beta = use_beta
        self.epsilon = epsilon

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=input_shape[-1:], name="gamma")
        self.beta = (
            self.add_weight(shape=input_shape[-1:], name="beta") if self.use_beta else None
        )

    def call(self, inputs):
        function = (
            layer_norm_module.normalize_centered
            if self.centered
            else layer_norm_module.layer_norm
        )
        return function(inputs, self.gamma, self.beta, epsilon=self.epsilon)


def random_case(shape, centered, offset, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) * 0.7 + offset
    if centered:
        x = x - x.mean(axis=-1, keepdims=True)
    gamma = rng.normal(size=shape[-1:])
    beta = rng.normal(size=shape[-1:])
    cotangent = rng.normal(size=shape)
    return x, gamma, beta, cotangent


CASES = [
    pytest.param(False, (3, 7), 0.0, id="layer_norm-2d"),
    pytest.param(False, (2, 3, 7), 0.0, id="layer_norm-3d"),
    pytest.param(False, (3, 7), 40.0, id="layer_norm-large-mean"),
    pytest.param(True, (3, 7), 0.0, id="centered-2d"),
    pytest.param(True, (2, 3, 7), 0.0, id="centered-3d"),
]


@pytest.mark.parametrize("use_beta", [True, False], ids=["beta", "no-beta"])
@pytest.mark.parametrize("centered, shape, offset", CASES)
def test_values_and_gradients_match_numpy_finite_differences(
    centered, shape, offset, use_beta
):
    epsilon = 1e-3
    x, gamma, beta, cotangent = random_case(shape, centered, offset, seed=len(shape))
    if not use_beta:
        beta = None
    with float64_context():
        layer = Normalization(centered, use_beta, epsilon, dtype="float64")
        layer.build(shape)
        layer.gamma.assign(gamma)
        if use_beta:
            layer.beta.assign(beta)
        loss, grad_x, grads = loss_and_gradients(layer, x, cotangent)

    def numpy_loss(x, gamma, beta):
        return float((numpy_layer_norm(x, gamma, beta, epsilon, centered) * cotangent).sum())

    np.testing.assert_allclose(loss, numpy_loss(x, gamma, beta), rtol=1e-10)
    step = 1e-6
    arrays = {"x": x, "gamma": gamma, "beta": beta}
    autodiff = {"x": grad_x, "gamma": grads[0]}
    if use_beta:
        autodiff["beta"] = grads[1]
    for name, grad in autodiff.items():
        numeric = np.zeros_like(arrays[name])
        for index in np.ndindex(numeric.shape):
            plus = {k: (v.copy() if v is not None else None) for k, v in arrays.items()}
            minus = {k: (v.copy() if v is not None else None) for k, v in arrays.items()}
            plus[name][index] += step
            minus[name][index] -= step
            numeric[index] = (numpy_loss(**plus) - numpy_loss(**minus)) / (2 * step)
        np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-7, err_msg=name)


def test_gradient_with_respect_to_x_is_orthogonal_to_constant_shifts():
    # LN(x + c) = LN(x) for a constant c along the normalized axis, so the
    # input gradient sums to zero over that axis, whatever the gain and the
    # incoming gradient.
    x, gamma, beta, cotangent = random_case((4, 9), False, 3.0, seed=11)
    with float64_context():
        layer = Normalization(False, True, 1e-3, dtype="float64")
        layer.build(x.shape)
        layer.gamma.assign(gamma)
        layer.beta.assign(beta)
        _, grad_x, _ = loss_and_gradients(layer, x, cotangent)
    np.testing.assert_allclose(grad_x.sum(axis=-1), 0.0, atol=1e-10)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("centered", [False, True], ids=["layer_norm", "centered"])
def test_half_precision_keeps_the_dtype_and_computes_in_float32(dtype, centered):
    x, gamma, beta, _ = random_case((3, 7), centered, 0.0, seed=5)
    function = (
        layer_norm_module.normalize_centered if centered else layer_norm_module.layer_norm
    )
    outputs = function(
        keras.ops.convert_to_tensor(x, dtype), gamma.astype("float32"), beta.astype("float32")
    )
    assert keras.backend.standardize_dtype(outputs.dtype) == dtype
    rounded_x = np.asarray(keras.ops.convert_to_numpy(keras.ops.cast(
        keras.ops.convert_to_tensor(x, dtype), "float32")))
    expected = numpy_layer_norm(rounded_x, gamma, beta, 1e-3, centered)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(keras.ops.cast(outputs, "float32")), expected, atol=0.05
    )
