"""The shipped pretrained checkpoints, one folder each.

This folder installs as the package data of `zoo.checkpoints` (see
setup.cfg), so `zoo.load(name)` finds the checkpoints in a wheel install as
well as in a source checkout. The folders are written by the recipes in
`recipes/`, never by hand.
"""
