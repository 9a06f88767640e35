"""`--from` and `--freeze`: the options of recipes that fine-tune a checkpoint."""

import dataclasses
from typing import ClassVar

from zoo.data.data_format_error import DataFormatError
from zoo.hub.checkpoint_error import CheckpointError
from zoo.training.recipe_config import OptionError
from zoo.training.recipe_config import field_default
from zoo.training.recipe_config import flag_of
from zoo.training.recipe_config import option


@dataclasses.dataclass
class FineTuningOptions:
    """`--from CHECKPOINT`, `--freeze PARTS` and the learning rate they change.

    A recipe config inherits it after its runner options and declares a
    `learning_rate` field whose default is 0 ("auto"): it becomes
    `LEARNING_RATE`, or the smaller `FINE_TUNING_LEARNING_RATE` with
    `--from` (fine-tuning starts near a good solution; smaller steps keep it
    there). A recipe overrides the two class attributes when its rates differ.

    Example:

    >>> @dataclasses.dataclass
    ... class MyConfig(FineTuningOptions):
    ...     learning_rate: float = 0.0
    >>> MyConfig().learning_rate, MyConfig(from_checkpoint="pos_tagger_ewt_en").learning_rate
    (0.002, 0.0005)
    >>> MyConfig(from_checkpoint="x", freeze="embeddings, encoder").freeze_parts()
    ['embeddings', 'encoder']
    """

    LEARNING_RATE: ClassVar[float] = 2e-3
    FINE_TUNING_LEARNING_RATE: ClassVar[float] = 5e-4

    from_checkpoint: str = option(
        "",
        "fine-tune this checkpoint (name or folder) of the recipe's model family: its "
        "architecture and vocabularies are kept and grown, the model options are ignored "
        "(dropout rates given apply; the others are the checkpoint's)",
        flag="--from",
    )
    freeze: str = option("", "with --from: parts kept fixed, comma-separated: embeddings, encoder")

    def __post_init__(self):
        # Cooperative: the runner options a recipe config also inherits
        # check their own fields (e.g. `--max-minutes`).
        inherited = getattr(super(), "__post_init__", None)
        if inherited is not None:
            inherited()
        if not self.learning_rate:
            self.learning_rate = (
                self.FINE_TUNING_LEARNING_RATE if self.from_checkpoint else self.LEARNING_RATE
            )

    def freeze_parts(self):
        """The `--freeze` parts as a list (empty without `--freeze`).

        Raises:
            OptionError: `--freeze` without `--from`.
        """
        parts = [part.strip() for part in self.freeze.split(",") if part.strip()]
        if parts and not self.from_checkpoint:
            raise OptionError("--freeze needs --from: a new model has nothing to keep fixed")
        return parts

    def take_architecture(self, start, names):
        """Set the model options `names` to the `--from` checkpoint's values.

        Fine-tuning keeps the checkpoint's architecture (the options are
        ignored), so the config, which the recipe writes into the new card,
        should say what the model is rather than the options' defaults.

        Args:
            start: the `--from` model; each name is one of its attributes.
            names: the config fields that describe the architecture.

        Returns:
            A line for the recipe to print: the checkpoint's options, and the
            ones given on the command line with another value, which are
            ignored.

        Example:

        >>> import types
        >>> @dataclasses.dataclass
        ... class MyConfig(FineTuningOptions):
        ...     learning_rate: float = 0.0
        ...     units: int = 128
        ...     num_layers: int = 1
        >>> config = MyConfig(from_checkpoint="g2p_cmudict_en", units=64)
        >>> config.take_architecture(types.SimpleNamespace(units=256, num_layers=2),
        ...                          ["units", "num_layers"])
        'units=256, num_layers=2 (ignored: --units 64)'
        >>> config.units, config.num_layers
        (256, 2)
        """
        ignored = []
        for name in names:
            given, value = getattr(self, name), getattr(start, name)
            if self.given(name) and given != value:
                ignored.append(f"{flag_of(self._field(name))} {given}")
            setattr(self, name, value)
        line = ", ".join(f"{name}={getattr(start, name)}" for name in names)
        return line + (f" (ignored: {', '.join(ignored)})" if ignored else "")

    def take_regularization(self, start, names):
        """Set the options `names` left out to the `--from` checkpoint's values.

        Regularization rates (dropout) hold no weight, so fine-tuning can
        change them (a small fine-tuning set wants more dropout): a rate
        given on the command line applies, the others are the checkpoint's.

        Args:
            start: the `--from` model; each name is one of its attributes.
            names: the config fields that are regularization rates.

        Returns:
            A line for the recipe to print: the rates the run uses, and the
            checkpoint's where one was given with another value.

        Example:

        >>> import types
        >>> @dataclasses.dataclass
        ... class MyConfig(FineTuningOptions):
        ...     learning_rate: float = 0.0
        ...     dropout: float = 0.3
        ...     word_dropout: float = 0.05
        >>> config = MyConfig(from_checkpoint="g2p_cmudict_en", dropout=0.4)
        >>> config.take_regularization(
        ...     types.SimpleNamespace(dropout=0.2, word_dropout=0.1), ["dropout", "word_dropout"])
        "dropout=0.4 (the checkpoint's: 0.2), word_dropout=0.1"
        >>> config.dropout, config.word_dropout
        (0.4, 0.1)
        """
        parts = []
        for name in names:
            given, value = getattr(self, name), getattr(start, name)
            if self.given(name):
                parts.append(f"{name}={given}"
                             + (f" (the checkpoint's: {value})" if given != value else ""))
            else:
                setattr(self, name, value)
                parts.append(f"{name}={value}")
        return ", ".join(parts)

    def given(self, name):
        """Whether the option `name` was given on the command line.

        `parse_config` records the given options (`given_options`); a config
        built in Python counts the fields that differ from their defaults.
        """
        given_options = self.__dict__.get("given_options")
        if given_options is not None:
            return name in given_options
        return getattr(self, name) != field_default(self._field(name))

    def _field(self, name):
        return {field.name: field for field in dataclasses.fields(self)}[name]


def load_checkpoint_of(name, model_class, recipe):
    """The `--from` checkpoint `name`, checked to be a `model_class`.

    Args:
        name: a checkpoint name (shipped or user) or folder.
        model_class: the class the recipe trains, e.g. `SequenceTagger`,
            or a tuple of the classes it starts from.
        recipe: the recipe's name, for the error message.

    Raises:
        OptionError: there is no such checkpoint, it cannot be read, or it
            holds another kind of model.
    """
    import zoo

    try:
        start = zoo.load(name)
    except (CheckpointError, DataFormatError, FileNotFoundError) as error:
        raise OptionError(f"--from: {error}") from error
    if not isinstance(start, model_class):
        classes = " or ".join(
            cls.__name__ for cls in (model_class if isinstance(model_class, tuple)
                                     else (model_class,)))
        raise OptionError(
            f"--from {name!r} is a {type(start).__name__} checkpoint, not a "
            f"{classes}: the {recipe} recipe starts from {classes} checkpoints only"
        )
    return start
