"""Recurrent cells, fused sequence layers, CRF, attention, initializers and
regularizers. Math in `keras.ops` only: every layer runs on TensorFlow, JAX
and PyTorch."""

from zoo.layers.character_encoder import CharacterEncoder
from zoo.layers.cifg_lstm import CIFGLSTM
from zoo.layers.cifg_lstm_cell import CIFGLSTMCell
from zoo.layers.fused_rnn import FusedRNN
from zoo.layers.fused_rnn import FusedRNNLayer
from zoo.layers.layer_norm import layer_norm
from zoo.layers.layer_norm_lstm import LayerNormLSTM
from zoo.layers.layer_norm_lstm_cell import LayerNormLSTMCell
from zoo.layers.peephole_lstm import PeepholeLSTM
from zoo.layers.peephole_lstm_cell import PeepholeLSTMCell
from zoo.layers.recurrent_cell import RecurrentCell
from zoo.layers.coupled_gru import CoupledGRU
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.identity_initializer import IdentityRecurrentInitializer
from zoo.layers.layer_norm_gru import LayerNormGRU
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_simple_rnn import LayerNormSimpleRNN
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell
from zoo.layers.spectral_radius import SpectralRadiusConstraint
from zoo.layers.spectral_radius import SpectralRadiusRegularizer
from zoo.layers.weight_normalization import WeightNormMixin
from zoo.layers.weight_normalization import weight_normalize
from zoo.layers.noisy_state_cell import NoisyStateCell
from zoo.layers.crf import CRF
from zoo.layers.attention_decoder_cell import AttentionDecoderCell
from zoo.layers.attention_mechanism import AttentionMechanism
from zoo.layers.bahdanau_attention import BahdanauAttention
from zoo.layers.beam_search import beam_search
from zoo.layers.beam_search import greedy_search
from zoo.layers.beam_search import length_penalty
from zoo.layers.luong_attention import LuongAttention
from zoo.layers.masked_softmax import masked_softmax
