"""`Seq2Seq`: an attentional RNN encoder-decoder with greedy and beam search."""

import functools
import os
import types

import keras
import numpy as np
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.data.g2p_words import normalize_g2p_word
from zoo.data.length_buckets import bucket_batches
from zoo.data.length_buckets import padded_length
from zoo.data.vocabulary import Vocabulary
from zoo.layers.attention_decoder_cell import AttentionDecoderCell
from zoo.layers.bahdanau_attention import BahdanauAttention
from zoo.layers.beam_search import NEG_INF
from zoo.layers.beam_search import beam_search
from zoo.layers.beam_search import greedy_search
from zoo.layers.cifg_lstm_cell import CIFGLSTMCell
from zoo.layers.coupled_gru_cell import CoupledGRUCell
from zoo.layers.layer_norm_gru_cell import LayerNormGRUCell
from zoo.layers.layer_norm_lstm_cell import LayerNormLSTMCell
from zoo.layers.layer_norm_simple_rnn_cell import LayerNormSimpleRNNCell
from zoo.layers.luong_attention import LuongAttention
from zoo.layers.peephole_lstm_cell import PeepholeLSTMCell
from zoo.models.scheduled_sampling import check_schedule
from zoo.models.scheduled_sampling import sampling_step
from zoo.models.scheduled_sampling import scheduled_sampling_logits
from zoo.models.scheduled_sampling import teacher_forcing_probability
from zoo.models.sequence_tagger import SEQUENCE_LAYERS
from zoo.models.step_function_rnn import StepFunctionRNN

CELLS = {
    "lstm": keras.layers.LSTMCell,
    "gru": keras.layers.GRUCell,
    "simple_rnn": keras.layers.SimpleRNNCell,
    "peephole_lstm": PeepholeLSTMCell,
    "cifg_lstm": CIFGLSTMCell,
    "coupled_gru": CoupledGRUCell,
    "layer_norm_lstm": LayerNormLSTMCell,
    "layer_norm_gru": LayerNormGRUCell,
    "layer_norm_simple_rnn": LayerNormSimpleRNNCell,
}
ATTENTIONS = ("luong", "bahdanau")
LUONG_SCORES = ("general", "dot")
BRIDGES = ("dense", "zeros")
NORMALIZERS = {"g2p_word": normalize_g2p_word}
PAD, START, END = "[PAD]", "<s>", "</s>"
PAD_ID, START_ID, END_ID = 0, 1, 2
# `transduce` and `score` pad lengths to a multiple of this: a few more
# compiled shapes than steps of 8, but a batch sorted by length wastes
# little on padding (benchmarks/README.md, G2P speed).
INFERENCE_LENGTH_STEP = 2

SOURCE_FILE = "source_vocabulary.txt"
TARGET_FILE = "target_vocabulary.txt"


@keras.saving.register_keras_serializable(package="zoo")
class Seq2Seq(keras.Model):
    """Attentional RNN encoder-decoder (Bahdanau et al. 2015; Luong et al. 2015).

    Sutskever, Vinyals & Le, "Sequence to Sequence Learning with Neural
    Networks", NeurIPS 2014; Bahdanau, Cho & Bengio, "Neural Machine
    Translation by Jointly Learning to Align and Translate", ICLR 2015;
    Luong, Pham & Manning, "Effective Approaches to Attention-based Neural
    Machine Translation", EMNLP 2015. The successor of `tfa.seq2seq`.

    The source tokens x_1..x_S (ids, 0 = padding) are embedded and read by
    a stack of (bidirectional) RNNs of any cell; the top layer's outputs are
    the memory h_1..h_S, and its final states, projected
    (s_0 = tanh(W_b [h_fwd; h_bwd] + b_b), one projection per cell state),
    start the decoder. The decoder is an `AttentionDecoderCell` (Luong or
    Bahdanau attention over the memory, padded source positions masked)
    that reads the embedding of the previous target token y_{t-1} (y_0 =
    `<s>`) and outputs the attentional vector h~_t; then

        p(y_t | y_<t, x) = softmax(W_o h~_t + b_o)

    Training (`fit`) uses teacher forcing: the loss is the mean token
    cross-entropy of `target_output` (padding excluded). With
    `scheduled_sampling` (Bengio et al. 2015) each decoder input is instead,
    with probability 1 - eps_i, a token sampled from the model's own
    prediction at the previous step (inside the compiled loop), eps_i
    decaying with the training step i (`sampling_step`, a non-trainable
    variable counted up by every training call; see
    `zoo.models.scheduled_sampling` for the three schedules).

    Decoding (`decode`, `transduce`) is greedy or beam search
    (`zoo.layers.beam_search`): compiled loops, batched, with the GNMT
    length penalty ((5 + |Y|) / 6) ** alpha.

    Target vocabulary: id 0 padding, 1 `<s>`, 2 `</s>`, then the tokens;
    the decoder never emits padding or `<s>`. Source vocabulary: id 0
    padding, 1 unknown.

    Args:
        source_vocabulary_size: int. Source ids, padding and unknown included.
        target_vocabulary_size: int. Target ids, padding, `<s>`, `</s>` included.
        embedding_dim: int. Source and target embedding size, default 64.
        cell: str. The encoder and decoder cell, one of `CELLS` (`"lstm"`,
            `"gru"`, `"peephole_lstm"`, `"layer_norm_lstm"`, ...), default
            `"lstm"`.
        units: int. Encoder units per direction, default 128.
        num_layers: int. Stacked encoder layers, default 1.
        bidirectional: bool. Bidirectional encoder, default True.
        decoder_units: int. Decoder cell and h~ size, default the memory
            size (units, times 2 if bidirectional).
        attention: `"luong"` or `"bahdanau"`, the score, default `"luong"`.
        luong_score: `"general"` or `"dot"`, default `"general"`.
        attention_style: `"luong"` or `"bahdanau"`, the arrangement of the
            decoder step (`AttentionDecoderCell`), default that of `attention`.
        attention_units: int. Bahdanau score network size, default
            `decoder_units`.
        input_feeding: bool. Feed h~_{t-1} to the decoder, default True.
        bridge: `"dense"` (project the encoder's final states) or `"zeros"`.
        dropout: float. Dropout on embeddings, between encoder layers and
            on h~, default 0.
        scheduled_sampling: None, `"linear"`, `"exponential"` or
            `"inverse_sigmoid"`, default None (teacher forcing).
        sampling_k, sampling_c, sampling_min: the schedule's k (None: its
            default), c (linear) and floor eps_min.
        max_decode_length: int. Cap on the default decoding length
            (2 x padded source length + 10), default 200.
        lowercase: bool. `transduce` and `encode` lowercase string inputs.
        normalizer: None or the name of a string normalizer applied to
            every string input before it is read: `"g2p_word"`
            (`zoo.data.normalize_g2p_word`: lowercase a-z and apostrophes
            only, a `ValueError` naming the word and the character
            otherwise). Default None.
        demo_inputs: list of str. What `zoo demo` transduces, default none.
        reverse_targets: bool. The decoder writes each target right to left
            (y_n first): `encode` and `target_ids` reverse the targets, and
            `transduce` and `score` take and return them in reading order.
            A right-to-left model scores the other end of a word first, the
            second opinion an n-best reranker wants (Liu et al. 2016,
            "Agreement on Target-bidirectional Neural Machine Translation").
            Default False.
        seed: int. Seed of dropout and sampling, default None.

    Call arguments:
        inputs: dict of int tensors: `"source"` [batch, S] and
            `"target_input"` [batch, T] (`<s>` y_1 .. y_n, padded with 0);
            the labels of `fit` are `target_output` (y_1 .. y_n `</s>`).

    Returns:
        Logits [batch, T, target_vocabulary_size].

    Example:

    >>> keras.utils.set_random_seed(0)
    >>> words = ["ab", "ba", "abc", "cab"]
    >>> model = Seq2Seq.from_sequences(words, [w[::-1] for w in words], units=8,
    ...                                embedding_dim=8)
    >>> x, y = model.encode(words, [w[::-1] for w in words])
    >>> model.compile(optimizer="adam")
    >>> history = model.fit(x, y, epochs=1, verbose=0)
    >>> outputs = model.transduce(["abc", "ca"], beam_width=2)
    >>> len(outputs), all(set(out) <= set("abc") for out in outputs)
    (2, True)
    """

    def __init__(
        self,
        source_vocabulary_size,
        target_vocabulary_size,
        embedding_dim=64,
        cell="lstm",
        units=128,
        num_layers=1,
        bidirectional=True,
        decoder_units=None,
        attention="luong",
        luong_score="general",
        attention_style=None,
        attention_units=None,
        input_feeding=True,
        bridge="dense",
        dropout=0.0,
        scheduled_sampling=None,
        sampling_k=None,
        sampling_c=1e-4,
        sampling_min=0.0,
        max_decode_length=200,
        lowercase=False,
        normalizer=None,
        demo_inputs=(),
        reverse_targets=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if cell not in CELLS:
            raise ValueError(f"`cell` must be one of {sorted(CELLS)}, got {cell!r}")
        if attention not in ATTENTIONS:
            raise ValueError(f"`attention` must be one of {ATTENTIONS}, got {attention!r}")
        if luong_score not in LUONG_SCORES:
            raise ValueError(f"`luong_score` must be one of {LUONG_SCORES}, got {luong_score!r}")
        if bridge not in BRIDGES:
            raise ValueError(f"`bridge` must be one of {BRIDGES}, got {bridge!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"`dropout` must be in [0, 1), got {dropout}")
        if target_vocabulary_size < 4:
            raise ValueError(
                "`target_vocabulary_size` counts padding, <s>, </s> and at least "
                f"one token: it must be >= 4, got {target_vocabulary_size}"
            )
        if scheduled_sampling is not None:
            check_schedule(scheduled_sampling, sampling_k, sampling_c, sampling_min)
        directions = 2 if bidirectional else 1
        if attention == "luong" and luong_score == "dot" and decoder_units not in (
            None, units * directions
        ):
            raise ValueError(
                "The dot score needs `decoder_units` equal to the memory size "
                f"({units * directions}), got {decoder_units}"
            )
        self.source_vocabulary_size = int(source_vocabulary_size)
        self.target_vocabulary_size = int(target_vocabulary_size)
        self.embedding_dim = embedding_dim
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.decoder_units = decoder_units or units * directions
        self.attention = attention
        self.luong_score = luong_score
        self.attention_style = attention_style or attention
        self.attention_units = attention_units or self.decoder_units
        self.input_feeding = input_feeding
        self.bridge = bridge
        self.dropout = dropout
        self.scheduled_sampling = scheduled_sampling
        self.sampling_k = sampling_k
        self.sampling_c = sampling_c
        self.sampling_min = sampling_min
        self.max_decode_length = max_decode_length
        if normalizer is not None and normalizer not in NORMALIZERS:
            raise ValueError(
                f"`normalizer` must be None or one of {sorted(NORMALIZERS)}, got {normalizer!r}"
            )
        self.lowercase = lowercase
        self.normalizer = normalizer
        self.demo_inputs = tuple(demo_inputs)
        self.reverse_targets = bool(reverse_targets)
        self.seed = seed
        self.vocabularies = {}
        self.memory_dim = units * directions

        self.source_embedding = keras.layers.Embedding(
            source_vocabulary_size, embedding_dim, name="source_embedding"
        )
        self.target_embedding = keras.layers.Embedding(
            target_vocabulary_size, embedding_dim, name="target_embedding"
        )
        layer_class = SEQUENCE_LAYERS[cell]
        self.encoder_layers = [
            keras.layers.Bidirectional(
                layer_class(units, return_sequences=True, return_state=True),
                name=f"encoder_{i}",
            )
            if bidirectional
            else layer_class(units, return_sequences=True, return_state=True, name=f"encoder_{i}")
            for i in range(num_layers)
        ]
        mechanism = (
            LuongAttention(score=luong_score, name="attention")
            if attention == "luong"
            else BahdanauAttention(self.attention_units, name="attention")
        )
        self.decoder_cell = AttentionDecoderCell(
            CELLS[cell](self.decoder_units, name="decoder_rnn_cell"),
            mechanism,
            units=self.decoder_units,
            attention_style=self.attention_style,
            input_feeding=input_feeding,
            name="decoder",
        )
        self.bridges = (
            [
                keras.layers.Dense(size, activation="tanh", name=f"bridge_{i}")
                for i, size in enumerate(self.decoder_cell.cell_state_sizes)
            ]
            if bridge == "dense"
            else []
        )
        self.output_projection = keras.layers.Dense(target_vocabulary_size, name="output")
        self.dropouts = [
            keras.layers.Dropout(dropout, seed=None if seed is None else seed + i)
            for i in range(num_layers + 3)
        ]
        self.seed_generator = keras.random.SeedGenerator(seed)
        if scheduled_sampling is not None:
            self.sampling_step = self.add_weight(
                shape=(), dtype="int32", initializer="zeros", trainable=False,
                name="sampling_step",
            )
        # Plain Python objects, kept out of Keras' tracking and saving.
        self.__dict__["_runtime"] = types.SimpleNamespace(loops={}, decoders={})

    # ---- vocabularies ----------------------------------------------------

    @classmethod
    def from_sequences(cls, sources, targets, min_count=1, **kwargs):
        """A new model with vocabularies built from training pairs.

        A string is read as its characters, any other sequence as its items
        (so `("keras", ["K", "EH1", "R", "AH0", "S"])` is a g2p pair).

        Args:
            sources, targets: lists of the same length of strings or token
                lists.
            min_count: int. Source tokens seen fewer times are unknown.
            **kwargs: the constructor's arguments.
        """
        sources, targets = list(sources), list(targets)
        if not sources or len(sources) != len(targets):
            raise ValueError(
                "`sources` and `targets` must be non-empty lists of the same length, "
                f"got {len(sources)} and {len(targets)} items"
            )
        lowercase = kwargs.get("lowercase", False)
        normalize = NORMALIZERS.get(kwargs.get("normalizer"))
        if normalize is not None:
            sources = [normalize(item) if isinstance(item, str) else item for item in sources]
        source_tokens = [_tokens(item, lowercase) for item in sources]
        target_tokens = [_tokens(item, False) for item in targets]
        source = Vocabulary.build(source_tokens, min_count=min_count)
        counted = Vocabulary.build(target_tokens, padding_token=None, unknown_token=None)
        for reserved in (PAD, START, END):
            if reserved in counted:
                raise ValueError(f"Targets may not contain the reserved token {reserved!r}")
        target = Vocabulary([START, END, *counted.tokens], padding_token=PAD, unknown_token=None)
        model = cls(len(source), len(target), **kwargs)
        model.set_vocabularies(source, target)
        model.build_for_inference()
        return model

    def set_vocabularies(self, source, target):
        """Attach the source and target `zoo.data.Vocabulary`."""
        if source.padding_id != 0 or source.unknown_id != 1:
            raise ValueError("The source vocabulary needs padding id 0 and unknown id 1.")
        if target.tokens[:3] != [PAD, START, END] or target.unknown_token is not None:
            raise ValueError(
                f"The target vocabulary must start {[PAD, START, END]} and have no unknown token."
            )
        sizes = (len(source), len(target))
        if sizes != (self.source_vocabulary_size, self.target_vocabulary_size):
            raise ValueError(
                f"Vocabulary sizes {sizes} do not match the model's "
                f"{(self.source_vocabulary_size, self.target_vocabulary_size)}"
            )
        self.vocabularies = {"source": source, "target": target}

    def save_assets(self, directory):
        self.vocabularies["source"].save(os.path.join(directory, SOURCE_FILE))
        self.vocabularies["target"].save(os.path.join(directory, TARGET_FILE))

    def load_assets(self, directory):
        self.set_vocabularies(
            Vocabulary.load(os.path.join(directory, SOURCE_FILE)),
            Vocabulary.load(os.path.join(directory, TARGET_FILE)),
        )
        self.build_for_inference()

    def build_for_inference(self):
        """Create the weights (no data needed)."""
        if not self.built:
            self.build(None)

    # ---- encoding strings into ids ---------------------------------------

    def source_ids(self, item, unknown="error"):
        """The source ids of one input (a string or a token list).

        Raises:
            ValueError: the input is empty, or (with `unknown="error"`) has
                a token the source vocabulary does not know; with
                `unknown="replace"` such tokens become the unknown id.
        """
        if unknown not in ("error", "replace"):
            raise ValueError(f'`unknown` must be "error" or "replace", got {unknown!r}')
        vocabulary = self._vocabulary("source")
        if not isinstance(item, str) and not isinstance(item, (list, tuple)):
            raise ValueError(f"An input must be a string or a list of tokens, got {item!r}")
        if isinstance(item, str) and self.normalizer is not None:
            item = NORMALIZERS[self.normalizer](item)
        tokens = _tokens(item, self.lowercase)
        if not tokens:
            raise ValueError(f"Cannot transduce an empty input: {item!r}")
        ids = []
        for token in tokens:
            known = isinstance(token, str) and token in vocabulary and vocabulary.lookup(token) > 1
            if not known and unknown == "error":
                what = "character" if isinstance(item, str) else "token"
                raise ValueError(
                    f"The input {item!r} has the {what} {token!r}, which is not in "
                    f"this model's source vocabulary (pass unknown=\"replace\" to map "
                    "it to the unknown token)"
                )
            ids.append(vocabulary.lookup(token) if known else vocabulary.unknown_id)
        return ids

    def target_ids(self, item):
        """The target ids of one output (a string or a token list), in the
        order the decoder writes them (reversed with `reverse_targets`),
        without `<s>` and `</s>`."""
        ids = self._vocabulary("target").encode(_tokens(item, False))
        return ids[::-1] if self.reverse_targets else ids

    def encode(self, sources, targets=None, unknown="replace"):
        """Padded id arrays: `x = {"source", "target_input"}` and `y`.

        Without targets returns the `[batch, S]` source ids only. Sources
        and targets (`<s>`/`</s>` included) are padded to a multiple of 8,
        so that batches take few distinct shapes (XLA compilations).
        """
        rows = [self.source_ids(item, unknown) for item in sources]
        source = np.zeros((len(rows), padded_length(max(map(len, rows)))), "int32")
        for row, ids in enumerate(rows):
            source[row, : len(ids)] = ids
        if targets is None:
            return source
        target_rows = [self.target_ids(item) for item in targets]
        width = padded_length(max(map(len, target_rows)) + 1)
        target_input = np.zeros((len(rows), width), "int32")
        target_output = np.zeros((len(rows), width), "int32")
        for row, ids in enumerate(target_rows):
            target_input[row, : len(ids) + 1] = [START_ID, *ids]
            target_output[row, : len(ids) + 1] = [*ids, END_ID]
        return {"source": source, "target_input": target_input}, target_output

    def _vocabulary(self, name):
        if not self.vocabularies:
            raise ValueError(
                "This model has no vocabularies: build it with "
                "`Seq2Seq.from_sequences` or load it with `zoo.load`."
            )
        return self.vocabularies[name]

    # ---- the network -----------------------------------------------------

    def build(self, input_shape=None):
        self.source_embedding.build((None, None))
        self.target_embedding.build((None, None))
        width = self.embedding_dim
        for layer in self.encoder_layers:
            layer.build((None, None, width))
            width = self.memory_dim
        for dense in self.bridges:
            dense.build((None, self.memory_dim))
        self.decoder_cell.build((None, self.embedding_dim), (None, None, self.memory_dim))
        self.output_projection.build((None, self.decoder_units))
        self.built = True

    def encode_source(self, source, training=False):
        """`(memory [B, S, D], mask [B, S], initial decoder states)`."""
        source = ops.cast(source, "int32")
        mask = ops.not_equal(source, PAD_ID)
        x = self.dropouts[0](self.source_embedding(source), training=training)
        for layer, dropout in zip(self.encoder_layers, self.dropouts[1:]):
            x, *states = layer(x, mask=mask, training=training)
            x = dropout(x, training=training)
        if self.bidirectional:
            half = len(states) // 2
            states = [
                ops.concatenate([f, b], axis=-1) for f, b in zip(states[:half], states[half:])
            ]
        if self.bridge == "dense":
            states = [dense(state) for dense, state in zip(self.bridges, states)]
        else:
            batch = ops.shape(source)[0]
            states = [
                ops.zeros((batch, size), x.dtype) for size in self.decoder_cell.cell_state_sizes
            ]
        return x, mask, states

    def call(self, inputs, training=False):
        memory, mask, cell_states = self.encode_source(inputs["source"], training)
        constants = (memory, mask, self.decoder_cell.precompute_keys(memory))
        states = self.decoder_cell.initial_state(cell_states)
        target = ops.cast(inputs["target_input"], "int32")
        if training and self.scheduled_sampling is not None:
            return scheduled_sampling_logits(self, target, states, constants, START_ID)
        embedded = self.dropouts[-2](self.target_embedding(target), training=training)
        outputs = self.decoder_loop(sampling=False)(embedded, states, constants, training=training)
        return self.output_projection(self.dropouts[-1](outputs, training=training))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean cross-entropy over the real (non-padding) target tokens."""
        weights = ops.cast(ops.not_equal(y, PAD_ID), "float32")
        cross_entropy = ops.sparse_categorical_crossentropy(
            y, ops.cast(y_pred, "float32"), from_logits=True
        )
        total = ops.sum(cross_entropy * weights) / ops.maximum(ops.sum(weights), 1.0)
        for loss in self.losses:
            total = total + loss
        return total

    def decoder_loop(self, sampling=False):
        """The training decoder: a `StepFunctionRNN` over the target
        positions (Keras' differentiable loop, XLA-compiled), fed the
        target embeddings (teacher forcing) or, with `sampling`, what
        `zoo.models.scheduled_sampling.scheduled_sampling_logits` packs."""
        loops = self.__dict__["_runtime"].loops
        if sampling not in loops:
            states = self.decoder_cell.state_size
            if sampling:
                loops[sampling] = StepFunctionRNN(
                    functools.partial(sampling_step, self), [*states, self.embedding_dim],
                    self.target_vocabulary_size,
                )
            else:
                loops[sampling] = StepFunctionRNN(
                    self._teacher_forcing_step, states, self.decoder_units
                )
        return loops[sampling]

    def _teacher_forcing_step(self, inputs, states, constants, training):
        return self.decoder_cell(inputs, states, *constants, training=training)

    # ---- scheduled sampling ----------------------------------------------

    def teacher_forcing_probability(self, step=None):
        """eps_i at training step `step` (default: `sampling_step`)."""
        if self.scheduled_sampling is None:
            return ops.ones((), "float32")
        step = self.sampling_step if step is None else step
        return teacher_forcing_probability(
            self.scheduled_sampling, step, self.sampling_k, self.sampling_c, self.sampling_min
        )

    def allowed_logits(self, logits):
        """Logits with padding and <s> (never emitted) ruled out, float32."""
        never = ops.arange(self.target_vocabulary_size) <= START_ID
        return ops.where(never, NEG_INF, ops.cast(logits, "float32"))

    # ---- decoding --------------------------------------------------------

    def default_max_length(self, source_length):
        """2 x the (padded) source length + 10, at most `max_decode_length`."""
        return min(2 * int(source_length) + 10, self.max_decode_length)

    def decode(self, source, beam_width=1, max_length=None, length_penalty=0.0):
        """Greedy (`beam_width=1`) or beam search from source ids.

        Args:
            source: int [batch, S] source ids, 0-padded.
            beam_width: int. Hypotheses kept, default 1 (greedy).
            max_length: int. Most tokens per output, `</s>` included;
                default `default_max_length(S)`.
            length_penalty: float. alpha of the GNMT length penalty
                ((5 + |Y|) / 6) ** alpha, default 0.

        Returns:
            dict of `"ids"` int32 [batch, beam, max_length] (`</s>`, then
            padding, ends an output), `"lengths"` [batch, beam] (`</s>`
            included) and `"scores"` [batch, beam] (log-probability over the
            length penalty), best first.

        Runs eagerly when called eagerly (on JAX that retraces the loop at
        every call); `decoder(...).predict_on_batch(source)` and
        `transduce` run it compiled.
        """
        if max_length is None:
            length = source.shape[1]
            max_length = (
                self.max_decode_length if length is None else self.default_max_length(length)
            )
        batch = ops.shape(source)[0]
        memory, mask, keys, cell_states = self._encode_repeated(source, beam_width)
        states = self.decoder_cell.initial_state(cell_states)

        def step(ids, states):
            embedded = self.target_embedding(ids)
            output, states = self.decoder_cell(embedded, states, memory, mask, keys)
            logits = self.allowed_logits(self.output_projection(output))
            return ops.log_softmax(logits, axis=-1), states

        start = ops.full((batch,), START_ID, "int32")
        if beam_width == 1:
            ids, lengths, scores = greedy_search(
                step, states, start, END_ID, max_length, length_penalty, PAD_ID
            )
            ids, lengths, scores = ids[:, None], lengths[:, None], scores[:, None]
        else:
            ids, lengths, scores = beam_search(
                step, states, start, END_ID, max_length, beam_width, length_penalty, PAD_ID
            )
        return {"ids": ids, "lengths": lengths, "scores": scores}

    def decoder(self, beam_width=1, max_length=200, length_penalty=0.0):
        """A model mapping source ids to `decode(...)`'s dict, sharing this
        model's layers, so that `predict_on_batch` compiles the whole search
        (XLA on TensorFlow too), on every backend."""
        key = (int(beam_width), int(max_length), float(length_penalty))
        decoders = self.__dict__["_runtime"].decoders
        if key not in decoders:
            decoder = _Seq2SeqDecoder(self, *key)
            if keras.backend.backend() == "tensorflow":
                decoder.jit_compile = True
            decoders[key] = decoder
        return decoders[key]

    def transduce(self, inputs, beam_width=1, return_scores=False, max_length=None,
                  length_penalty=0.0, unknown="error", batch_size=256, num_results=None):
        """Transduce strings or token lists into target token lists.

        Args:
            inputs: list of strings (read as characters; lowercased if the
                model was built with `lowercase=True`) or of token lists.
            beam_width: int. 1 is greedy search, default 1.
            return_scores: bool. Return `(tokens, score)` pairs, the score
                being the log-probability over the length penalty.
            max_length: int. Most output tokens (`</s>` included), default
                2 x the batch's padded source length + 10, capped at
                `max_decode_length`.
            length_penalty: float. alpha of the GNMT length penalty.
            unknown: `"error"` (a ValueError naming the input and the
                token) or `"replace"` (the unknown token), default `"error"`.
            batch_size: int. Inputs per compiled batch, default 256.
            num_results: int or None. Return the best `num_results`
                hypotheses of the beam (at most `beam_width`), best first,
                as a list per input: the n-best list a reranker reads.
                Fewer when there are fewer distinct hypotheses. Default
                None: the best one alone, not in a list.

        Returns:
            A list of token lists (without `</s>`), one per input, or of
            `(tokens, score)` pairs with `return_scores`; with `num_results`,
            a list of those per input.
        """
        beam_width = check_positive_integer("beam_width", beam_width)
        num_results = check_num_results(num_results, beam_width)
        rows = [self.source_ids(item, unknown) for item in inputs]
        target = self._vocabulary("target")
        results = [None] * len(rows)
        for batch in bucket_batches([len(r) for r in rows], batch_size=batch_size, shuffle=False):
            # All-padding rows decode to nothing and are dropped.
            source = _padded_sources(rows, batch)
            length = max_length or self.default_max_length(source.shape[1])
            decoded = self.decoder(beam_width, length, length_penalty).predict_on_batch(source)
            ids, lengths, scores = (
                ops.convert_to_numpy(decoded[name]) for name in ("ids", "lengths", "scores")
            )
            for row, index in enumerate(batch):
                hypotheses = []
                for k in range(num_results or 1):
                    if scores[row, k] < NEG_INF / 10:  # a slot that never held a hypothesis
                        break
                    hypothesis = ids[row, k, : lengths[row, k]].tolist()
                    if hypothesis and hypothesis[-1] == END_ID:
                        hypothesis = hypothesis[:-1]
                    if self.reverse_targets:
                        hypothesis = hypothesis[::-1]
                    tokens = target.decode(hypothesis)
                    hypotheses.append((tokens, float(scores[row, k])) if return_scores else tokens)
                results[index] = hypotheses if num_results else hypotheses[0]
        return results

    def score(self, inputs, outputs, unknown="error", batch_size=256):
        """log p(output, `</s>` | input) of given outputs: what a reranker reads.

        The teacher-forced log-probability of each output followed by the
        end token, padding and `<s>` ruled out as in decoding: the score
        `transduce(..., return_scores=True)` gives a hypothesis that ended
        (length penalty 0), for any output, found by search or not.

        Args:
            inputs: list of strings or token lists, as for `transduce`.
            outputs: list of target token lists (without `</s>`), one per
                input.
            unknown: for the inputs, as in `transduce`.
            batch_size: int. Pairs per batch, default 256.

        Returns:
            float64 numpy array, one log-probability per pair.

        Raises:
            ValueError: the lists differ in length, or an output holds a
                token the target vocabulary lacks (named, with the pair).
        """
        if len(inputs) != len(outputs):
            raise ValueError(f"score: {len(inputs)} inputs but {len(outputs)} outputs")
        scores = self._score_lists(inputs, [[tokens] for tokens in outputs], unknown,
                                   batch_size, where="score: output {index}")
        return np.array([pair[0] for pair in scores], "float64")

    def score_n_best(self, inputs, n_best, unknown="error", batch_size=256):
        """`score` for a list of outputs per input (an n-best list), each
        input encoded once for all its outputs.

        Args:
            inputs: list of strings or token lists, as for `transduce`.
            n_best: list, one per input, of lists of target token lists
                (`transduce(..., num_results=N)` without scores); the
                lists may differ in length (inputs with as many outputs
                are batched together, so that no padding row is scored).
            unknown: for the inputs, as in `transduce`.
            batch_size: int. Inputs per batch, default 256.

        Returns:
            A list, one per input, of float64 arrays: log p(output, `</s>` |
            input) of each of its outputs.
        """
        if len(inputs) != len(n_best):
            raise ValueError(f"score_n_best: {len(inputs)} inputs but {len(n_best)} lists")
        return self._score_lists(inputs, n_best, unknown, batch_size,
                                 where="score_n_best: output {k} of input {index}")

    def _score_lists(self, inputs, n_best, unknown, batch_size, where):
        """`score_n_best`, each output checked once (`where` names a bad one)."""
        for index, outputs in enumerate(n_best):
            for k, tokens in enumerate(outputs):
                self._check_output(tokens, where.format(index=index, k=k))
        rows = [self.source_ids(item, unknown) for item in inputs]
        results = [np.zeros(len(outputs)) for outputs in n_best]
        targets = [[self.target_ids(tokens) for tokens in outputs] for outputs in n_best]
        by_size = {}
        for index, ids in enumerate(targets):
            if ids:
                by_size.setdefault(len(ids), []).append(index)
        for repeats, indices in sorted(by_size.items()):
            lengths = [len(rows[i]) for i in indices]
            for batch in bucket_batches(lengths, batch_size=batch_size, shuffle=False):
                batch = [indices[i] for i in batch]
                scores = self._score_batch(rows, targets, batch, repeats)
                for row, index in enumerate(batch):
                    results[index] = scores[row * repeats: (row + 1) * repeats]
        return results

    def _score_batch(self, rows, targets, batch, repeats):
        """float64 [padded rows * repeats]: the scorer on inputs `batch`,
        each with `repeats` outputs, padded like `transduce`
        (padding rows score `</s>` alone and are dropped by the caller)."""
        source = _padded_sources(rows, batch)
        steps = padded_length(1 + max(len(ids) for i in batch for ids in targets[i]),
                              INFERENCE_LENGTH_STEP)
        target_input = np.zeros((len(source) * repeats, steps), "int32")
        target_output = np.zeros((len(source) * repeats, steps), "int32")
        target_input[:, 0], target_output[:, 0] = START_ID, END_ID
        for row, index in enumerate(batch):
            for k, ids in enumerate(targets[index]):
                pair = row * repeats + k
                target_input[pair, : len(ids) + 1] = [START_ID, *ids]
                target_output[pair, : len(ids) + 1] = [*ids, END_ID]
        scores = self.scorer(repeats).predict_on_batch(
            {"source": source, "target_input": target_input, "target_output": target_output}
        )
        return ops.convert_to_numpy(scores).astype("float64")

    def _check_output(self, tokens, where):
        target = self._vocabulary("target")
        missing = [token for token in _tokens(tokens, False) if token not in target]
        if missing:
            raise ValueError(f"{where} ({tokens!r}) has {missing[0]!r}, "
                             "which is not in the target vocabulary")

    def output_log_probabilities(self, inputs, repeats=1):
        """sum_t log p(y_t | y_<t, x) over the real tokens of each target row.

        Args:
            inputs: dict of `"source"` [B, S] and `"target_input"`,
                `"target_output"` [B * repeats, T] (as `encode` makes them):
                source row b is read once, for target rows b * repeats ..
                b * repeats + repeats - 1.
            repeats: int. Target rows per source row.

        Returns:
            float32 [B * repeats].
        """
        memory, mask, keys, cell_states = self._encode_repeated(inputs["source"], repeats)
        constants = (memory, mask, keys)
        states = self.decoder_cell.initial_state(cell_states)
        embedded = self.target_embedding(ops.cast(inputs["target_input"], "int32"))
        outputs = self.decoder_loop(sampling=False)(embedded, states, constants, training=False)
        logits = self.allowed_logits(self.output_projection(outputs))
        # The decoding step's log-softmax over the allowed tokens.
        log_probs = ops.log_softmax(logits, axis=-1)
        target = ops.cast(inputs["target_output"], "int32")
        picked = ops.take_along_axis(log_probs, target[..., None], axis=-1)[..., 0]
        return ops.sum(ops.where(ops.not_equal(target, PAD_ID), picked, 0.0), axis=-1)

    def _encode_repeated(self, source, repeats):
        """`(memory, mask, attention keys, decoder states)` of each source
        row, computed once and repeated `repeats` times (a beam, an n-best
        list): rows b * repeats .. b * repeats + repeats - 1 are row b's."""
        memory, mask, cell_states = self.encode_source(source)
        keys = self.decoder_cell.precompute_keys(memory)
        if repeats > 1:
            memory, mask, keys, *cell_states = [
                ops.repeat(x, repeats, axis=0) for x in (memory, mask, keys, *cell_states)
            ]
        return memory, mask, keys, cell_states

    def scorer(self, repeats=1):
        """A model mapping `output_log_probabilities`' inputs to its output,
        compiled by `predict_on_batch` (XLA on TensorFlow too)."""
        key = ("scorer", int(repeats))
        decoders = self.__dict__["_runtime"].decoders
        if key not in decoders:
            scorer = _Seq2SeqScorer(self, int(repeats))
            if keras.backend.backend() == "tensorflow":
                scorer.jit_compile = True
            decoders[key] = scorer
        return decoders[key]

    def predict_text(self, inputs):
        """For `zoo predict`: `input<TAB>output tokens joined by spaces`,
        one line per input (beam search of width 5)."""
        outputs = self.transduce(inputs, beam_width=5)
        return [f"{item}\t{' '.join(tokens)}" for item, tokens in zip(inputs, outputs)]

    def get_config(self):
        return {
            **super().get_config(),
            "source_vocabulary_size": self.source_vocabulary_size,
            "target_vocabulary_size": self.target_vocabulary_size,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "units": self.units,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "decoder_units": self.decoder_units,
            "attention": self.attention,
            "luong_score": self.luong_score,
            "attention_style": self.attention_style,
            "attention_units": self.attention_units,
            "input_feeding": self.input_feeding,
            "bridge": self.bridge,
            "dropout": self.dropout,
            "scheduled_sampling": self.scheduled_sampling,
            "sampling_k": self.sampling_k,
            "sampling_c": self.sampling_c,
            "sampling_min": self.sampling_min,
            "max_decode_length": self.max_decode_length,
            "lowercase": self.lowercase,
            "normalizer": self.normalizer,
            "demo_inputs": list(self.demo_inputs),
            "reverse_targets": self.reverse_targets,
            "seed": self.seed,
        }


class _Seq2SeqDecoder(keras.Model):
    """Source ids -> `Seq2Seq.decode(...)` with fixed settings (not saved)."""

    def __init__(self, seq2seq, beam_width, max_length, length_penalty):
        super().__init__(name=f"{seq2seq.name}_decoder")
        self.seq2seq = seq2seq
        self.settings = (beam_width, max_length, length_penalty)

    def call(self, source):
        beam_width, max_length, length_penalty = self.settings
        return self.seq2seq.decode(source, beam_width, max_length, length_penalty)


class _Seq2SeqScorer(keras.Model):
    """`Seq2Seq.output_log_probabilities` with fixed repeats (not saved)."""

    def __init__(self, seq2seq, repeats):
        super().__init__(name=f"{seq2seq.name}_scorer")
        self.seq2seq = seq2seq
        self.repeats = repeats

    def call(self, inputs):
        return self.seq2seq.output_log_probabilities(inputs, self.repeats)


def _padded_sources(rows, batch):
    """int32 [rows padded to steps of 8, length padded to steps of
    INFERENCE_LENGTH_STEP]: the source ids `rows[i]` of the inputs `batch`,
    0-padded: few shapes, few XLA compilations."""
    width = padded_length(max(len(rows[i]) for i in batch), INFERENCE_LENGTH_STEP)
    source = np.zeros((padded_length(len(batch)), width), "int32")
    for row, index in enumerate(batch):
        source[row, : len(rows[index])] = rows[index]
    return source


def check_num_results(num_results, beam_width):
    """`num_results` (None, or a positive int at most `beam_width`), checked."""
    if num_results is None:
        return None
    num_results = check_positive_integer("num_results", num_results)
    if num_results > beam_width:
        raise ValueError(
            f"num_results={num_results} needs beam_width >= {num_results}: "
            f"beam search keeps only beam_width={beam_width} hypotheses"
        )
    return num_results


def _tokens(item, lowercase):
    if isinstance(item, str):
        return list(item.lower() if lowercase else item)
    return list(item)
