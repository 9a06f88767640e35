"""Every diagnostic on h_t = lambda h_{t-1} + x_t, against its closed form."""

import math

import numpy as np
import pytest

from linear_recurrence import linear_cell
from linear_recurrence import scaled_identity_cell
from linear_recurrence import stable_random_matrix
from zoo.diagnostics import input_memory
from zoo.diagnostics import recurrent_spectrum
from zoo.diagnostics import stability_test

pytestmark = pytest.mark.backend


@pytest.mark.parametrize(
    "scale, free_run, random_input",
    [(0.9, "dies", "healthy"), (1.0, "holds", "healthy"), (1.1, "explodes", "explodes")],
)
def test_free_run_dies_holds_or_explodes_with_lambda(scale, free_run, random_input):
    result = stability_test(scaled_identity_cell(scale), steps=300, samples=4)
    assert result["free_run"]["verdict"] == free_run
    assert result["drives"]["random"]["verdict"] == random_input
    # The distance between the runs from two starts is lambda^t times the first.
    distance = np.array(result["free_run"]["state_distance"])
    np.testing.assert_allclose(distance / distance[0], scale ** np.arange(301), rtol=1e-4)


def test_merge_step_is_where_lambda_to_the_t_falls_below_one_thousandth():
    result = stability_test(scaled_identity_cell(0.9), steps=200, samples=2)
    expected = math.ceil(math.log(1e-3) / math.log(0.9))  # 66
    assert result["free_run"]["merge_step"] == expected == 66


def test_constant_input_grows_without_bound_at_lambda_one():
    # h_t = h_{t-1} + x: linear growth, unbounded (not BIBO stable), though
    # the free run holds; with lambda = 0.9 it converges to x / (1 - 0.9).
    assert stability_test(scaled_identity_cell(1.0), steps=300)["drives"]["constant"][
        "verdict"
    ] == "explodes"
    assert stability_test(scaled_identity_cell(0.9), steps=300)["drives"]["constant"][
        "verdict"
    ] == "healthy"


def test_overflow_to_infinity_is_an_explosion():
    result = stability_test(scaled_identity_cell(3.0), steps=200, samples=2)
    norms = result["drives"]["random"]["state_norm"]["h"]
    assert not np.all(np.isfinite(norms))  # 3^200 overflows float32
    assert result["verdict"] == result["free_run"]["verdict"] == "explodes"


@pytest.mark.parametrize("scale", [0.5, 0.9, 1.0, 1.1])
def test_memory_decays_as_lambda_to_the_t(scale):
    memory = input_memory(scaled_identity_cell(scale), steps=80, samples=2)
    np.testing.assert_allclose(memory["relative"], scale ** np.arange(80), rtol=1e-4)
    assert memory["decay_rate"] == pytest.approx(scale, rel=1e-5)
    expected = math.ceil(math.log(1e-3) / math.log(scale)) if scale < 1 else None
    assert memory["horizon"] == expected
    # dh_0/dx_0 = I (3 x 3): Frobenius norm sqrt(3).
    assert memory["jacobian_norm"][0] == pytest.approx(math.sqrt(3), rel=1e-6)


def test_memory_of_a_general_linear_recurrence_matches_matrix_powers():
    # dh_t/dx_0 = (U^T)^t W^T, so ||dh_t/dx_0||_F = ||W U^t||_F.
    recurrent = stable_random_matrix(4, radius=0.95, seed=1)
    kernel = np.random.default_rng(2).normal(size=(3, 4))
    memory = input_memory(linear_cell(recurrent, kernel), steps=40, samples=2)
    recurrent32 = recurrent.astype(np.float32).astype(np.float64)
    kernel32 = kernel.astype(np.float32).astype(np.float64)
    expected = [
        np.linalg.norm(kernel32 @ np.linalg.matrix_power(recurrent32, t)) for t in range(40)
    ]
    np.testing.assert_allclose(memory["jacobian_norm"], expected, rtol=1e-4)


def test_spectral_radius_of_the_linear_cell_is_lambda():
    spectrum = recurrent_spectrum(scaled_identity_cell(1.1))
    assert list(spectrum["gates"]) == ["h"]
    assert spectrum["gates"]["h"]["spectral_radius"] == pytest.approx(1.1, rel=1e-6)
    assert spectrum["largest_singular_value"] == pytest.approx(1.1, rel=1e-6)
