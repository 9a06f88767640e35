"""`check_positive_integer`: Python and NumPy ints >= 1 pass, as Python ints;
`check_positive_number`: real numbers > 0 pass, as Python floats;
`check_non_negative_number`: real numbers >= 0 pass, as Python floats; anything
else is a ValueError naming the argument and the value."""

import numpy as np
import pytest

from zoo.argument_checks import check_non_negative_number
from zoo.argument_checks import check_positive_integer
from zoo.argument_checks import check_positive_number


@pytest.mark.parametrize("value", [1, 2, 10**12, np.int64(3), np.int32(1), np.uint8(7)])
def test_positive_integers_pass_as_python_ints(value):
    checked = check_positive_integer("size", value)
    assert checked == value and type(checked) is int


@pytest.mark.parametrize("value", [0, -3, 1.0, 2.5, "3", None, True, np.float32(4), np.int64(0), np.bool_(True)])
def test_anything_else_names_the_argument_and_the_value(value):
    with pytest.raises(ValueError, match=r"^`size` must be a positive integer, got ") as error:
        check_positive_integer("size", value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize("value", [1e-3, 2, 0.5, float("inf"), np.float32(0.25), np.int64(3)])
def test_positive_numbers_pass_as_python_floats(value):
    checked = check_positive_number("epsilon", value)
    assert checked == float(value) and type(checked) is float


@pytest.mark.parametrize(
    "value", [0, 0.0, -1e-9, float("nan"), np.float32("nan"), "1e-3", None, True, np.bool_(True), 1j]
)
def test_anything_not_positive_names_the_argument_and_the_value(value):
    with pytest.raises(ValueError, match=r"^`epsilon` must be a positive number, got ") as error:
        check_positive_number("epsilon", value)
    assert repr(value) in str(error.value)


@pytest.mark.parametrize("value", [0, 0.0, 1e-9, 3, float("inf"), np.float32(0.5), np.int64(0)])
def test_non_negative_numbers_pass_as_python_floats(value):
    checked = check_non_negative_number("state_noise", value)
    assert checked == float(value) and type(checked) is float


@pytest.mark.parametrize("value", [-1, -1e-9, float("-inf"), float("nan"), "0.5", None, False, np.bool_(False), 0j])
def test_anything_negative_or_not_a_number_names_the_argument_and_the_value(value):
    with pytest.raises(ValueError, match=r"^`state_noise` must be a non-negative number, got ") as error:
        check_non_negative_number("state_noise", value)
    assert repr(value) in str(error.value)
