"""keras-tuner tuners for zoo HyperModels, and their trials as a ranked table."""

import keras_tuner

TUNERS = {
    "random": keras_tuner.RandomSearch,
    "bayesian": keras_tuner.BayesianOptimization,
    "hyperband": keras_tuner.Hyperband,
}


def build_tuner(kind, hypermodel, directory, project_name="search", max_trials=10,
                max_epochs=10, seed=0, overwrite=False):
    """A keras-tuner tuner that maximizes `hypermodel.OBJECTIVE`.

    Trials are written under `directory/project_name`; a tuner built again
    on the same folder resumes the search (finished trials are not rerun)
    unless `overwrite`.

    Args:
        kind: `"random"`, `"bayesian"` or `"hyperband"` (see `TUNERS`).
        hypermodel: a zoo HyperModel (e.g. `TaggerHyperModel`).
        directory: str. Where trials are written.
        project_name: str. The search's folder under `directory`.
        max_trials: int. Trials of the random and Bayesian tuners.
        max_epochs: int. Hyperband: epochs of its longest trials.
        seed: int. Seed of the search.
        overwrite: bool. Start over instead of resuming, default False.
    """
    if kind not in TUNERS:
        raise ValueError(f"The tuner must be one of {sorted(TUNERS)}, got {kind!r}")
    budget = {"max_epochs": max_epochs} if kind == "hyperband" else {"max_trials": max_trials}
    return TUNERS[kind](
        hypermodel=hypermodel,
        objective=hypermodel.OBJECTIVE,
        directory=directory,
        project_name=project_name,
        seed=seed,
        overwrite=overwrite,
        **budget,
    )


def ranked_trials(tuner):
    """The finished trials, best first: a list of `(trial_id, score, values)`."""
    trials = [
        trial for trial in tuner.oracle.trials.values()
        if trial.score is not None and trial.status == "COMPLETED"
    ]
    maximize = tuner.oracle.objective.direction == "max"
    trials.sort(key=lambda trial: trial.score, reverse=maximize)
    return [
        (
            trial.trial_id,
            trial.score,
            {name: value for name, value in trial.hyperparameters.values.items()
             if not name.startswith("tuner/")},
        )
        for trial in trials
    ]


def trials_table(tuner, top=None):
    """The ranked trials as a markdown table: rank, trial, score, values."""
    rows = ranked_trials(tuner)[:top]
    if not rows:
        return "(no finished trials)"
    names = sorted({name for _, _, values in rows for name in values})
    lines = [
        "| rank | trial | " + tuner.oracle.objective.name + " | " + " | ".join(names) + " |",
        "|---:|---|---:|" + "---|" * len(names),
    ]
    for rank, (trial_id, score, values) in enumerate(rows, 1):
        cells = [_shown(values.get(name, "")) for name in names]
        lines.append(f"| {rank} | {trial_id} | {score:.4f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _shown(value):
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
