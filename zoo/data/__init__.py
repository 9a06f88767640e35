"""Data: vocabularies, readers, tfds builders and batching (no model code)."""
