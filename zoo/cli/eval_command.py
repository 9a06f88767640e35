"""`zoo eval NAME --data FILE`: score a checkpoint on your own data."""

import json


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "eval",
        help="score a checkpoint on a data file with its model family's metrics",
        description=(
            "Load a checkpoint and score it on FILE. Taggers read CoNLL-U (or CoNLL "
            "columns with --format conll), G2P models a CMUdict-format dictionary, "
            "other Seq2Seq models `source<TAB>target tokens` lines, word vectors a "
            "word-pairs file (similarity) or analogy questions."
        ),
    )
    parser.add_argument("name", help="checkpoint name (see `zoo list`) or folder")
    parser.add_argument("--data", required=True, metavar="FILE", help="the data file")
    parser.add_argument("--format", choices=("conllu", "conll"), help="taggers: the file format")
    parser.add_argument("--token-col", type=int, default=0,
                        help="taggers, --format conll: the token column (default 0)")
    parser.add_argument("--label-cols", metavar="I,J",
                        help="taggers, --format conll: label column indexes, in the tagger's order")
    parser.add_argument("--beam-width", type=int, default=1,
                        help="seq2seq: beam width (default 1, greedy)")
    parser.add_argument("--task", choices=("similarity", "analogy"),
                        help="word vectors: what the file holds (default: guessed)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.set_defaults(run=run)


def run(args):
    from zoo.cli.main import UsageError
    from zoo.data.data_format_error import DataFormatError
    from zoo.hub import load
    from zoo.training.checkpoint_evaluation import evaluate_on_file

    label_cols = None
    if args.label_cols:
        try:
            label_cols = [int(column) for column in args.label_cols.split(",")]
        except ValueError:
            raise UsageError(f"--label-cols must be comma-separated integers, got {args.label_cols!r}")
    if args.beam_width < 1:
        raise UsageError(f"--beam-width must be at least 1, got {args.beam_width}")
    model = load(args.name)
    try:
        what, metrics = evaluate_on_file(
            model, args.data, format=args.format, token_col=args.token_col,
            label_cols=label_cols, beam_width=args.beam_width, task=args.task,
        )
    except (FileNotFoundError, DataFormatError, ValueError) as error:
        raise UsageError(str(error)) from error
    if args.json:
        print(json.dumps({"checkpoint": args.name, "data": args.data, "metrics": metrics}, indent=2))
        return 0
    print(f"{args.name}: {what}")
    width = max(len(name) for name in metrics)
    for name, value in metrics.items():
        shown = f"{value:.4f}" if isinstance(value, float) else f"{value:,}"
        print(f"  {name:<{width}}  {shown}")
    return 0
