"""`zoo diagnose NAME|PATH`: stability and gradient-flow report of a checkpoint."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "diagnose",
        help="stability and gradient-flow diagnostics of a checkpoint's recurrent cells",
        description=(
            "Find every recurrent cell of a checkpoint and report the spectrum "
            "of its recurrent kernel, a BIBO/saturation test with bounded "
            "inputs, how long it remembers an input (||dh_t/dx_0||) and, for "
            "the shipped models, the gradient flow ||dLoss/dh_t|| on an example "
            "batch, trained and untrained. Writes report.json, summary.txt and "
            "PNG plots. Example: zoo diagnose binary_adder --out adder_report"
        ),
    )
    parser.add_argument("name", help="checkpoint name (see `zoo list`) or folder")
    parser.add_argument(
        "--out", help="report folder (default: diagnostics_NAME in the current folder)"
    )
    parser.add_argument(
        "--steps", type=int, default=500, help="steps of the stability runs (default 500)"
    )
    parser.add_argument(
        "--samples", type=int, default=8, help="sequences per stability drive (default 8)"
    )
    parser.add_argument(
        "--memory-steps",
        type=int,
        default=100,
        help="steps followed by the memory test (default 100)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the inputs (default 0)")
    parser.set_defaults(run=run)


def run(args):
    import keras

    from zoo.cli.main import UsageError
    from zoo.diagnostics import diagnose
    from zoo.diagnostics import example_batch
    from zoo.diagnostics import find_recurrent_cells
    from zoo.hub import load

    for option, value, least in (
        ("--steps", args.steps, 2),
        ("--samples", args.samples, 1),
        ("--memory-steps", args.memory_steps, 2),
    ):
        if value < least:
            raise UsageError(f"{option} must be at least {least}, got {value}")
    model = load(args.name)
    name = model.card.name
    if not find_recurrent_cells(model):
        raise UsageError(f"{name} has no recurrent cells to diagnose")
    batch = example_batch(model, seed=args.seed)
    before = None
    if batch is not None:
        keras.utils.set_random_seed(args.seed)  # the untrained weights
        before = load(args.name, weights=False)
    report = diagnose(
        model,
        batch=batch,
        before=before,
        steps=args.steps,
        samples=args.samples,
        memory_steps=args.memory_steps,
        seed=args.seed,
        name=name,
    )
    out = args.out or f"diagnostics_{name}"
    files = report.write(out)
    print(report.summary())
    print(f"\nwrote {len(files)} files to {out}: " + ", ".join(f.name for f in files))
    return 0
