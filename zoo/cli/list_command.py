"""`zoo list`: the checkpoints zoo.load can find, with their headline metric."""


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "list", help="list the available checkpoints and their metrics"
    )
    parser.set_defaults(run=run, needs_keras=False)


def run(args):
    from zoo.hub import list_models

    cards = list_models()
    if not cards:
        print("No checkpoints found.")
        return 0
    rows = [(card.name, card.headline(), card.description) for card in cards]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for name, headline, description in rows:
        print(f"{name:<{widths[0]}}  {headline:<{widths[1]}}  {description}")
    return 0
