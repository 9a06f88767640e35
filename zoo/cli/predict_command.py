"""`zoo predict NAME INPUT...`: run a checkpoint on inputs given as text."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "predict",
        help="run a checkpoint on text inputs",
        description=(
            "Load a checkpoint and run it on each INPUT; what an input looks "
            "like depends on the model (`zoo info NAME` and the README say). "
            "Example: zoo predict binary_adder '12345 678'"
        ),
    )
    parser.add_argument("name", help="checkpoint name (see `zoo list`) or folder")
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="model input")
    parser.set_defaults(run=run)


def run(args):
    from zoo.cli.main import UsageError
    from zoo.hub import load

    model = load(args.name)
    if not hasattr(model, "predict_text"):
        raise UsageError(f"{args.name} has no text interface (predict_text)")
    try:
        lines = model.predict_text(args.inputs)
    except ValueError as error:
        raise UsageError(str(error)) from error
    for line in lines:
        print(line)
    return 0
