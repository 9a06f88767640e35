"""`SequenceTagger`: a bidirectional RNN tagger with character features and a CRF."""

import concurrent.futures
import os

import keras
import numpy as np
from keras import ops

from zoo.data.length_buckets import bucket_batches
from zoo.data.length_buckets import ladder_length
from zoo.data.length_buckets import padded_length
from zoo.data.token_features import SHAPES
from zoo.data.token_features import normalize_word
from zoo.data.token_features import word_characters
from zoo.data.token_features import word_shape
from zoo.data.vocabulary import Vocabulary
from zoo.layers.character_encoder import CharacterEncoder
from zoo.layers.cifg_lstm import CIFGLSTM
from zoo.layers.coupled_gru import CoupledGRU
from zoo.layers.crf import CRF
from zoo.layers.layer_norm_gru import LayerNormGRU
from zoo.layers.layer_norm_lstm import LayerNormLSTM
from zoo.layers.layer_norm_simple_rnn import LayerNormSimpleRNN
from zoo.layers.peephole_lstm import PeepholeLSTM

SEQUENCE_LAYERS = {
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
    "simple_rnn": keras.layers.SimpleRNN,
    "peephole_lstm": PeepholeLSTM,
    "cifg_lstm": CIFGLSTM,
    "coupled_gru": CoupledGRU,
    "layer_norm_lstm": LayerNormLSTM,
    "layer_norm_gru": LayerNormGRU,
    "layer_norm_simple_rnn": LayerNormSimpleRNN,
}
HEADS = ("crf", "softmax")
WORDS_FILE = "words.txt"
CHARACTERS_FILE = "characters.txt"


@keras.saving.register_keras_serializable(package="zoo")
class SequenceTagger(keras.Model):
    """A bidirectional RNN sequence tagger with character features and a CRF.

    The tagger of the lectures, built like the best non-transformer taggers
    (Lample et al. 2016; Ma & Hovy 2016; Plank et al. 2016): a word's tag
    depends on context on both sides ("well" is an adverb in "sings well",
    a noun in "the well"), so every word is read by a stacked bidirectional
    RNN over the sentence. Each word enters as

        [word embedding(lowercased form); shape embedding; character encoding]

    where the character encoder (`CharacterEncoder`, a BiLSTM or CNN over
    the characters) gives unknown words a representation from their
    spelling. Each label column (UPOS, XPOS, NER, ...) gets a head: a dense
    layer of potentials followed by a linear-chain CRF (`zoo.layers.CRF`:
    NLL training, Viterbi decoding) or a softmax. With two columns the model
    is trained on both (multi-task); `tag` reads the first by default.

    Words, characters and labels are looked up in vocabularies built from
    the training data (`from_sentences`), saved with the checkpoint. Word
    id 0 is padding (masked everywhere) and id 1 the unknown word; in
    training, `word_dropout` replaces words by the unknown id so that its
    embedding learns what an unseen word looks like.

    Args:
        word_vocabulary_size: int. Size of the word vocabulary, padding and
            unknown included.
        character_vocabulary_size: int. Size of the character vocabulary.
        label_names: list of str. The label columns, the first is the main.
        label_sizes: list of int. Number of labels of each column.
        word_dim: int. Word embedding size, default 100.
        shape_dim: int. Word shape embedding size (0: none), default 8.
        character_encoder: `"rnn"`, `"cnn"` or None, default `"rnn"`.
        character_dim: int. Character embedding size, default 32.
        character_units: int. Character encoder units, default 64.
        max_word_length: int. Characters read per word (prefix and suffix
            of longer words), default 20.
        cell: str. The sentence RNN: one of `SEQUENCE_LAYERS` (`"lstm"`,
            `"gru"`, `"peephole_lstm"`, `"layer_norm_lstm"`, ...), default
            `"lstm"`.
        units: int. RNN units per direction, default 200.
        num_layers: int. Stacked RNN layers, default 2.
        bidirectional: bool. Read the sentence in both directions (False:
            left to right only, as a streaming tagger must), default True.
        head: `"crf"` or `"softmax"`, default `"crf"`.
        dropout: float. Dropout on the word representations and between
            layers, default 0.33.
        word_dropout: float. Probability of replacing a word by the unknown
            word in training, default 0.05.
        lowercase: bool. Lowercase words for the word vocabulary, default
            True.
        seed: int. Seed of the dropout masks, default None.

    Call arguments:
        inputs: dict of int tensors from `encode`: `"words"` and `"shapes"`
            `[batch, time]`, `"characters"` `[distinct words, chars]` and
            `"word_index"` `[batch, time]` (see `pad`).

    Returns:
        dict `{label_name: potentials [batch, time, num_labels]}`.

    Example:

    >>> import zoo
    >>> tagger = zoo.load("pos_tagger_ewt_en")
    >>> tagger.tag([["The", "dog", "barked", "loudly", "."]])
    [['DET', 'NOUN', 'VERB', 'ADV', 'PUNCT']]
    >>> from zoo.data import TaggedSentence
    >>> sentences = [TaggedSentence(["a", "b"], {"tag": ["X", "Y"]})]
    >>> tiny = SequenceTagger.from_sentences(sentences, units=4, word_dim=4)
    >>> len(tiny.tag([["b", "a", "unknown"]])[0])
    3
    """

    demo_inputs = ("The old man the boats .", "I saw her duck under the table .")

    def __init__(
        self,
        word_vocabulary_size,
        character_vocabulary_size,
        label_names,
        label_sizes,
        word_dim=100,
        shape_dim=8,
        character_encoder="rnn",
        character_dim=32,
        character_units=64,
        max_word_length=20,
        cell="lstm",
        units=200,
        num_layers=2,
        bidirectional=True,
        head="crf",
        dropout=0.33,
        word_dropout=0.05,
        lowercase=True,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if cell not in SEQUENCE_LAYERS:
            raise ValueError(
                f"`cell` must be one of {sorted(SEQUENCE_LAYERS)}, got {cell!r}"
            )
        if head not in HEADS:
            raise ValueError(f"`head` must be one of {HEADS}, got {head!r}")
        if len(label_names) != len(label_sizes) or not label_names:
            raise ValueError(
                "`label_names` and `label_sizes` must be non-empty lists of the "
                f"same length, got {label_names!r} and {label_sizes!r}"
            )
        if not 0 <= dropout < 1 or not 0 <= word_dropout < 1:
            raise ValueError(
                f"`dropout` and `word_dropout` must be in [0, 1), got {dropout} "
                f"and {word_dropout}"
            )
        self.word_vocabulary_size = word_vocabulary_size
        self.character_vocabulary_size = character_vocabulary_size
        self.label_names = list(label_names)
        self.label_sizes = [int(size) for size in label_sizes]
        self.word_dim = word_dim
        self.shape_dim = shape_dim
        self.character_encoder = character_encoder
        self.character_dim = character_dim
        self.character_units = character_units
        self.max_word_length = max_word_length
        self.cell = cell
        self.units = units
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.head = head
        self.dropout = dropout
        self.word_dropout = word_dropout
        self.lowercase = lowercase
        self.seed = seed
        self.vocabularies = {}

        self.word_embedding = keras.layers.Embedding(
            word_vocabulary_size, word_dim, name="word_embedding"
        )
        self.shape_embedding = (
            keras.layers.Embedding(len(SHAPES), shape_dim, name="shape_embedding")
            if shape_dim
            else None
        )
        self.characters_encoder = (
            CharacterEncoder(
                character_vocabulary_size,
                embedding_dim=character_dim,
                units=character_units,
                encoder=character_encoder,
                name="character_encoder",
            )
            if character_encoder
            else None
        )
        seeds = keras.random.SeedGenerator(seed)
        self.word_dropout_seed = seeds
        self.dropouts = [
            keras.layers.Dropout(dropout, seed=None if seed is None else seed + i)
            for i in range(num_layers + 1)
        ]
        layer_class = SEQUENCE_LAYERS[cell]
        self.sequence_layers = [
            keras.layers.Bidirectional(
                layer_class(units, return_sequences=True), name=f"bidirectional_{i}"
            )
            if bidirectional
            else layer_class(units, return_sequences=True, name=f"forward_{i}")
            for i in range(num_layers)
        ]
        self.potentials = [
            keras.layers.Dense(size, name=f"{name}_potentials")
            for name, size in zip(self.label_names, self.label_sizes)
        ]
        self.crfs = (
            [CRF(size, name=f"{name}_crf") for name, size in zip(self.label_names, self.label_sizes)]
            if head == "crf"
            else []
        )

    # ---- construction from data ------------------------------------------

    @classmethod
    def from_sentences(
        cls, sentences, label_names=None, min_count=1, max_words=None, extra_words=(),
        **kwargs
    ):
        """A new tagger with vocabularies built from training sentences.

        Args:
            sentences: list of `zoo.data.TaggedSentence`.
            label_names: the label columns to predict, default all columns
                of the first sentence.
            min_count: int. Words seen fewer times are unknown, default 1
                (rare words still train the unknown word through
                `word_dropout`).
            max_words: int. Cap on the word vocabulary size, default None.
            extra_words: iterable of str. Words added after the training
                words (normalized like them, duplicates skipped): the words
                of pretrained vectors, so that words never seen in training
                still get their pretrained embedding
                (`initialize_word_embeddings`).
            **kwargs: the constructor's hyperparameters.
        """
        sentences = list(sentences)
        if not sentences:
            raise ValueError("Cannot build a tagger from no sentences.")
        if label_names is None:
            label_names = list(sentences[0].labels)
        lowercase = kwargs.get("lowercase", True)
        words = Vocabulary.build(
            ([normalize_word(token, lowercase) for token in sentence.tokens] for sentence in sentences),
            min_count=min_count,
            max_size=max_words,
        )
        extra = [normalize_word(word, lowercase) for word in extra_words]
        new = [word for word in dict.fromkeys(extra) if word not in words]
        if new:
            words = Vocabulary(
                [*words.tokens[2:], *new], padding_token=words.padding_token,
                unknown_token=words.unknown_token,
            )
        characters = Vocabulary.build(
            list(token) for sentence in sentences for token in sentence.tokens
        )
        labels = {}
        for name in label_names:
            missing = [s.source or str(i) for i, s in enumerate(sentences) if name not in s.labels]
            if missing:
                raise ValueError(
                    f"Label column {name!r} is missing from {len(missing)} training "
                    f"sentences (first: {missing[0]})"
                )
            labels[name] = Vocabulary.build(
                (sentence.labels[name] for sentence in sentences),
                padding_token=None,
                unknown_token=None,
            )
        model = cls(
            word_vocabulary_size=len(words),
            character_vocabulary_size=len(characters),
            label_names=label_names,
            label_sizes=[len(labels[name]) for name in label_names],
            **kwargs,
        )
        model.set_vocabularies(words, characters, labels)
        model.build_for_inference()
        return model

    def set_vocabularies(self, words, characters, labels):
        """Attach the vocabularies (`zoo.data.Vocabulary`) the ids refer to."""
        if words.padding_id != 0 or words.unknown_id != 1:
            raise ValueError("The word vocabulary needs padding id 0 and unknown id 1.")
        if characters.padding_id != 0 or characters.unknown_id is None:
            raise ValueError("The character vocabulary needs padding id 0 and an unknown id.")
        sizes = [len(words), len(characters)] + [len(labels[name]) for name in self.label_names]
        expected = [self.word_vocabulary_size, self.character_vocabulary_size] + self.label_sizes
        if sizes != expected:
            raise ValueError(
                f"Vocabulary sizes {sizes} (words, characters, "
                f"{', '.join(self.label_names)}) do not match the model's {expected}"
            )
        self.vocabularies = {"words": words, "characters": characters, **labels}

    def build_for_inference(self):
        """Create the weights by running the model once on a dummy batch."""
        self(self.encode([["a"]]))

    def save_assets(self, directory):
        self.vocabularies["words"].save(os.path.join(directory, WORDS_FILE))
        self.vocabularies["characters"].save(os.path.join(directory, CHARACTERS_FILE))
        for name in self.label_names:
            self.vocabularies[name].save(os.path.join(directory, f"labels_{name}.txt"))

    def load_assets(self, directory):
        self.set_vocabularies(
            Vocabulary.load(os.path.join(directory, WORDS_FILE)),
            Vocabulary.load(os.path.join(directory, CHARACTERS_FILE)),
            {
                name: Vocabulary.load(os.path.join(directory, f"labels_{name}.txt"))
                for name in self.label_names
            },
        )
        self.build_for_inference()

    def initialize_word_embeddings(self, vectors):
        """Copy pretrained vectors (`{word: array}`) into the word embedding.

        Words are matched by their normalized form; returns the number of
        vocabulary words that got a pretrained vector.
        """
        table = ops.convert_to_numpy(self.word_embedding.embeddings).copy()
        found = 0
        for index, word in enumerate(self.vocabularies["words"].tokens):
            vector = vectors.get(word)
            if vector is not None and index > 1:
                if len(vector) != self.word_dim:
                    raise ValueError(
                        f"Pretrained vectors have {len(vector)} dimensions, the "
                        f"tagger's word embedding {self.word_dim}"
                    )
                table[index] = vector
                found += 1
        self.word_embedding.embeddings.assign(table)
        return found

    # ---- encoding --------------------------------------------------------

    def encode_sentence(self, tokens, memo=None):
        """Ids of one sentence: `(words, shapes, characters)` lists.

        `memo`, a dict, keeps each distinct token's ids between calls (so a
        batch encodes every word once).
        """
        if not self.vocabularies:
            raise ValueError(
                "This tagger has no vocabularies: build it with "
                "`SequenceTagger.from_sentences` or load it with `zoo.load`."
            )
        memo = {} if memo is None else memo
        features = []
        for position, token in enumerate(tokens):
            known = memo.get(token) if isinstance(token, str) else None
            if known is None:
                if not isinstance(token, str) or not token:
                    raise ValueError(
                        f"Tokens must be non-empty strings; token {position} is {token!r}"
                    )
                known = memo[token] = self._token_ids(token)
            features.append(known)
        words, shapes, characters = zip(*features) if features else ((), (), ())
        return list(words), list(shapes), list(characters)

    def _token_ids(self, token):
        words = self.vocabularies["words"]
        characters = self.vocabularies["characters"]
        return (
            words.lookup(normalize_word(token, self.lowercase)),
            word_shape(token),
            characters.encode(word_characters(token, self.max_word_length)),
        )

    def pad(self, encoded_sentences):
        """Pad encoded sentences into the model's input arrays.

        Each distinct word of the batch is spelled once: `"characters"` is
        `[distinct words, chars]` (row 0, all padding, stands for the
        padding word) and `"word_index"` `[batch, time]` points every
        position at its row, so the character encoder runs once per
        distinct word instead of once per position (a batch of 256
        sentences has about three times fewer distinct words than tokens).
        """
        # Little padding and few distinct shapes (so few XLA compilations):
        # time on the ladder 4, 8, ..., 32, 40, ... (at most a quarter of
        # it padding), distinct words in steps of 64, word width 8, 16 or
        # 24 characters.
        time = ladder_length(max(len(words) for words, _, _ in encoded_sentences))
        batch = len(encoded_sentences)
        words = np.zeros((batch, time), "int32")
        shapes = np.zeros((batch, time), "int32")
        word_index = np.zeros((batch, time), "int32")
        rows = {(): 0}
        for row, (word_ids, shape_ids, char_ids) in enumerate(encoded_sentences):
            words[row, : len(word_ids)] = word_ids
            shapes[row, : len(shape_ids)] = shape_ids
            for column, ids in enumerate(char_ids):
                word_index[row, column] = rows.setdefault(tuple(ids), len(rows))
        width = padded_length(max(len(spelling) for spelling in rows))
        characters = np.zeros((padded_length(len(rows), 64), width), "int32")
        for spelling, row in rows.items():
            characters[row, : len(spelling)] = spelling
        return {
            "words": words,
            "shapes": shapes,
            "characters": characters,
            "word_index": word_index,
        }

    def encode(self, token_lists):
        """Model inputs for a batch of token lists (padded, see `pad`)."""
        memo = {}
        return self.pad([self.encode_sentence(tokens, memo) for tokens in token_lists])

    def encode_labels(self, label_lists, name, time):
        """`[batch, time]` label ids of one column, padded with 0."""
        vocabulary = self.vocabularies[name]
        ids = np.zeros((len(label_lists), time), "int32")
        for row, labels in enumerate(label_lists):
            ids[row, : len(labels)] = vocabulary.encode(labels)
        return ids

    # ---- the network -----------------------------------------------------

    def build(self, input_shape):
        self.word_embedding.build(input_shape["words"])
        width = self.word_dim
        if self.shape_embedding is not None:
            self.shape_embedding.build(input_shape["shapes"])
            width += self.shape_dim
        if self.characters_encoder is not None:
            self.characters_encoder.build((1, *input_shape["characters"]))
            width += self.characters_encoder.output_dim
        for layer in self.sequence_layers:
            layer.build((None, None, width))
            width = self.units * (2 if self.bidirectional else 1)
        for dense in self.potentials:
            dense.build((None, None, width))
        self.built = True

    def call(self, inputs, training=False):
        words = inputs["words"]
        mask = ops.not_equal(words, 0)
        if training and self.word_dropout > 0:
            drop = keras.random.uniform(ops.shape(words), seed=self.word_dropout_seed)
            drop = ops.logical_and(ops.less(drop, self.word_dropout), mask)
            words = ops.where(drop, ops.ones_like(words), words)
        features = [self.word_embedding(words)]
        if self.shape_embedding is not None:
            features.append(self.shape_embedding(inputs["shapes"]))
        if self.characters_encoder is not None:
            spellings = self.characters_encoder(inputs["characters"][None])[0]
            features.append(ops.take(spellings, inputs["word_index"], axis=0))
        hidden = ops.concatenate(features, axis=-1)
        hidden = self.dropouts[0](hidden, training=training)
        for layer, dropout in zip(self.sequence_layers, self.dropouts[1:]):
            hidden = dropout(layer(hidden, mask=mask, training=training), training=training)
        return {
            name: dense(hidden) for name, dense in zip(self.label_names, self.potentials)
        }

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean per-token loss summed over the label columns.

        CRF head: the sentence negative log-likelihood `-log p(y | x)`,
        summed over the batch and divided by its number of tokens. Softmax
        head: the token cross-entropy averaged over the real tokens.
        """
        mask = ops.not_equal(x["words"], 0)
        weights = ops.cast(mask, "float32")
        tokens = ops.maximum(ops.sum(weights), 1.0)
        total = 0.0
        for index, name in enumerate(self.label_names):
            potentials = ops.cast(y_pred[name], "float32")
            if self.head == "crf":
                nll = -self.crfs[index].log_likelihood(potentials, y[name], mask)
                total = total + ops.sum(nll) / tokens
            else:
                cross_entropy = ops.sparse_categorical_crossentropy(
                    y[name], potentials, from_logits=True
                )
                total = total + ops.sum(cross_entropy * weights) / tokens
        for loss in self.losses:
            total = total + loss
        return total

    def decode(self, potentials, mask):
        """`{label_name: ids [batch, time]}`: Viterbi (CRF) or argmax."""
        decoded = {}
        for index, name in enumerate(self.label_names):
            if self.head == "crf":
                ids, _ = self.crfs[index].decode(potentials[name], mask)
            else:
                ids = ops.argmax(potentials[name], axis=-1)
            decoded[name] = ops.where(mask, ops.cast(ids, "int32"), 0)
        return decoded

    def decoder(self):
        """A model that maps inputs to decoded label ids, sharing this
        tagger's layers (so `predict_on_batch` compiles the decoding too,
        on every backend)."""
        decoder = self.__dict__.get("_tag_decoder")
        if decoder is None:
            decoder = _TaggerDecoder(self)
            if keras.backend.backend() == "tensorflow":
                # Keras' "auto" means no XLA on a CPU; tagging runs faster
                # with it (benchmarks/tagger_speed.py).
                decoder.jit_compile = True
            # Kept outside Keras' tracking: it only wraps this model.
            self.__dict__["_tag_decoder"] = decoder
        return decoder

    # ---- tagging ---------------------------------------------------------

    def tag_all(self, token_lists, batch_size=256):
        """Labels of every column: a list (one per sentence) of dicts.

        Sentences are tagged in batches of similar length, at most
        `batch_size` sentences and `batch_size * 32` tokens each (so long
        sentences come in smaller batches and little of any batch is
        padding); a thread encodes the next batch while the model runs.
        """
        token_lists = [list(tokens) for tokens in token_lists]
        lengths = [len(tokens) for tokens in token_lists]
        results = [{name: [] for name in self.label_names} for _ in token_lists]
        nonempty = [i for i, length in enumerate(lengths) if length]
        batches = [
            [nonempty[i] for i in batch]
            for batch in bucket_batches(
                [lengths[i] for i in nonempty],
                batch_size=batch_size,
                max_tokens=batch_size * 32,
                shuffle=False,
            )
        ]
        decoder = self.decoder()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as encoder:

            def encode(number):
                if number == len(batches):
                    return None
                return encoder.submit(self.encode, [token_lists[i] for i in batches[number]])

            upcoming = encode(0)
            for number, indices in enumerate(batches):
                inputs, upcoming = upcoming.result(), encode(number + 1)
                for name, ids in decoder.predict_on_batch(inputs).items():
                    ids = ops.convert_to_numpy(ids).tolist()
                    vocabulary = self.vocabularies[name]
                    for row, index in enumerate(indices):
                        results[index][name] = vocabulary.decode(ids[row][: lengths[index]])
        return results

    def tag(self, token_lists, label=None, batch_size=256):
        """Tag sentences: a list of label lists, one label per token.

        Args:
            token_lists: list of token lists (any length, empty allowed;
                unknown words and characters are fine).
            label: which label column, default the first (`label_names[0]`).
            batch_size: int. Sentences per batch, default 256 (the fastest
                on a CPU in benchmarks/tagger_speed.py).
        """
        label = label or self.label_names[0]
        if label not in self.label_names:
            raise ValueError(f"`label` must be one of {self.label_names}, got {label!r}")
        return [labels[label] for labels in self.tag_all(token_lists, batch_size)]

    def predict_text(self, inputs):
        """For `zoo predict`: each input is a whitespace-tokenized sentence."""
        token_lists = [text.split() for text in inputs]
        lines = []
        for tokens, labels in zip(token_lists, self.tag_all(token_lists)):
            columns = [labels[name] for name in self.label_names]
            lines.append(
                " ".join("/".join([token, *tags]) for token, *tags in zip(tokens, *columns))
            )
        return lines

    def get_config(self):
        return {
            **super().get_config(),
            "word_vocabulary_size": self.word_vocabulary_size,
            "character_vocabulary_size": self.character_vocabulary_size,
            "label_names": self.label_names,
            "label_sizes": self.label_sizes,
            "word_dim": self.word_dim,
            "shape_dim": self.shape_dim,
            "character_encoder": self.character_encoder,
            "character_dim": self.character_dim,
            "character_units": self.character_units,
            "max_word_length": self.max_word_length,
            "cell": self.cell,
            "units": self.units,
            "num_layers": self.num_layers,
            "bidirectional": self.bidirectional,
            "head": self.head,
            "dropout": self.dropout,
            "word_dropout": self.word_dropout,
            "lowercase": self.lowercase,
            "seed": self.seed,
        }


class _TaggerDecoder(keras.Model):
    """Inputs -> `{label_name: ids}` through a `SequenceTagger` (not saved)."""

    def __init__(self, tagger):
        super().__init__(name=f"{tagger.name}_decoder")
        self.tagger = tagger

    def call(self, inputs):
        return self.tagger.decode(
            self.tagger(inputs, training=False), ops.not_equal(inputs["words"], 0)
        )
