"""`zoo tune RECIPE`: a keras-tuner hyperparameter search, resumable."""

import os

#: The families with a HyperModel, by recipe name: what --train and --dev hold.
TUNABLE = {
    "tagger": "CoNLL-U files (or CoNLL columns with --format conll)",
    "seq2seq": "`source<TAB>target tokens` files (or CMUdict files with --format cmudict)",
    "lm": "text files, one line per sentence or paragraph (--level word|char)",
    "word2vec": "--train a text corpus, --dev word pairs with scores (e.g. WordSim-353)",
}
FORMATS = {"tagger": ("conllu", "conll"), "seq2seq": ("tsv", "cmudict")}


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "tune",
        help="search hyperparameters with keras-tuner",
        description=(
            "Search a model family's hyperparameters (zoo.tuning) on your data: "
            "each trial trains a model and scores dev; trials are written to "
            "--directory, so running the same command again resumes the search. "
            "Prints the trials ranked; --export saves the best trial's model. "
            "Families: " + "; ".join(f"{name}: {data}" for name, data in TUNABLE.items())
        ),
    )
    parser.add_argument("recipe", help=f"what to tune: {', '.join(TUNABLE)}")
    parser.add_argument("--train", required=True, metavar="FILE", help="training data")
    parser.add_argument("--dev", required=True, metavar="FILE", help="dev data (the objective)")
    parser.add_argument("--format", default=None,
                        help="tagger: conllu (default) or conll; seq2seq: tsv (default) or cmudict")
    parser.add_argument("--label-cols", default="upos",
                        help="tagger: label columns, CoNLL-U names or indexes for --format conll "
                             "(default upos)")
    parser.add_argument("--token-col", type=int, default=0,
                        help="tagger, --format conll: the token column (default 0)")
    parser.add_argument("--level", choices=("word", "char"), default="word",
                        help="lm: word or character model (default word)")
    parser.add_argument("--min-count", type=int, default=5,
                        help="word2vec: drop words seen fewer times in --train (default 5)")
    parser.add_argument("--tuner", choices=("random", "bayesian", "hyperband"), default="random")
    parser.add_argument("--max-trials", type=int, default=10,
                        help="trials of the random and bayesian tuners (default 10)")
    parser.add_argument("--epochs", type=int, default=10,
                        help="epochs per trial (hyperband: of its longest trials; default 10)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="batch size (default: the family's: 32 sentences, 128 pairs, "
                             "32 LM rows, 1024 word2vec center words)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--directory", default="zoo_tuning",
                        help="where trials are written (default zoo_tuning)")
    parser.add_argument("--overwrite", action="store_true",
                        help="start the search over instead of resuming it")
    parser.add_argument("--export", metavar="NAME|FOLDER",
                        help="save the best trial's model as a checkpoint")
    parser.set_defaults(run=run)


def check_options(args):
    from zoo.cli.main import UsageError

    if args.recipe not in TUNABLE:
        raise UsageError(f"No HyperModel for {args.recipe!r}; zoo tune knows: {', '.join(TUNABLE)}")
    for flag in ("max_trials", "epochs", "batch_size"):
        value = getattr(args, flag)
        if value is not None and value < 1:
            raise UsageError(f"--{flag.replace('_', '-')} must be at least 1, got {value}")
    formats = FORMATS.get(args.recipe, ())
    if args.format is not None and args.format not in formats:
        known = f"one of {', '.join(formats)}" if formats else "not an option"
        raise UsageError(f"--format for {args.recipe} is {known}, got {args.format!r}")
    for path in (args.train, args.dev):
        if not os.path.isfile(path):
            raise UsageError(f"No data file {path!r}")


def read_text(path):
    from zoo.data.data_format_error import numbered_lines

    return "".join(line + "\n" for _, line in numbered_lines(path))


def build_hypermodel(args):
    """The recipe's HyperModel on the data of --train and --dev."""
    batch = {} if args.batch_size is None else {"batch_size": args.batch_size}
    if args.recipe == "tagger":
        from zoo.data.tagged_file_reader import read_tagged_file
        from zoo.tuning import TaggerHyperModel

        train, dev = (
            read_tagged_file(path, args.format or "conllu", args.label_cols, args.token_col)
            for path in (args.train, args.dev)
        )
        described = f"{len(train)} training and {len(dev)} dev sentences"
        return TaggerHyperModel(train, dev, seed=args.seed, **batch), described
    if args.recipe == "seq2seq":
        from zoo.tuning import Seq2SeqHyperModel

        if args.format == "cmudict":
            from zoo.data.cmudict_reader import read_cmudict

            train, dev = (
                [(word, pron) for word, prons in read_cmudict(path).items() for pron in prons]
                for path in (args.train, args.dev)
            )
            normalizer = "g2p_word"
        else:
            from zoo.data.tsv_pairs_reader import read_tsv_pairs

            train, dev = (list(zip(*read_tsv_pairs(path))) for path in (args.train, args.dev))
            normalizer = None
        described = f"{len(train)} training and {len(dev)} dev pairs"
        hypermodel = Seq2SeqHyperModel(train, dev, seed=args.seed, normalizer=normalizer, **batch)
        return hypermodel, described
    if args.recipe == "lm":
        from zoo.tuning import LanguageModelHyperModel

        train, dev = read_text(args.train), read_text(args.dev)
        described = f"{len(train):,} training and {len(dev):,} dev characters, {args.level} level"
        hypermodel = LanguageModelHyperModel(train, dev, level=args.level, seed=args.seed, **batch)
        return hypermodel, described
    from zoo.data.text_corpus import TextCorpus
    from zoo.tuning import Word2VecHyperModel

    corpus = TextCorpus.from_file(args.train, min_count=args.min_count)
    described = f"corpus {corpus}, pairs from {args.dev}"
    return Word2VecHyperModel(corpus, args.dev, seed=args.seed, **batch), described


def run(args):
    from zoo.cli.main import UsageError
    from zoo.data.data_format_error import DataFormatError

    check_options(args)
    try:
        hypermodel, described = build_hypermodel(args)
    except (FileNotFoundError, DataFormatError, ValueError) as error:
        raise UsageError(str(error)) from error

    import keras

    from zoo.tuning import build_tuner
    from zoo.tuning import trials_table

    keras.utils.set_random_seed(args.seed)
    tuner = build_tuner(
        args.tuner, hypermodel, directory=args.directory, project_name=f"{args.recipe}_{args.tuner}",
        max_trials=args.max_trials, max_epochs=args.epochs, seed=args.seed,
        overwrite=args.overwrite,
    )
    print(f"zoo tune {args.recipe}: {args.tuner} search, {described}, trials in "
          f"{os.path.join(args.directory, tuner.project_name)}")
    tuner.search(epochs=args.epochs, verbose=2)
    print(trials_table(tuner))
    if args.export:
        export_best(args, tuner, hypermodel)
    return 0


TASKS = {
    "tagger": "sequence tagging",
    "seq2seq": "sequence transduction",
    "lm": "language modelling",
    "word2vec": "word vectors",
}


def export_best(args, tuner, hypermodel):
    """Save the best trial's model (its best epoch's weights) with a card."""
    import shlex
    import sys
    import warnings

    import zoo
    from zoo.tuning import ranked_trials

    trial_id, score, values = ranked_trials(tuner)[0]
    with warnings.catch_warnings():
        # The trial's checkpoint holds its optimizer state too, which a fresh
        # model's unbuilt optimizer skips with a warning; the export needs
        # only the weights.
        warnings.filterwarnings("ignore", "Skipping variable loading for optimizer")
        model = tuner.get_best_models(1)[0]
    objective = hypermodel.OBJECTIVE.name
    if args.recipe == "word2vec":
        corpus = hypermodel.corpus
        model = model.word_vectors(corpus.words, corpus.counts.tolist())
    card = zoo.ModelCard(
        name=os.path.basename(os.path.normpath(args.export)),
        task=TASKS[args.recipe],
        description=f"{values.get('cell', values.get('model', ''))} {args.recipe} model, "
                    f"best of a {args.tuner} search (trial {trial_id})".strip(),
        data=f"{args.train} (dev: {args.dev})",
        data_license="see the data's license",
        recipe_command=shlex.join(["zoo", "tune", *sys.argv[2:]]) if sys.argv[1:2] == ["tune"] else "",
        metrics={"dev": {objective: round(score, 5), "trials": len(ranked_trials(tuner))}},
        headline_metric=f"dev/{objective}",
        notes=(
            f"{objective} is the HyperModel's objective ({hypermodel.OBJECTIVE.direction}"
            "imized) at the trial's best epoch; dev also chose the trial."
        ),
        config={"tuner": args.tuner, "epochs": args.epochs, **values},
    )
    print(f"wrote {zoo.save(model, args.export, card=card)}")
