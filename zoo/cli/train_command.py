"""`zoo train RECIPE [OPTIONS...]`: train a model with one of the recipes."""

import argparse
import sys


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train",
        help="train a model with a recipe",
        description=(
            "Run a training recipe with its options, as `python recipes/RECIPE.py` "
            "does in a checkout. `zoo train RECIPE --help` lists the recipe's options; "
            "`zoo train --list` the recipes. Example: zoo train g2p --epochs 5 --out my_g2p"
        ),
    )
    parser.add_argument("--list", action="store_true", help="list the recipes and exit")
    parser.add_argument("recipe", nargs="?", help="recipe name (see --list)")
    parser.add_argument(
        "options", nargs=argparse.REMAINDER, help="the recipe's options (RECIPE --help)"
    )
    parser.set_defaults(run=run)


def run(args):
    from zoo.cli.main import UsageError
    from zoo.training.recipe_registry import load_recipe
    from zoo.training.recipe_registry import recipe_names

    if args.list:
        for name in recipe_names():
            print(name)
        return 0
    if not args.recipe:
        raise UsageError(f"name a recipe: {', '.join(recipe_names())}")
    try:
        recipe = load_recipe(args.recipe)
    except ValueError as error:
        raise UsageError(str(error)) from error
    # The recipe's own --help and errors then read "usage: zoo train NAME".
    program, sys.argv[0] = sys.argv[0], f"zoo train {args.recipe}"
    try:
        return recipe.main(list(args.options))
    finally:
        sys.argv[0] = program
