"""Prebuilt models that plug in zoo layers."""

from zoo.models.binary_adder import BinaryAdder
from zoo.models.cbow import CBOW
from zoo.models.language_model import LanguageModel
from zoo.models.noisy_state_rnn_classifier import NoisyStateRNNClassifier
from zoo.models.parity_rnn import ParityRNN
from zoo.models.reranked_seq2seq import RerankedSeq2Seq
from zoo.models.seq2seq import Seq2Seq
from zoo.models.sequence_tagger import SequenceTagger
from zoo.models.skip_gram import SkipGram
from zoo.models.tdnn import TDNN
from zoo.models.unknown_word_error import UnknownWordError
from zoo.models.word_vectors import WordVectors
