"""Prebuilt models that plug in zoo layers."""

from zoo.models.binary_adder import BinaryAdder
from zoo.models.sequence_tagger import SequenceTagger
