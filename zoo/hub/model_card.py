"""The model card: what a checkpoint is, how it was made, how good it is."""

import dataclasses
import json

CARD_FILE = "card.json"


@dataclasses.dataclass
class ModelCard:
    """Metadata stored beside every checkpoint as `card.json`.

    The caller of `zoo.hub.save` fills in what only it knows (task, data,
    the recipe command, the metrics its evaluation printed); `save` fills in
    the rest (versions, parameter count, file sizes and sha256 checksums).

    Args:
        name: str. The checkpoint name, e.g. `"pos_tagger_ewt_en"`.
        task: str. What the model does, in a few words.
        description: str. One line for `zoo list`.
        data: str. The training data, precisely enough to get it again.
        data_license: str. The license of that data.
        recipe_command: str. The exact command that produced the checkpoint.
        metrics: dict. `{split: {metric: value}}`, as the recipe printed them.
        headline_metric: str. `"split/metric"` shown by `zoo list`.
        notes: str. Anything else a user should know.
        config: dict. The recipe's config, every option with the value the
            run used (defaults included), so the run can be repeated.
        parameter_count, keras_version, zoo_version, backend, created,
        files: filled in by `zoo.hub.save`; `files` maps each file's path
            (relative to the checkpoint folder) to `{"sha256", "bytes"}`.

    Example:

    >>> card = ModelCard(name="g2p_tiny", metrics={"test": {"wer": 0.25}},
    ...                  headline_metric="test/wer")
    >>> card.headline()
    'wer on test: 0.25'
    >>> ModelCard.from_json(card.to_json()) == card
    True
    """

    name: str
    task: str = ""
    description: str = ""
    data: str = ""
    data_license: str = ""
    recipe_command: str = ""
    metrics: dict = dataclasses.field(default_factory=dict)
    headline_metric: str = ""
    notes: str = ""
    config: dict = dataclasses.field(default_factory=dict)
    parameter_count: int = 0
    keras_version: str = ""
    zoo_version: str = ""
    backend: str = ""
    created: str = ""
    files: dict = dataclasses.field(default_factory=dict)

    def headline(self):
        """`"metric on split: value"` for the headline metric, or `""`."""
        if not self.headline_metric:
            return ""
        split, _, metric = self.headline_metric.partition("/")
        value = self.metrics.get(split, {}).get(metric)
        if value is None:
            return ""
        if isinstance(value, float):
            value = f"{value:.4g}"
        return f"{metric} on {split}: {value}"

    def to_json(self):
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        fields = json.loads(text)
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(fields) - known)
        if unknown:
            raise ValueError(f"Unknown model card fields: {unknown}")
        return cls(**fields)
