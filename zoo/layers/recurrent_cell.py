"""`RecurrentCell`: the shared base of every zoo recurrent cell.

The contract (read this before writing a cell on top of it)
----------------------------------------------------------

A zoo cell is a `keras.layers.Layer` that works inside `keras.layers.RNN`,
`keras.layers.Bidirectional` and stacked RNNs, exactly like
`keras.layers.LSTMCell`. On top of that it splits one time step in two, so
that a fused sequence layer (`zoo.layers.FusedRNN` and its subclasses) can
hoist the input half out of the time loop:

    projected = cell.project_inputs(x, dropout_mask=None)
        # x: [batch, features] (one step) or [batch, time, features] (a
        # whole sequence). Returns x @ W (+ bias), plus whatever a cell
        # does to W x alone (its layer norm, for layer-norm cells), with
        # shape [..., cell.projection_size]. It must not depend on the state.
        # `dropout_mask` ([batch, features]) multiplies x first; for a
        # sequence it is broadcast over time (the same mask at every step).

    output, new_states = cell.recurrent_step(
        projected_t, states, training=False, recurrent_dropout_mask=None)
        # Everything that needs the previous state: U h, the gates, the new
        # state. `states` is a list (or a single tensor for one-state cells).
        # `recurrent_dropout_mask` ([batch, units]) multiplies h_{t-1} before
        # U; when it is None and `training` is true, the cell's own
        # per-sequence mask is used (see "Dropout" below).

    cell.call(x, states, training) == cell.recurrent_step(
        cell.project_inputs(x, mask), states, training)

A fused layer projects the whole sequence, then runs Keras' own time loop
(`keras.layers.RNN.inner_loop`, which calls the cell) inside
`with cell.projected_inputs_mode(recurrent_mask):`, where `call` is just
`recurrent_step` on the projected step. So a subclass must do all its
state-independent input work in `project_inputs` and everything else in
`recurrent_step`, and must not override `call`.

A subclass sets `num_gates` (blocks of `units` columns in the fused
`kernel` / `recurrent_kernel` / `bias`: 4 for an LSTM, 3 for a GRU, 1 for a
SimpleRNN), `state_size` if it is not the default single `units` state,
implements `recurrent_step`, and overrides `project_inputs` (calling
`super().project_inputs` or not) and `build` (calling `super().build`, then
adding its own weights with `add_weight(name=...)`) where it needs more.
`forget_gate_index` names the gate block that `unit_forget_bias=True` starts
at 1 (LSTM cells: 1, the order is i, f, c, o like Keras); cells without the
option leave it `None` and never pass `unit_forget_bias`. Override
`bias_shape` for a bias that is not `(num_gates * units,)` (a `reset_after`
GRU keeps an input and a recurrent bias, `(2, 3 * units)` like Keras).
Every extra constructor argument goes into `get_config` (merged with
`super().get_config()`), and the subclass is registered with
`@keras.saving.register_keras_serializable(package="zoo")`.

Weights are created in `build` with the same names as Keras' cells
(`kernel`, `recurrent_kernel`, `bias`), so the same cell inside a plain
`keras.layers.RNN` and inside a fused layer has the same variable paths and
`set_weights` moves weights between them.

Weight normalization (`weight_norm=True`)
-----------------------------------------

Every cell has the `weight_norm` option of Salimans & Kingma 2016: W and U
are computed column by column as g * v / ||v|| (see
`zoo.layers.weight_normalization`). It costs a subclass two things:

- read the kernels in its math through `self.effective_kernel()` and
  `self.effective_recurrent_kernel()` (or multiply by U with
  `self.recurrent_matmul(h)`, which a fused layer computes once per call),
  never `self.kernel` / `self.recurrent_kernel` directly (the base
  `project_inputs` already does);
- call `self.build_weight_norm()` last in `build`, after its own weights,
  so that the lengths `kernel_g` and `recurrent_kernel_g` are the last
  weights of every cell.

`weight_norm` is a `RecurrentCell` argument and config entry, so a
subclass has nothing to add to `__init__` or `get_config`.

Dropout (variational: one mask per sequence, the same at every step)
--------------------------------------------------------------------

Masks are drawn with the cell's `keras.random.SeedGenerator(seed)` outside
the time loop, so the loop itself stays stateless (a requirement under JAX
tracing, and what makes a mask the same at every step):

- Fused layers draw both masks with `make_dropout_masks(batch_size)` before
  the loop, multiply the sequence by the input mask before
  `project_inputs`, and pass the recurrent mask explicitly to
  `recurrent_step`. This is the path to use for training with dropout.
- In a plain `keras.layers.RNN`, Keras only pre-draws masks for its own
  (private) `DropoutRNNCell` class. A zoo cell therefore draws its masks in
  `get_initial_state(batch_size)`, which `keras.layers.RNN` calls once per
  call, before its loop, whenever no `initial_state` is passed and the
  layer is not stateful; `call` reuses the cached masks at every step. If
  there is no cached mask (`initial_state` passed, or `stateful=True`),
  `call` draws a new mask at each step (ordinary, non-variational dropout,
  and not traceable inside a jitted JAX loop). Use the fused layer (or
  `zoo.layers.FusedRNN(cell)`) for those cases.

Validation
----------

Arguments are normalized in `__init__` (`keras.activations.get`,
`keras.initializers.get`, ...) and checked there with actionable messages:
`units` must be a positive integer, `dropout` and `recurrent_dropout` must
lie in [0, 1), `seed` must be an integer or None.
"""

import contextlib
import numbers

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.layers.transposed_matmul import matmul_with_transposed
from zoo.layers.weight_normalization import add_column_lengths
from zoo.layers.weight_normalization import weight_normalize


def check_rate(name, value):
    """Raise a ValueError unless `value` is a float in [0, 1)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not 0.0 <= float(value) < 1.0
    ):
        raise ValueError(
            f"`{name}` must be a float in [0, 1) (the fraction of units to "
            f"drop), got {value!r}."
        )
    return float(value)


class RecurrentCell(keras.layers.Layer):
    """Base class of the zoo recurrent cells (not registered, not used alone).

    See the module docstring for the `project_inputs` / `recurrent_step`
    contract and the dropout scheme.

    Args:
        units: int. Dimensionality of the hidden state h (and of c), > 0.
        activation: activation for the candidate and the output, default
            `"tanh"`.
        recurrent_activation: activation for the gates, default `"sigmoid"`.
        use_bias: bool. Whether the gates have a bias, default `True`.
        kernel_initializer: initializer of the input kernel W, default
            `"glorot_uniform"`.
        recurrent_initializer: initializer of the recurrent kernel U,
            default `"orthogonal"`.
        bias_initializer: initializer of the bias b, default `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer:
            regularizers of W, U and b, default `None`.
        kernel_constraint, recurrent_constraint, bias_constraint:
            constraints of W, U and b, default `None`.
        weight_norm: bool. Compute with W = g_W * v_W / ||v_W|| and
            U = g_U * v_U / ||v_U|| per column (Salimans & Kingma 2016):
            `kernel` and `recurrent_kernel` hold v, `kernel_g` and
            `recurrent_kernel_g` hold g. Default `False`.
        dropout: float in [0, 1). Fraction of the input units dropped
            (one mask per sequence), default 0.
        recurrent_dropout: float in [0, 1). Fraction of h_{t-1} dropped
            before U (one mask per sequence), default 0.
        seed: int or None. Seed of the dropout masks, default `None`.
        **kwargs: `keras.layers.Layer` arguments (`name`, `dtype`, ...).
    """

    #: Blocks of `units` columns in `kernel`, `recurrent_kernel` and `bias`.
    num_gates = 1
    #: Gate block that `unit_forget_bias=True` initializes to 1 (or None).
    forget_gate_index = None
    #: Whether `projected_inputs_mode` computes U and U^T for
    #: `recurrent_matmul` (cells that multiply by U some other way say no).
    hoists_recurrent_kernel = True

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        weight_norm=False,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        units = check_positive_integer("units", units)
        dropout = check_rate("dropout", dropout)
        recurrent_dropout = check_rate("recurrent_dropout", recurrent_dropout)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
        ):
            raise ValueError(f"`seed` must be an integer or None, got {seed!r}.")
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)

        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(
            recurrent_initializer
        )
        self.bias_initializer = keras.initializers.get(bias_initializer)

        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(
            recurrent_regularizer
        )
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)

        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)

        self.weight_norm = bool(weight_norm)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = None if seed is None else int(seed)
        self.seed_generator = keras.random.SeedGenerator(seed=self.seed)
        self.input_dim = None
        self._projected_inputs_mode = False
        self._fused_recurrent_mask = None
        self.reset_dropout_masks()

    # ------------------------------------------------------------------ shape
    @property
    def state_size(self):
        """Sizes of the states; an int for one-state cells (h only)."""
        return self.units

    @property
    def output_size(self):
        return self.units

    @property
    def projection_size(self):
        """Last dimension of `project_inputs(x)`."""
        return self.num_gates * self.units

    @property
    def bias_shape(self):
        return (self.num_gates * self.units,)

    # ---------------------------------------------------------------- weights
    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} processes one time step of shape "
                f"(batch, features); got input_shape={tuple(input_shape)}. "
                "Run it over a (batch, time, features) sequence with "
                "keras.layers.RNN or a zoo fused layer."
            )
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{type(self).__name__} needs a known last input dimension "
                f"(features); got input_shape={tuple(input_shape)}."
            )
        self.input_dim = int(input_dim)
        width = self.num_gates * self.units
        self.kernel = self.add_weight(
            shape=(self.input_dim, width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self.bias_shape,
                name="bias",
                initializer=self._gate_bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.built = True

    def build_weight_norm(self):
        """With `weight_norm=True`, create the lengths g of W and U.

        Call it last in `build`: `kernel_g` and `recurrent_kernel_g` start at
        the column norms of `kernel` and `recurrent_kernel`, so the
        effective kernels start as their initializers made them.
        """
        if not self.weight_norm:
            return
        self.kernel_g = add_column_lengths(self, self.kernel, "kernel_g")
        self.recurrent_kernel_g = add_column_lengths(
            self, self.recurrent_kernel, "recurrent_kernel_g"
        )

    def effective_kernel(self):
        """W: `kernel`, or `kernel_g * kernel / ||kernel||` with weight_norm."""
        if self.weight_norm:
            return weight_normalize(self.kernel, self.kernel_g)
        return self.kernel

    def effective_recurrent_kernel(self):
        """U: `recurrent_kernel`, or its `g * v / ||v||` with weight_norm."""
        if self.weight_norm:
            return weight_normalize(self.recurrent_kernel, self.recurrent_kernel_g)
        return self.recurrent_kernel

    def _gate_bias_initializer(self):
        index = self.forget_gate_index
        if index is None or not getattr(self, "unit_forget_bias", False):
            return self.bias_initializer
        units, gates, base = self.units, self.num_gates, self.bias_initializer

        def initializer(shape, dtype=None):
            parts = [
                base((index * units,), dtype=dtype),
                ops.ones((units,), dtype=dtype),
                base(((gates - index - 1) * units,), dtype=dtype),
            ]
            return ops.concatenate([p for p in parts if p.shape[0]], axis=0)

        return initializer

    # ------------------------------------------------------------- the step
    def project_inputs(self, inputs, dropout_mask=None):
        """x @ W (+ bias) for one step or a whole sequence."""
        if dropout_mask is not None:
            inputs = inputs * self._broadcast_mask(dropout_mask, inputs)
        projected = ops.matmul(inputs, self.effective_kernel())
        if self.use_bias:
            projected = projected + self.bias
        return projected

    def recurrent_step(
        self, projected_inputs, states, training=False, recurrent_dropout_mask=None
    ):
        """One time step from projected inputs: returns (output, new_states)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `recurrent_step`."
        )

    def call(self, inputs, states, training=False):
        if self._projected_inputs_mode:
            # Inside a fused layer's loop: `inputs` are already projected.
            return self.recurrent_step(
                inputs,
                states,
                training=training,
                recurrent_dropout_mask=self._fused_recurrent_mask,
            )
        dropout_mask = None
        if training and self.dropout > 0:
            dropout_mask = self.get_dropout_mask(inputs)
        return self.recurrent_step(
            self.project_inputs(inputs, dropout_mask), states, training=training
        )

    def hoisted_kernels(self):
        """A context in which the kernels the cell derives from its weights
        are computed once; a fused layer enters it around its whole call.

        Nothing to compute here (`projected_inputs_mode` hoists U and U^T);
        the layer-norm cells compute their centered kernels in it
        (`zoo.layers.layer_norm.HoistedKernelsMixin`).
        """
        return contextlib.nullcontext(self)

    @contextlib.contextmanager
    def projected_inputs_mode(self, recurrent_dropout_mask=None):
        """While active, `call(inputs, ...)` takes projected inputs.

        A fused layer projects the whole sequence with `project_inputs`,
        then runs `keras.layers.RNN`'s own time loop over the projections
        inside this context, so the loop calls only `recurrent_step` (with
        the recurrent dropout mask drawn before the loop). U and U^T for
        `recurrent_matmul` are computed here, before the loop.
        """
        previous = (
            self._projected_inputs_mode,
            self._fused_recurrent_mask,
            self.__dict__.get("_hoisted_recurrent_kernel"),
        )
        self._projected_inputs_mode = True
        self._fused_recurrent_mask = recurrent_dropout_mask
        hoisted = None
        if self.hoists_recurrent_kernel:
            kernel = self.effective_recurrent_kernel()
            hoisted = (kernel, ops.transpose(kernel))
        # object.__setattr__: a plain cache, not tracked by Keras.
        object.__setattr__(self, "_hoisted_recurrent_kernel", hoisted)
        try:
            yield self
        finally:
            self._projected_inputs_mode, self._fused_recurrent_mask = previous[:2]
            object.__setattr__(self, "_hoisted_recurrent_kernel", previous[2])

    def recurrent_matmul(self, h):
        """h @ U, U the effective recurrent kernel.

        Inside `projected_inputs_mode` (a fused layer's loop), U and U^T are
        computed once, before the loop: the weight normalization is not
        redone at every step, and the backward pass multiplies by U^T as
        it is (`zoo.layers.transposed_matmul`), which XLA's CPU dot runs
        faster than the automatic gradient's dot with U's contracting
        dimension minor.
        """
        hoisted = self.__dict__.get("_hoisted_recurrent_kernel")
        if hoisted is None:
            return ops.matmul(h, self.effective_recurrent_kernel())
        kernel, kernel_transposed = hoisted
        return matmul_with_transposed(h, kernel, kernel_transposed)

    # -------------------------------------------------------------- helpers
    @staticmethod
    def _broadcast_mask(mask, inputs):
        if len(inputs.shape) == 3:
            return ops.expand_dims(mask, 1)
        return mask

    @staticmethod
    def split_states(states):
        """The states as a list (a single tensor becomes a 1-list)."""
        if isinstance(states, (list, tuple)):
            return list(states)
        return [states]

    def recurrent_input(self, h, training=False, recurrent_dropout_mask=None):
        """h_{t-1} with recurrent dropout applied where it should be."""
        if recurrent_dropout_mask is not None:
            return h * recurrent_dropout_mask
        if training and self.recurrent_dropout > 0:
            return h * self.get_recurrent_dropout_mask(h)
        return h

    # -------------------------------------------------------------- dropout
    def make_dropout_masks(self, batch_size):
        """Draw fresh (input, recurrent) masks; None where the rate is 0.

        The input mask has shape [batch, input_dim], the recurrent one
        [batch, units]; kept entries are 1 / (1 - rate), like Keras.
        """
        dtype = self.compute_dtype
        input_mask = recurrent_mask = None
        if self.dropout > 0:
            input_mask = keras.random.dropout(
                ops.ones((batch_size, self.input_dim), dtype=dtype),
                rate=self.dropout,
                seed=self.seed_generator,
            )
        if self.recurrent_dropout > 0:
            recurrent_mask = keras.random.dropout(
                ops.ones((batch_size, self.units), dtype=dtype),
                rate=self.recurrent_dropout,
                seed=self.seed_generator,
            )
        return input_mask, recurrent_mask

    def reset_dropout_masks(self):
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def get_dropout_mask(self, step_input):
        """The input mask of the current sequence (see module docstring)."""
        if self._dropout_mask is not None:
            return self._dropout_mask
        return keras.random.dropout(
            ops.ones_like(step_input), rate=self.dropout, seed=self.seed_generator
        )

    def get_recurrent_dropout_mask(self, h):
        """The recurrent mask of the current sequence (see module docstring)."""
        if self._recurrent_dropout_mask is not None:
            return self._recurrent_dropout_mask
        return keras.random.dropout(
            ops.ones_like(h), rate=self.recurrent_dropout, seed=self.seed_generator
        )

    def zero_states(self, batch_size):
        """Zero states, one [batch, size] tensor per entry of `state_size`."""
        sizes = self.state_size
        sizes = list(sizes) if isinstance(sizes, (list, tuple)) else [sizes]
        return [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]

    def get_initial_state(self, batch_size=None):
        """Zero states; also draws this sequence's dropout masks.

        `keras.layers.RNN` calls this once per call, before its time loop,
        so drawing the masks here keeps them the same at every step and
        keeps the random draw out of the loop (see the module docstring).
        """
        self.reset_dropout_masks()
        if (self.dropout > 0 or self.recurrent_dropout > 0) and self.built:
            self._dropout_mask, self._recurrent_dropout_mask = (
                self.make_dropout_masks(batch_size)
            )
        return self.zero_states(batch_size)

    # ---------------------------------------------------------------- config
    def get_config(self):
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "recurrent_activation": keras.activations.serialize(
                self.recurrent_activation
            ),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(
                self.kernel_initializer
            ),
            "recurrent_initializer": keras.initializers.serialize(
                self.recurrent_initializer
            ),
            "bias_initializer": keras.initializers.serialize(
                self.bias_initializer
            ),
            "kernel_regularizer": keras.regularizers.serialize(
                self.kernel_regularizer
            ),
            "recurrent_regularizer": keras.regularizers.serialize(
                self.recurrent_regularizer
            ),
            "bias_regularizer": keras.regularizers.serialize(
                self.bias_regularizer
            ),
            "kernel_constraint": keras.constraints.serialize(
                self.kernel_constraint
            ),
            "recurrent_constraint": keras.constraints.serialize(
                self.recurrent_constraint
            ),
            "bias_constraint": keras.constraints.serialize(self.bias_constraint),
            "weight_norm": self.weight_norm,
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}
