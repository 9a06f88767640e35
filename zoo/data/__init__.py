"""Data: vocabularies, readers, tfds builders and batching (no model code)."""

from zoo.data.conll_reader import read_conll
from zoo.data.conllu_reader import CONLLU_COLUMNS
from zoo.data.conllu_reader import read_conllu
from zoo.data.data_format_error import DataFormatError
from zoo.data.length_buckets import bucket_batches
from zoo.data.length_buckets import padded_length
from zoo.data.tagged_sentence import TaggedSentence
from zoo.data.tfds_tagging import read_tfds
from zoo.data.vocabulary import Vocabulary
