"""`zoo tune RECIPE`: a keras-tuner hyperparameter search, resumable."""

import os

#: The families with a HyperModel, by recipe name.
TUNABLE = ("tagger",)


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "tune",
        help="search hyperparameters with keras-tuner",
        description=(
            "Search a model family's hyperparameters (zoo.tuning) on your data: "
            "each trial trains a model and scores dev; trials are written to "
            "--directory, so running the same command again resumes the search. "
            "Prints the trials ranked; --export saves the best trial's model."
        ),
    )
    parser.add_argument("recipe", help=f"what to tune: {', '.join(TUNABLE)}")
    parser.add_argument("--train", required=True, metavar="FILE", help="training data")
    parser.add_argument("--dev", required=True, metavar="FILE", help="dev data (the objective)")
    parser.add_argument("--format", choices=("conllu", "conll"), default="conllu",
                        help="data format (default conllu)")
    parser.add_argument("--label-cols", default="upos",
                        help="label columns: CoNLL-U names, or indexes for --format conll "
                             "(default upos)")
    parser.add_argument("--token-col", type=int, default=0,
                        help="--format conll: the token column (default 0)")
    parser.add_argument("--tuner", choices=("random", "bayesian", "hyperband"), default="random")
    parser.add_argument("--max-trials", type=int, default=10,
                        help="trials of the random and bayesian tuners (default 10)")
    parser.add_argument("--epochs", type=int, default=10,
                        help="epochs per trial (hyperband: of its longest trials; default 10)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--directory", default="zoo_tuning",
                        help="where trials are written (default zoo_tuning)")
    parser.add_argument("--overwrite", action="store_true",
                        help="start the search over instead of resuming it")
    parser.add_argument("--export", metavar="NAME|FOLDER",
                        help="save the best trial's model as a checkpoint")
    parser.set_defaults(run=run)


def read_tagged(args, path):
    from zoo.data.conll_reader import read_conll
    from zoo.data.conllu_reader import read_conllu

    columns = args.label_cols.split(",")
    if args.format == "conllu":
        return read_conllu(path, label_columns=tuple(columns))
    try:
        indexes = tuple(int(column) for column in columns)
    except ValueError:
        from zoo.cli.main import UsageError

        raise UsageError(f"--label-cols must be column indexes for --format conll, got {args.label_cols!r}")
    return read_conll(path, token_column=args.token_col, label_columns=indexes)


def run(args):
    from zoo.cli.main import UsageError
    from zoo.data.data_format_error import DataFormatError

    if args.recipe not in TUNABLE:
        raise UsageError(f"No HyperModel for {args.recipe!r}; zoo tune knows: {', '.join(TUNABLE)}")
    for flag in ("max_trials", "epochs", "batch_size"):
        if getattr(args, flag) < 1:
            raise UsageError(f"--{flag.replace('_', '-')} must be at least 1, got {getattr(args, flag)}")
    try:
        train, dev = read_tagged(args, args.train), read_tagged(args, args.dev)
    except (FileNotFoundError, DataFormatError, ValueError) as error:
        raise UsageError(str(error)) from error

    import keras

    from zoo.tuning import TaggerHyperModel
    from zoo.tuning import build_tuner
    from zoo.tuning import trials_table

    keras.utils.set_random_seed(args.seed)
    hypermodel = TaggerHyperModel(train, dev, batch_size=args.batch_size, seed=args.seed)
    tuner = build_tuner(
        args.tuner, hypermodel, directory=args.directory, project_name=f"{args.recipe}_{args.tuner}",
        max_trials=args.max_trials, max_epochs=args.epochs, seed=args.seed,
        overwrite=args.overwrite,
    )
    print(f"zoo tune {args.recipe}: {args.tuner} search, {len(train)} training and "
          f"{len(dev)} dev sentences, trials in {os.path.join(args.directory, tuner.project_name)}")
    tuner.search(epochs=args.epochs, verbose=2)
    print(trials_table(tuner))
    if args.export:
        export_best(args, tuner, hypermodel)
    return 0


def export_best(args, tuner, hypermodel):
    """Save the best trial's model (its best epoch's weights) with a card."""
    import shlex
    import sys

    import zoo
    from zoo.tuning import ranked_trials

    trial_id, score, values = ranked_trials(tuner)[0]
    model = tuner.get_best_models(1)[0]
    card = zoo.ModelCard(
        name=os.path.basename(os.path.normpath(args.export)),
        task=f"sequence tagging ({', '.join(model.label_names)})",
        description=f"{model.cell} tagger, best of a {args.tuner} search (trial {trial_id})",
        data=f"{args.train} (dev: {args.dev})",
        data_license="see the data's license",
        recipe_command=shlex.join(["zoo", "tune", *sys.argv[2:]]) if sys.argv[1:2] == ["tune"] else "",
        metrics={"dev": {"dev_score": round(score, 5), "trials": len(ranked_trials(tuner))}},
        headline_metric="dev/dev_score",
        notes=(
            "dev_score is the dev accuracy of the first label column (span F1 for "
            "IOB labels) at the trial's best epoch; dev also chose the trial."
        ),
        config={"tuner": args.tuner, "epochs": args.epochs, **values},
    )
    print(f"wrote {zoo.save(model, args.export, card=card)}")
