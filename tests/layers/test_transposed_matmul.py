"""`zoo.layers.transposed_matmul`: x @ U with a written-out backward pass.

References in numpy: the value is x @ U, the gradients of sum(c * (x @ U))
are dx = c @ U^T and dU = x^T @ c. The backward pass multiplies by the
matrix it is given as U^T, and nothing flows into that matrix.
"""

import keras
import numpy as np
import pytest
from keras import ops

from autodiff import loss_and_gradients
from zoo.layers.transposed_matmul import matmul_with_transposed

RNG = np.random.default_rng(0)
X = RNG.normal(size=(5, 3)).astype("float32")
COTANGENT = RNG.normal(size=(5, 4)).astype("float32")


class TransposedMatmul(keras.layers.Layer):
    """x @ kernel, the backward pass given `transposed_scale` * kernel^T."""

    def __init__(self, transposed_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.transposed_scale = transposed_scale

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 4), name="kernel")

    def call(self, inputs):
        transposed = ops.transpose(self.kernel) * self.transposed_scale
        return matmul_with_transposed(inputs, self.kernel, transposed)


def test_value_is_the_matmul():
    layer = TransposedMatmul()
    outputs = ops.convert_to_numpy(layer(X))
    np.testing.assert_allclose(outputs, X @ layer.get_weights()[0], rtol=1e-5, atol=1e-6)


def test_gradients_match_numpy():
    layer = TransposedMatmul()
    layer.build(X.shape)
    kernel = layer.get_weights()[0]
    loss, d_x, (d_kernel,) = loss_and_gradients(layer, X, COTANGENT)
    np.testing.assert_allclose(loss, np.sum(COTANGENT * (X @ kernel)), rtol=1e-5)
    np.testing.assert_allclose(d_x, COTANGENT @ kernel.T, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d_kernel, X.T @ COTANGENT, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("scale", [2.0, -0.5])
def test_backward_uses_the_given_transpose_and_sends_it_nothing(scale):
    # A stand-in U^T scaled by `scale` scales the input gradient only; the
    # kernel's gradient (x^T c) has no term through the stand-in.
    layer = TransposedMatmul(transposed_scale=scale)
    layer.build(X.shape)
    kernel = layer.get_weights()[0]
    _, d_x, (d_kernel,) = loss_and_gradients(layer, X, COTANGENT)
    np.testing.assert_allclose(d_x, scale * (COTANGENT @ kernel.T), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(d_kernel, X.T @ COTANGENT, rtol=1e-5, atol=1e-6)
