"""`LanguageModel`: a word- or character-level RNN language model, trained by truncated BPTT."""

import math
import os

import keras
import numpy as np
from keras import ops

from zoo.argument_checks import check_positive_integer
from zoo.data.language_model_tokens import LINE_BREAK
from zoo.data.language_model_tokens import check_level
from zoo.data.language_model_tokens import language_model_vocabulary
from zoo.data.language_model_tokens import text_to_tokens
from zoo.data.language_model_tokens import tokens_to_text
from zoo.data.length_buckets import padded_length
from zoo.data.stream_pieces import line_start_pieces
from zoo.data.vocabulary import Vocabulary
from zoo.layers.recurrent_cell import check_rate
from zoo.models.language_model_runners import StreamScorer
from zoo.models.language_model_runners import TextGenerator
from zoo.models.sequence_tagger import SEQUENCE_LAYERS
from zoo.models.token_sampling import check_sampling
from zoo.models.token_sampling import sampling_uniforms
from zoo.models.truncated_bptt import TruncatedBPTTMixin

VOCABULARY_FILE = "vocabulary.txt"
PADDING_ID = 0
# `zoo predict` continues each prompt by this many tokens.
PREDICT_LENGTH = {"word": 30, "char": 160}


@keras.saving.register_keras_serializable(package="zoo")
class LanguageModel(TruncatedBPTTMixin, keras.Model):
    """A recurrent language model over words or characters.

    The model of Zaremba et al. (2014, "Recurrent neural network
    regularization") and Merity et al. (2018, AWD-LSTM, without weight
    drop): each token x_t is embedded, read by a stack of RNN layers (any
    cell of `SEQUENCE_LAYERS`: `"lstm"`, `"gru"`, `"peephole_lstm"`,
    `"layer_norm_lstm"`, ...), and the top layer's output h_t gives the
    distribution of the next token:

        e_t = E[x_t]                                    embedding_dim
        h^l_t, s^l_t = RNN_l(h^{l-1}_t, s^l_{t-1}),  h^0_t = e_t
        P(x_{t+1} | x_1..x_t) = softmax(h^L_t W + b)    W: units x V

    With `tie_embeddings` the output layer reuses the input embeddings
    (Press & Wolf 2017; Inan et al. 2017): W = (P E^T), with a linear
    projection P (units x embedding_dim) when the sizes differ, else none.
    Training minimizes the mean cross-entropy of the next token over the
    real (unpadded) steps: sum_t m_t (-log P(y_t)) / sum_t m_t, m_t = 0
    where the target is the padding id 0.

    Truncated BPTT (`zoo.models.truncated_bptt.TruncatedBPTTMixin`):
    `fit(BPTTBatches(ids, batch_size, bptt))` trains on one long token
    stream cut into `batch_size` contiguous rows and chunks of `bptt`
    steps. Each chunk starts from the states the previous chunk left,
    kept in non-trainable variables that `call(training=True)` reads and
    assigns, so the carry is part of the compiled train step (XLA on
    TensorFlow, and JAX, where Keras' own `stateful=True` RNNs do not
    carry). Gradients stop at chunk boundaries, and the states are zeroed
    at every epoch start. The carried states are not weights: they are not
    saved and not counted as parameters. `fit` on arrays (e.g. padded
    sentences) trains from zero states, as usual.

    Dropout (all variational: one mask per sequence, the same at every
    step; Gal & Ghahramani 2016): `embedding_dropout` drops whole word
    types (rows of E, the same in the whole batch), `input_dropout` the
    embedding units, `recurrent_dropout` the units of s_{t-1} inside each
    cell (its own `recurrent_dropout`), `output_dropout` the units of every
    layer's output (between layers and before the softmax).

    Text: `level="word"` splits lines on whitespace, `level="char"` reads
    every character; a line break is the token "<eos>" at both levels
    (`zoo.data.language_model_tokens`). The vocabulary (`from_text`) has
    id 0 = padding, 1 = unknown, 2 = "<eos>". Word-level text maps words
    outside the vocabulary to the unknown token "[UNK]" in training and
    evaluation; a prompt with a word or character outside the vocabulary
    raises a ValueError naming it and its position (a word prompt may say
    "[UNK]" itself).

    Metrics (`text_metrics`, `perplexity`, `bits_per_character`) score a
    text exactly: the full softmax, one stream read from zero states after
    a line break, carried over chunks of `chunk_length` steps, so every
    token is predicted from all the text before it (`rows` > 1 reads
    pieces of it side by side, faster). `generate` samples a continuation
    with temperature and top-k, in a compiled loop.

    Args:
        vocabulary_size: int. V, the number of token ids (reserved ones
            included).
        level: `"word"` or `"char"`, default `"word"`.
        embedding_dim: int. Size of the token embeddings, default 200.
        cell: str. One of `SEQUENCE_LAYERS`, default `"lstm"`.
        units: int. Units of every RNN layer, default 200.
        num_layers: int. Stacked RNN layers, default 2.
        tie_embeddings: bool. Share E between input and output, default
            False.
        embedding_dropout: float. Word-type dropout rate on E, default 0.
        input_dropout: float. Dropout rate on the embeddings, default 0.
        recurrent_dropout: float. The cells' recurrent dropout, default 0
            (with it, Keras' own LSTM and GRU run their per-gate
            implementation: slower, most of all at inference on TensorFlow).
        output_dropout: float. Dropout rate on every layer's output,
            default 0.
        seed: int or None. Seeds the initial weights and dropout masks.

    Call arguments:
        tokens: int [batch, time] token ids; 0 is padding (masked: it leaves
            the states unchanged).
        training: bool. Dropout, and the carried states inside
            `carrying_states` (what `fit` on `BPTTBatches` sets up).

    Returns:
        Logits of the next token, [batch, time, vocabulary_size].

    Example:

    >>> import keras
    >>> from zoo.data.bptt_batches import BPTTBatches
    >>> text = "abcab" * 40
    >>> model = LanguageModel.from_text(text, level="char", embedding_dim=8,
    ...                                 units=16, num_layers=1, seed=1)
    >>> model.perplexity(text) > 3  # untrained: about the 6 ids
    True
    >>> model.compile(optimizer=keras.optimizers.Adam(0.05))
    >>> batches = BPTTBatches(model.encode(text), batch_size=4, bptt=10)
    >>> history = model.fit(batches, epochs=15, verbose=0)
    >>> model.perplexity(text) < 1.2
    True
    >>> model.generate("ab", 8, temperature=0)  # greedy
    'cababcab'
    >>> len(model.generate("ab", 8, temperature=0.8, top_k=2, seed=0))
    8
    """

    # What `zoo demo` continues (English checkpoints).
    demo_inputs = ("The president said that", "I would like to")

    def __init__(
        self,
        vocabulary_size,
        level="word",
        embedding_dim=200,
        cell="lstm",
        units=200,
        num_layers=2,
        tie_embeddings=False,
        embedding_dropout=0.0,
        input_dropout=0.0,
        recurrent_dropout=0.0,
        output_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        for name, value in (
            ("vocabulary_size", vocabulary_size),
            ("embedding_dim", embedding_dim),
            ("units", units),
            ("num_layers", num_layers),
        ):
            check_positive_integer(name, value)
        check_level(level)
        if cell not in SEQUENCE_LAYERS:
            raise ValueError(f"`cell` must be one of {sorted(SEQUENCE_LAYERS)}, got {cell!r}")
        for name, value in (
            ("embedding_dropout", embedding_dropout),
            ("input_dropout", input_dropout),
            ("recurrent_dropout", recurrent_dropout),
            ("output_dropout", output_dropout),
        ):
            check_rate(name, value)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ValueError(f"`seed` must be an integer or None, got {seed!r}")
        self.vocabulary_size = vocabulary_size
        self.level = level
        self.embedding_dim = embedding_dim
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.tie_embeddings = bool(tie_embeddings)
        self.embedding_dropout = float(embedding_dropout)
        self.input_dropout = float(input_dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.output_dropout = float(output_dropout)
        self.seed = seed
        self.vocabulary = None
        self.seed_generator = keras.random.SeedGenerator(seed)
        layer_class = SEQUENCE_LAYERS[cell]
        self.sequence_layers = [
            layer_class(
                units,
                return_sequences=True,
                return_state=True,
                recurrent_dropout=self.recurrent_dropout,
                kernel_initializer=self._initializer("GlorotUniform", 10 + 2 * i),
                recurrent_initializer=self._initializer("Orthogonal", 11 + 2 * i),
                seed=None if seed is None else seed + 100 + i,
                name=f"rnn_{i}",
            )
            for i in range(num_layers)
        ]
        needs_projection = self.tie_embeddings and units != embedding_dim
        self.projection = (
            keras.layers.Dense(
                embedding_dim,
                use_bias=False,
                kernel_initializer=self._initializer("GlorotUniform", 2),
                name="projection",
            )
            if needs_projection
            else None
        )
        self.build()

    def _initializer(self, name, offset, **kwargs):
        seed = None if self.seed is None else self.seed + offset
        return keras.initializers.get({"class_name": name, "config": {"seed": seed, **kwargs}})

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            shape=(self.vocabulary_size, self.embedding_dim),
            initializer=self._initializer("RandomUniform", 0, minval=-0.1, maxval=0.1),
            name="embeddings",
        )
        width = self.embedding_dim
        for layer in self.sequence_layers:
            layer.build((None, None, width))
            width = self.units
        if self.projection is not None:
            self.projection.build((None, None, self.units))
        if not self.tie_embeddings:
            self.output_kernel = self.add_weight(
                shape=(self.units, self.vocabulary_size),
                initializer=self._initializer("GlorotUniform", 1),
                name="output_kernel",
            )
        self.output_bias = self.add_weight(
            shape=(self.vocabulary_size,), initializer="zeros", name="output_bias"
        )

    # ---- the network -------------------------------------------------------

    @property
    def state_counts(self):
        """The number of state tensors of each layer (2 for an LSTM: h, c)."""
        return [len(layer.state_size) for layer in self.sequence_layers]

    def zero_states(self, batch_size):
        """Zero states: per layer, a list of [batch_size, units] tensors."""
        return [
            [ops.zeros((batch_size, self.units), dtype=self.compute_dtype) for _ in range(count)]
            for count in self.state_counts
        ]

    def embed(self, tokens, training=False):
        """e_t = E[x_t] with the embedding and input dropouts, [batch, time, dim]."""
        embedded = ops.take(self.embeddings, tokens, axis=0)
        if training and self.embedding_dropout:
            keep = keras.random.dropout(
                ops.ones((self.vocabulary_size, 1), dtype=embedded.dtype),
                self.embedding_dropout,
                seed=self.seed_generator,
            )
            embedded = embedded * ops.take(keep, tokens, axis=0)
        return self._variational_dropout(embedded, self.input_dropout, training)

    def _variational_dropout(self, sequences, rate, training):
        if not training or not rate:
            return sequences
        shape = ops.shape(sequences)
        return keras.random.dropout(
            sequences, rate, noise_shape=(shape[0], 1, shape[2]), seed=self.seed_generator
        )

    def output_logits(self, features):
        """h W + b (W = P E^T when tied): [..., units] -> [..., vocabulary_size]."""
        if self.tie_embeddings:
            if self.projection is not None:
                features = self.projection(features)
            kernel = ops.transpose(self.embeddings)
        else:
            kernel = self.output_kernel
        return ops.cast(ops.matmul(features, kernel) + self.output_bias, "float32")

    def logits_and_states(self, tokens, initial_states=None, training=False):
        """Logits [batch, time, V] and each layer's final states.

        (Not named `forward`: on the PyTorch backend that is the
        `torch.nn.Module` method that calling the model runs.)

        Args:
            tokens: int [batch, time]; 0 is padding (masked).
            initial_states: per layer, a list of [batch, units] tensors
                (`zero_states`); None starts from zeros.
            training: bool. Dropout.
        """
        tokens = ops.cast(tokens, "int32")
        mask = ops.not_equal(tokens, PADDING_ID)
        hidden = self.embed(tokens, training)
        final_states = []
        for index, layer in enumerate(self.sequence_layers):
            initial = None if initial_states is None else list(initial_states[index])
            outputs = layer(hidden, initial_state=initial, mask=mask, training=training)
            hidden, states = outputs[0], list(outputs[1:])
            hidden = self._variational_dropout(hidden, self.output_dropout, training)
            final_states.append(states)
        return self.output_logits(hidden), final_states

    def step(self, tokens, states):
        """One time step (no dropout): tokens [batch] -> logits [batch, V], states."""
        hidden = ops.take(self.embeddings, ops.cast(tokens, "int32"), axis=0)
        new_states = []
        for layer, layer_states in zip(self.sequence_layers, states):
            hidden, updated = layer.cell(hidden, list(layer_states), training=False)
            if not isinstance(updated, (list, tuple)):
                updated = [updated]
            new_states.append(list(updated))
        return self.output_logits(hidden), new_states

    def call(self, tokens, training=False):
        initial_states = self.carried_initial_states(tokens) if training else None
        logits, states = self.logits_and_states(tokens, initial_states, training=training)
        if initial_states is not None:
            self.keep_carried_states(states)
        return logits

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean next-token cross-entropy over the steps whose target is not
        padding: sum(m * w * nll) / sum(m * w), w the `sample_weight` ([batch]
        or [batch, time], default 1); under a TensorFlow MirroredStrategy of
        R replicas, each replica returns its share, the mean over R."""
        if y is None:
            raise ValueError(
                "LanguageModel needs the next tokens as targets: "
                "fit(BPTTBatches(...)) or fit(tokens, next_tokens)"
            )
        targets = ops.cast(y, "int32")
        weights = ops.cast(ops.not_equal(targets, PADDING_ID), "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            if len(sample_weight.shape) == 1:
                sample_weight = sample_weight[:, None]
            weights = weights * sample_weight
        losses = ops.sparse_categorical_crossentropy(
            targets, ops.cast(y_pred, "float32"), from_logits=True
        )
        total = ops.sum(losses * weights) / ops.maximum(ops.sum(weights), 1e-12)
        for loss in self.losses:
            total = total + loss
        # A TensorFlow MirroredStrategy sums the replicas' gradients: each
        # replica's share of the mean is its mean over R (as Keras' own losses
        # do), else the gradient would be R times too large.
        replicas = self._replicas_in_sync()
        return total / replicas if replicas > 1 else total

    # ---- vocabulary and text ----------------------------------------------

    @classmethod
    def from_text(cls, text, level="word", min_count=1, max_vocabulary=None, **kwargs):
        """A new model with the vocabulary of `text` (see
        `zoo.data.language_model_tokens.language_model_vocabulary`).

        Args:
            text: str. The training text.
            level: `"word"` or `"char"`.
            min_count: int. Rarer tokens read as unknown, default 1.
            max_vocabulary: int or None. Keep the most frequent tokens only.
            **kwargs: the constructor's other arguments.
        """
        vocabulary = language_model_vocabulary(
            text_to_tokens(text, check_level(level)), min_count=min_count, max_size=max_vocabulary
        )
        model = cls(len(vocabulary), level=level, **kwargs)
        model.set_vocabulary(vocabulary)
        return model

    def set_vocabulary(self, vocabulary):
        """Attach the `Vocabulary` the ids refer to (padding 0, unknown 1, "<eos>")."""
        if len(vocabulary) != self.vocabulary_size:
            raise ValueError(
                f"The vocabulary has {len(vocabulary)} entries, the model's "
                f"vocabulary_size is {self.vocabulary_size}"
            )
        if vocabulary.padding_id != PADDING_ID or vocabulary.unknown_id != 1:
            raise ValueError("A language model vocabulary needs padding id 0 and unknown id 1")
        if LINE_BREAK not in vocabulary:
            raise ValueError(f"A language model vocabulary needs the line break {LINE_BREAK!r}")
        self.vocabulary = vocabulary

    def _require_vocabulary(self):
        if self.vocabulary is None:
            raise ValueError(
                "This model has no vocabulary: build it with `LanguageModel.from_text` "
                "or load it with `zoo.load`"
            )
        return self.vocabulary

    def save_assets(self, directory):
        self._require_vocabulary().save(os.path.join(directory, VOCABULARY_FILE))

    def load_assets(self, directory):
        self.set_vocabulary(Vocabulary.load(os.path.join(directory, VOCABULARY_FILE)))

    @property
    def line_break_id(self):
        return self._require_vocabulary().lookup(LINE_BREAK)

    def encode(self, text):
        """The token ids of a text, int32 [n]; unknown tokens read as "[UNK]"."""
        vocabulary = self._require_vocabulary()
        ids = np.asarray(vocabulary.encode(text_to_tokens(text, self.level)), "int32")
        # A literal "[PAD]" word in a text is a word, not padding.
        return np.where(ids == PADDING_ID, vocabulary.unknown_id, ids).astype("int32")

    def decode(self, ids):
        """The text of token ids (padding dropped)."""
        tokens = self._require_vocabulary().decode(int(i) for i in ids if int(i) != PADDING_ID)
        return tokens_to_text(tokens, self.level)

    def prompt_ids(self, prompt):
        """The ids of a prompt, checked: a str, not empty, and every token in
        the vocabulary. An unknown word or character raises a ValueError that
        names it and its position; at the word level the token "[UNK]" may be
        written to mean "a word outside the vocabulary" (what rare words read
        as in training)."""
        if not isinstance(prompt, str):
            raise ValueError(f"The prompt must be a str, got {type(prompt).__name__}")
        vocabulary = self._require_vocabulary()
        tokens = text_to_tokens(prompt, self.level)
        what = "words" if self.level == "word" else "characters"
        if not tokens:
            raise ValueError(f"The prompt {prompt!r} is empty: it has no {what} to continue")
        # Positions count characters (a line break is one), or words (line
        # breaks are not words).
        words = [token for token in tokens if token != LINE_BREAK]
        for position, token in enumerate(tokens if self.level == "char" else words):
            if token in vocabulary and token != vocabulary.padding_token:
                continue
            if self.level == "char":
                name = f"character {token!r} (U+{ord(token):04X}, at character {position})"
                hint = ""
            else:
                name = f"word {token!r} (at word {position})"
                hint = f"; write {vocabulary.unknown_token!r} for a word outside it"
            raise ValueError(
                f"The prompt's {name} is not in the model's vocabulary of "
                f"{len(vocabulary)} {what}{hint}"
            )
        return self.encode(prompt)

    # ---- exact evaluation --------------------------------------------------

    def token_log_probabilities(self, ids, chunk_length=256, rows=1):
        """log P(ids[t] | line break, ids[:t]) of every token, float64 [n].

        The text is read as one stream from zero states after a line break
        (so its first token is predicted too), in chunks of `chunk_length`
        steps with the states carried over: every token is predicted from
        all the tokens before it, with the full softmax.

        With `rows` > 1 the text is cut into up to `rows` contiguous pieces
        at line starts (`zoo.data.stream_pieces.line_start_pieces`), read
        side by side in one batch, each from zero states after a line
        break: still every token once and the full softmax, but each piece
        forgets the text before it. That is faster where the recurrent
        steps dominate the cost (a small, character vocabulary); where the
        softmax over a large vocabulary dominates, one stream is as fast.
        """
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise ValueError(
                "Expected a 1-D sequence of int token ids, got shape "
                f"{ids.shape} of dtype {ids.dtype}"
            )
        if not ids.size:
            raise ValueError("No tokens to score")
        if ids.min() < 1 or ids.max() >= self.vocabulary_size:
            raise ValueError(
                f"Token ids must be in [1, {self.vocabulary_size - 1}], got "
                f"{ids.min()}..{ids.max()}"
            )
        check_positive_integer("chunk_length", chunk_length)
        check_positive_integer("rows", rows)
        line_break = self.line_break_id if self.vocabulary is not None else 2
        pieces = line_start_pieces(ids, rows, line_break)
        longest = max(stop - start for start, stop in pieces)
        # Row r: the line break, then its piece; 0 (padding) after it.
        streams = np.zeros((len(pieces), longest + 1 + chunk_length), "int32")
        for row, (start, stop) in enumerate(pieces):
            streams[row, 0] = line_break
            streams[row, 1 : 1 + stop - start] = ids[start:stop]
        chunk_length = min(chunk_length, padded_length(longest, 16))
        scorer = self._runner("scorer", lambda: StreamScorer(self))
        states = [
            np.zeros((len(pieces), self.units), "float32")
            for _ in range(sum(self.state_counts))
        ]
        scores = np.zeros((len(pieces), longest))
        for start in range(0, longest, chunk_length):
            tokens = streams[:, start : start + chunk_length]
            targets = streams[:, start + 1 : start + 1 + chunk_length]
            outputs = scorer.predict_on_batch(scorer.inputs_of(tokens, targets, states))
            chunk = ops.convert_to_numpy(outputs["log_probabilities"])
            scores[:, start : start + chunk_length] = chunk[:, : longest - start]
            states = [ops.convert_to_numpy(outputs[f"state_{i}"]) for i in range(len(states))]
        return np.concatenate(
            [scores[row, : stop - start] for row, (start, stop) in enumerate(pieces)]
        )

    def text_metrics(self, text, chunk_length=256, rows=1):
        """Exact metrics of a held-out text: a dict of `tokens`, `unknown`
        (tokens outside the vocabulary, scored as "[UNK]"), `cross_entropy`
        (nats per token), `perplexity` and, at the character level,
        `bits_per_character` (a line break counts as a character). See
        `token_log_probabilities` for `rows`."""
        ids = self.encode(text) if isinstance(text, str) else np.asarray(text)
        log_probabilities = self.token_log_probabilities(ids, chunk_length, rows)
        cross_entropy = -float(np.mean(log_probabilities))
        metrics = {
            "tokens": int(len(ids)),
            "unknown": int(np.sum(ids == 1)) if self.vocabulary is not None else 0,
            "cross_entropy": cross_entropy,
            "perplexity": math.exp(cross_entropy),
        }
        if self.level == "char":
            metrics["bits_per_character"] = cross_entropy / math.log(2)
        return metrics

    def perplexity(self, text, chunk_length=256, rows=1):
        """exp(mean -log P(token | all before)) of a text (str) or of ids."""
        return self.text_metrics(text, chunk_length, rows)["perplexity"]

    def bits_per_character(self, text, chunk_length=256, rows=1):
        """Mean -log2 P(character | all before) of a text; character level only."""
        if self.level != "char":
            raise ValueError(
                "bits_per_character is for level='char' models; this one is "
                "word level: use perplexity"
            )
        return self.text_metrics(text, chunk_length, rows)["bits_per_character"]

    # ---- generation ----------------------------------------------------------

    def generate(self, prompt, length, temperature=1.0, top_k=None, seed=None):
        """Continue `prompt` by `length` tokens (words or characters).

        The prompt is read after a line break, from zero states; then each
        token is chosen from softmax(logits / temperature), restricted to
        the `top_k` most likely tokens (None: all), and fed back, in a
        compiled loop. `temperature=0` (or `top_k=1`) is greedy. Padding
        and the unknown token are never chosen.

        Args:
            prompt: str. Not empty; see `prompt_ids` for unknown tokens.
            length: int >= 0. Tokens to generate (a line break is one).
            temperature: float >= 0, default 1.
            top_k: int or None, default None.
            seed: int or None. The same seed gives the same text.

        Returns:
            The continuation only, as text (words joined by spaces, line
            breaks as newlines; a word-level continuation starts with a
            space or newline).
        """
        ids = self.prompt_ids(prompt)
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
            raise ValueError(f"`length` must be an integer >= 0, got {length!r}")
        check_sampling(temperature, top_k, self.vocabulary_size)
        if length == 0:
            return ""
        stream = np.concatenate([[self.line_break_id], ids]).astype("int32")
        prompt_array = np.zeros((1, padded_length(len(stream), 16)), "int32")
        prompt_array[0, : len(stream)] = stream
        steps = padded_length(length, 16)
        generator = self._runner("generator", lambda: TextGenerator(self))
        inputs = {
            "prompt": prompt_array,
            "prompt_length": np.array([len(stream)], "int32"),
            "uniforms": sampling_uniforms(steps, seed),
            "inverse_temperature": np.array(
                [1.0 / temperature if temperature else 0.0], "float32"
            ),
            "top_k": np.array([top_k or self.vocabulary_size], "int32"),
        }
        tokens = ops.convert_to_numpy(generator.predict_on_batch(inputs))[0, :length]
        text = self.decode(tokens)
        if self.level == "word" and not text.startswith("\n"):
            text = " " + text
        return text

    def predict_text(self, inputs):
        """For `zoo predict`: each input is a prompt; prints it and a
        continuation (`PREDICT_LENGTH` tokens, temperature 0.7, top-k 40,
        seed i for the i-th prompt: the same uniform numbers after similar
        prompts would often give the same text), line breaks shown as "\\n"."""
        lines = []
        for index, prompt in enumerate(inputs):
            continuation = self.generate(
                prompt,
                PREDICT_LENGTH[self.level],
                temperature=0.7,
                top_k=min(40, self.vocabulary_size),
                seed=index,
            )
            lines.append((prompt + continuation).replace("\n", "\\n"))
        return lines

    def _runner(self, key, make):
        runners = self.__dict__.setdefault("_runners", {})
        if key not in runners:
            runner = make()
            if keras.backend.backend() == "tensorflow":
                runner.jit_compile = True
            if self._replicas_in_sync() > 1:
                runner = _DirectRunner(runner)
            # Kept outside Keras' tracking: it only wraps this model.
            runners[key] = runner
        return runners[key]

    def get_config(self):
        return {
            **super().get_config(),
            "vocabulary_size": self.vocabulary_size,
            "level": self.level,
            "embedding_dim": self.embedding_dim,
            "cell": self.cell,
            "units": self.units,
            "num_layers": self.num_layers,
            "tie_embeddings": self.tie_embeddings,
            "embedding_dropout": self.embedding_dropout,
            "input_dropout": self.input_dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "output_dropout": self.output_dropout,
            "seed": self.seed,
        }



class _DirectRunner:
    """A runner whose `predict_on_batch` calls it directly (eagerly).

    For a model built in a TensorFlow `MirroredStrategy` scope (`--distribute`
    over several devices): there Keras' `predict_on_batch` runs the whole
    batch on every replica and concatenates the copies (R times the rows).
    Scoring and generation read the whole batch once instead, slower (not
    compiled) but exact.
    """

    def __init__(self, runner):
        self.runner = runner

    def predict_on_batch(self, inputs):
        return keras.tree.map_structure(ops.convert_to_numpy, self.runner(inputs))

    def __getattr__(self, name):
        return getattr(self.runner, name)
