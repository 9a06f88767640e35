"""`zoo info NAME`: a checkpoint's model card, readable."""


def add_parser(subparsers):
    parser = subparsers.add_parser("info", help="show a checkpoint's model card")
    parser.add_argument("name", help="checkpoint name (see `zoo list`) or folder")
    parser.set_defaults(run=run, needs_keras=False)


def format_card(card):
    """The card as aligned `field: value` lines, metrics and files last."""
    fields = [
        ("name", card.name),
        ("task", card.task),
        ("description", card.description),
        ("data", card.data),
        ("data license", card.data_license),
        ("recipe command", card.recipe_command),
        ("parameters", f"{card.parameter_count:,}"),
        ("keras / zoo", f"{card.keras_version} / {card.zoo_version}"),
        ("trained on backend", card.backend),
        ("created", card.created),
    ]
    if card.notes:
        fields.append(("notes", card.notes))
    width = max(len(label) for label, _ in fields)
    lines = [f"{label:>{width}}: {value}" for label, value in fields]
    if card.config:
        lines.append("recipe config:")
        for option, value in sorted(card.config.items()):
            lines.append(f"  {option:<28} {value!r}")
    lines.append("metrics:")
    for split, metrics in sorted(card.metrics.items()):
        for metric, value in sorted(metrics.items()):
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            lines.append(f"  {split:<6} {metric:<40} {shown}")
    total = sum(entry["bytes"] for entry in card.files.values())
    lines.append(f"files ({total / 1e6:.2f} MB):")
    for path, entry in sorted(card.files.items()):
        lines.append(
            f"  {path:<40} {entry['bytes']:>12,} bytes  sha256 {entry['sha256'][:16]}…"
        )
    return "\n".join(lines)


def run(args):
    from zoo.hub import registry

    print(format_card(registry.read_card(registry.resolve(args.name))))
    return 0
