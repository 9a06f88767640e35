"""Training recipes: one script per trained model (installed as `zoo.recipes`).

Run one from a checkout with `python recipes/NAME.py [options]`, or from
anywhere with `zoo train NAME [options]`; `--help` lists a recipe's options.
"""
