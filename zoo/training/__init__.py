"""The shared training runner for recipes."""
