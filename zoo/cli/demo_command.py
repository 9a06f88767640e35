"""`zoo demo`: load every checkpoint and show it working on example input."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "demo",
        help="load every checkpoint (checksums verified) and run it on examples",
    )
    parser.set_defaults(run=run)


def run(args):
    from zoo.hub import available_names
    from zoo.hub import load

    names = available_names()
    if not names:
        print("No checkpoints found.")
        return 1
    for name in names:
        model = load(name)
        card = model.card
        print(f"== {name}: {card.description}")
        print(f"   {card.headline()}  ({card.parameter_count:,} parameters)")
        for line in model.predict_text(list(model.demo_inputs)):
            print(f"   {line}")
        print()
    return 0
