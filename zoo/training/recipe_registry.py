"""Find the training recipes, in an installed zoo or in a source checkout."""

import importlib.util
from pathlib import Path

# Scripts in recipes/ that prepare data rather than train a model.
NOT_RECIPES = frozenset({"english_corpus"})


def recipes_dir():
    """The folder of the recipes.

    In an installed zoo it is the package `zoo.recipes`; in a source
    checkout, `recipes/` beside the `zoo/` package.
    """
    spec = importlib.util.find_spec("zoo.recipes")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parents[2] / "recipes"


def recipe_names():
    """Sorted names of the recipes `zoo train` runs.

    Example:

    >>> {"tagger", "g2p", "word2vec"} <= set(recipe_names())
    True
    """
    return sorted(
        path.stem
        for path in recipes_dir().glob("*.py")
        if not path.stem.startswith("_") and path.stem not in NOT_RECIPES
    )


def load_recipe(name):
    """The recipe module `name` (it has a `main(argv)` returning an exit status).

    Raises:
        ValueError: there is no such recipe; the message lists those there are.
    """
    names = recipe_names()
    if name not in names:
        raise ValueError(f"No recipe {name!r}; the recipes are: {', '.join(names)}")
    path = recipes_dir() / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"zoo_recipe_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
