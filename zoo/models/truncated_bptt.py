"""`TruncatedBPTTMixin`: recurrent states carried from batch to batch inside `fit`."""

import contextlib

import keras
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.data.bptt_batches import BPTTBatches


class TruncatedBPTTMixin:
    """Truncated BPTT for a recurrent `keras.Model`: states carried across batches.

    With `fit(BPTTBatches(...))` each batch continues, row by row, the
    batch before it (`zoo.data.BPTTBatches`), so each batch must start from
    the states the previous batch ended with. The carried states live in
    non-trainable variables that the model's `call(training=True)` reads
    (`carried_initial_states`) and assigns (`keep_carried_states`): the
    carry is part of the compiled train step, under XLA on TensorFlow and
    on JAX. Gradients stop at batch boundaries: the read value is an input
    of the step, not a function of the previous step's weights. The states
    are zeroed at the start of every epoch.

    Keras' own `stateful=True` RNNs keep their states in variables that
    are not tracked, which on JAX means `fit` never updates them (the
    compiled step sees them as constants: they stay zero). Here the
    variables are added to `model.variables`, and so to the
    `non_trainable_variables` that the JAX trainer threads through its
    step, but not to `model.weights`: they are neither saved nor counted
    as parameters, and a checkpoint does not depend on the batch size.

    Data parallelism (`zoo.training.distribution.distribution_scope`): on
    JAX (`keras.distribution.DataParallel`) the step is one program over
    the whole batch, so the carried states are ordinary variables of all
    the rows. A TensorFlow `MirroredStrategy` instead runs the step once per
    replica on a slice of the rows: replica r always gets rows
    [r * B / R, (r + 1) * B / R) of every batch of B rows, so each replica
    carries the states of its own rows, in variables local to it
    (`synchronization="on_read"`, B / R rows each; B must be a multiple of
    the R replicas). Read outside the replicas (`carried_states`), they
    show the first replica's rows.

    The model provides `zero_states(batch_size)` (per layer, a list of
    [batch, size] tensors) and, in `call(inputs, training)`:

        initial = self.carried_initial_states(inputs) if training else None
        outputs, states = ...run from `initial` (None: zero states)...
        if initial is not None:
            self.keep_carried_states(states)

    Example: see `zoo.models.LanguageModel`, which uses it.
    """

    @property
    def variables(self):
        # Part of the train step's state, not weights (see the class docstring).
        carried = self.__dict__.get("_carried_states") or []
        return [*super().variables, *(variable for layer in carried for variable in layer)]

    def reset_carried_states(self, batch_size=None):
        """Zero the carried states; with a new `batch_size`, make new ones."""
        carried = self.__dict__.get("_carried_states")
        replicas = self._replicas_in_sync()
        if batch_size is None or (
            carried and self.__dict__.get("_carried_layout") == (batch_size, replicas)
        ):
            for layer in carried or []:
                for variable in layer:
                    variable.assign(ops.zeros(variable.shape, variable.dtype))
            return
        batch_size = check_positive_integer("batch_size", batch_size)
        if batch_size % replicas:
            raise ValueError(
                f"Truncated BPTT over {replicas} replicas needs a batch size that is a "
                f"multiple of {replicas} (each replica carries the states of its own "
                f"rows), got {batch_size}"
            )
        rows = int(batch_size) // replicas
        # One replica: ordinary variables. Several (TensorFlow's
        # MirroredStrategy): each replica keeps its own rows' states.
        per_replica = {"synchronization": "on_read", "aggregation": "only_first_replica"}
        with self._variable_creation_scope():
            self.__dict__["_carried_states"] = [
                [
                    keras.Variable(
                        ops.convert_to_numpy(state),
                        trainable=False,
                        name=f"carried_state_{index}_{position}",
                        **(per_replica if replicas > 1 else {}),
                    )
                    for position, state in enumerate(layer)
                ]
                for index, layer in enumerate(self.zero_states(rows))
            ]
        self.__dict__["_carried_layout"] = (batch_size, replicas)

    def _replicas_in_sync(self):
        """How many slices a TensorFlow `MirroredStrategy` cuts each batch
        into (1 without one, and on the other backends)."""
        strategy = getattr(self, "distribute_strategy", None)
        return int(getattr(strategy, "num_replicas_in_sync", 1) or 1)

    def _variable_creation_scope(self):
        strategy = getattr(self, "distribute_strategy", None)
        if strategy is None or self._replicas_in_sync() == 1:
            return contextlib.nullcontext()
        return strategy.scope()

    @contextlib.contextmanager
    def carrying_states(self, batch_size):
        """While active, training calls start from the carried states and
        leave their final states there (zeroed on entry)."""
        self.reset_carried_states(batch_size)
        previous = self.__dict__.get("_carrying", False)
        self.__dict__["_carrying"] = True
        try:
            yield self
        finally:
            self.__dict__["_carrying"] = previous

    @property
    def carried_states(self):
        """The carried states as numpy arrays (per layer, a list), or None."""
        carried = self.__dict__.get("_carried_states")
        if not carried:
            return None
        return [[ops.convert_to_numpy(variable) for variable in layer] for layer in carried]

    def carried_initial_states(self, inputs):
        """The states a training call starts from: the carried ones (as
        constants of the step) inside `carrying_states`, else None."""
        carried = self.__dict__.get("_carried_states")
        if not (carried and self.__dict__.get("_carrying")):
            return None
        rows = carried[0][0].shape[0]
        batch = keras.tree.flatten(inputs)[0].shape[0]
        if batch is not None and batch != rows:
            raise ValueError(
                f"The batch has {batch} rows but the carried states have {rows} "
                f"(`carrying_states(batch_size={rows})`)"
            )
        return [[ops.stop_gradient(variable.value) for variable in layer] for layer in carried]

    def keep_carried_states(self, states):
        """Assign a training call's final states to the carried states."""
        for variables, values in zip(self.__dict__["_carried_states"], states):
            for variable, value in zip(variables, values):
                variable.assign(ops.stop_gradient(value))

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            **kwargs):
        """`keras.Model.fit`; with `x` a `BPTTBatches`, truncated BPTT: the
        batches read in order (`shuffle=False`), the states carried from
        batch to batch and zeroed at every epoch start."""
        if not isinstance(x, BPTTBatches):
            self._use_train_function_for(None)
            return super().fit(x, y, batch_size, epochs, verbose, callbacks, **kwargs)
        if kwargs.get("shuffle"):
            # Keras shuffles the order of a PyDataset's batches by default.
            raise ValueError(
                "BPTTBatches must be read in order (each batch continues the "
                "previous one); do not pass shuffle=True"
            )
        kwargs["shuffle"] = False
        callbacks = [*(callbacks or []), _CarriedStatesReset()]
        with self.carrying_states(x.batch_size):
            self._use_train_function_for(x.batch_size)
            return super().fit(x, y, batch_size, epochs, verbose, callbacks, **kwargs)

    def _use_train_function_for(self, carried_batch_size):
        # Whether a training call carries states is fixed when the train
        # step is traced: trace it again when that changes.
        if self.__dict__.get("_train_function_carries") != carried_batch_size:
            if getattr(self, "train_function", None) is not None:
                self.make_train_function(force=True)
            self.__dict__["_train_function_carries"] = carried_batch_size


class _CarriedStatesReset(keras.callbacks.Callback):
    """Zeroes a model's carried states at every epoch start."""

    def on_epoch_begin(self, epoch, logs=None):
        self.model.reset_carried_states()
