"""`LayerNormOptionsMixin`: the layer-norm options of a cell (epsilon and
the gains' initializer, regularizer and constraint), their weights and
their config."""

import keras

from zoo.argument_checks import check_positive_number
from zoo.layers.layer_norm import DEFAULT_EPSILON


class LayerNormOptionsMixin:
    """The options every zoo layer-norm cell takes for its LN gains g.

    A cell calls `init_layer_norm(...)` in `__init__`, creates each gain
    with `add_norm_gain(name, size)` in `build`, and adds
    `layer_norm_config()` to its config; the LN itself is
    `zoo.layers.layer_norm` (`HoistedKernelsMixin.layer_norm_matmul` uses
    `self.epsilon`).

    Example:

    >>> from zoo.layers import LayerNormGRUCell
    >>> cell = LayerNormGRUCell(4, epsilon=1e-5, gamma_constraint="non_neg")
    >>> cell.build((None, 3))
    >>> tuple(cell.kernel_norm_gamma.shape), cell.layer_norm_config()["epsilon"]
    ((12,), 1e-05)
    """

    def init_layer_norm(
        self,
        epsilon=DEFAULT_EPSILON,
        gamma_initializer="ones",
        gamma_regularizer=None,
        gamma_constraint=None,
    ):
        """Check and keep the options.

        Raises:
            ValueError: `epsilon` is not a positive number.
        """
        self.epsilon = check_positive_number("epsilon", epsilon)
        self.gamma_initializer = keras.initializers.get(gamma_initializer)
        self.gamma_regularizer = keras.regularizers.get(gamma_regularizer)
        self.gamma_constraint = keras.constraints.get(gamma_constraint)

    def add_norm_gain(self, name, size):
        """Add the gain `name` of `size` entries, set as `self.<name>`."""
        gain = self.add_weight(
            shape=(size,),
            name=name,
            initializer=self.gamma_initializer,
            regularizer=self.gamma_regularizer,
            constraint=self.gamma_constraint,
        )
        setattr(self, name, gain)
        return gain

    def layer_norm_config(self):
        """The options, serialized for `get_config`."""
        return {
            "epsilon": self.epsilon,
            "gamma_initializer": keras.initializers.serialize(self.gamma_initializer),
            "gamma_regularizer": keras.regularizers.serialize(self.gamma_regularizer),
            "gamma_constraint": keras.constraints.serialize(self.gamma_constraint),
        }
