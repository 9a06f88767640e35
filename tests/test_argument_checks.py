"""`check_positive_integer`: Python and NumPy ints >= 1 pass, as Python ints;
anything else is a ValueError naming the argument."""

import numpy as np
import pytest

from zoo.argument_checks import check_positive_integer


@pytest.mark.parametrize("value", [1, 2, 10**12, np.int64(3), np.int32(1), np.uint8(7)])
def test_positive_integers_pass_as_python_ints(value):
    checked = check_positive_integer("size", value)
    assert checked == value and type(checked) is int


@pytest.mark.parametrize("value", [0, -3, 1.0, 2.5, "3", None, True, np.float32(4), np.int64(0), np.bool_(True)])
def test_anything_else_names_the_argument_and_the_value(value):
    with pytest.raises(ValueError, match=r"^`size` must be a positive integer, got ") as error:
        check_positive_integer("size", value)
    assert repr(value) in str(error.value)
