"""Continued word2vec training (`extend_word2vec`, `recipes/word2vec.py --from`):
old words keep their ids and vectors, counts add up, a new word used like an
old one lands next to it while the old neighbours stay, and a bad --from
exits with status 2 and writes nothing.

The synthetic corpora: each noun ("cat", "dog", ...) occurs only in
sentences made of itself and its own three context words ("cat_0",
"cat_1", "cat_2"), shuffled. Skip-gram and CBOW make words with the same
contexts similar, so after training a noun's nearest words are its own
context words. The new corpus adds "kitten" in exactly cat's sentences:
kitten's contexts are cat's, so continued training must put kitten next to
cat, and no nearer to any other noun than the old nouns are to each other.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from keras import ops

import zoo
from zoo.data.text_corpus import TextCorpus
from zoo.models.skip_gram import SkipGram
from zoo.models.word2vec_fine_tuning import WORD2VEC_MODELS
from zoo.models.word2vec_fine_tuning import extend_word2vec
from zoo.models.word_vectors import WordVectors
from zoo.training.recipe_registry import load_recipe
from zoo.training.word2vec_training import train_word2vec

NOUNS = ["cat", "dog", "cow", "owl", "bee", "ant"]
CONTEXTS = {noun: [f"{noun}_{j}" for j in range(3)] for noun in NOUNS}
TRAINING = dict(window=3, sample=0, batch_size=64, verbose=0)


def noun_sentences(count, seed, nouns=NOUNS, spelled=None):
    """`count` sentences: a noun and its three context words, shuffled.
    `spelled` writes the noun as another word (the same contexts)."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(count):
        noun = str(rng.choice(nouns))
        words = [spelled or noun, *CONTEXTS[noun]]
        rng.shuffle(words)
        sentences.append(words)
    return sentences


def write_lines(path, sentences):
    path.write_text("".join(" ".join(words) + "\n" for words in sentences))
    return str(path)


@pytest.fixture(scope="module")
def old_vectors():
    corpus = TextCorpus.from_sentences(noun_sentences(600, seed=0), min_count=1)
    model = SkipGram(corpus.vocabulary_size, dimension=16, seed=1)
    train_word2vec(model, corpus, epochs=5, seed=1, **TRAINING)
    return model.word_vectors(corpus.words, corpus.counts)


def test_old_words_keep_ids_and_vectors_and_counts_add_up(old_vectors):
    new_text = noun_sentences(20, seed=2, nouns=["cat", "dog"])
    new_text += [["kitten", "purrs"]] * 3 + [["rare", "word"]]
    corpus = TextCorpus.from_sentences(new_text, min_count=1)
    model, grown = extend_word2vec(old_vectors, corpus, model="cbow", min_count=3, seed=5)

    old_size = len(old_vectors)
    assert grown.words[:old_size] == old_vectors.words
    assert grown.words[old_size:] == ["kitten", "purrs"]  # "rare", "word" seen once
    assert isinstance(model, WORD2VEC_MODELS["cbow"]) and model.vocabulary_size == old_size + 2
    new_counts = {word: sum(s.count(word) for s in new_text) for word in grown.words}
    expected = [*old_vectors.counts, 0, 0]
    assert grown.counts.tolist() == [c + new_counts[w] for w, c in zip(grown.words, expected)]
    # The text, re-encoded: rare words dropped, every other word in order.
    kept = [w for s in new_text for w in s if w in grown.words]
    assert [grown.words[i] for i in grown.ids] == kept
    assert grown.number_of_sentences == len(new_text)

    inputs = ops.convert_to_numpy(model.input_embeddings)
    np.testing.assert_array_equal(inputs[:old_size], old_vectors.vectors)
    bound = 0.5 / old_vectors.dimension
    assert np.all(np.abs(inputs[old_size:]) <= bound) and np.any(inputs[old_size:] != 0)
    np.testing.assert_array_equal(ops.convert_to_numpy(model.output_embeddings), 0.0)

    given = np.ones((old_size, old_vectors.dimension), "float32")
    model, _ = extend_word2vec(old_vectors, corpus, min_count=3, output_vectors=given)
    outputs = ops.convert_to_numpy(model.output_embeddings)
    np.testing.assert_array_equal(outputs[:old_size], given)
    np.testing.assert_array_equal(outputs[old_size:], 0.0)


def test_bad_arguments_say_what_is_wrong(old_vectors):
    corpus = TextCorpus.from_sentences([["kitten"]], min_count=1)
    with pytest.raises(TypeError, match="WordVectors"):
        extend_word2vec(SkipGram(3, 4), corpus)
    with pytest.raises(ValueError, match="`model` must be one of"):
        extend_word2vec(old_vectors, corpus, model="glove")
    with pytest.raises(ValueError, match="nothing to train on"):
        extend_word2vec(old_vectors, corpus, min_count=2)
    with pytest.raises(ValueError, match="must have shape"):
        extend_word2vec(old_vectors, corpus, min_count=1, output_vectors=np.zeros((2, 16)))


@pytest.mark.parametrize("model_name", ["skipgram", "cbow"])
def test_a_new_word_in_an_old_words_contexts_lands_next_to_it(old_vectors, model_name):
    new_text = noun_sentences(300, seed=2) + noun_sentences(100, seed=3, nouns=["cat"],
                                                             spelled="kitten")
    corpus = TextCorpus.from_sentences(new_text, min_count=1)
    model, grown = extend_word2vec(old_vectors, corpus, model=model_name, seed=2)
    assert grown.words[len(old_vectors):] == ["kitten"]
    train_word2vec(model, grown, epochs=5, seed=2, **TRAINING)
    new_vectors = model.word_vectors(grown.words, grown.counts)

    # kitten shares all of cat's contexts and none of another noun's. CBOW
    # gives every word of a sentence the same update, so kitten, cat and
    # cat's context words end up within ~0.01 of each other and their order
    # is a coin flip (the top one was cat_0 for some seeds): for CBOW kitten
    # lands among cat's words; skip-gram puts cat itself first.
    nearest = [word for word, _ in new_vectors.most_similar("kitten", topn=4)]
    if model_name == "skipgram":
        assert nearest[0] == "cat"
    else:
        assert set(nearest) == {"cat", *CONTEXTS["cat"]}
    assert new_vectors.similarity("kitten", "cat") > 0.9
    others = max(new_vectors.similarity("kitten", noun) for noun in NOUNS[1:])
    assert others < new_vectors.similarity("kitten", "cat") - 0.4
    # The old words stay where they were, with the same neighbours.
    old_size = len(old_vectors)
    kept = np.einsum(
        "ij,ij->i", old_vectors.normalized_vectors, new_vectors.normalized_vectors[:old_size]
    )
    assert kept.min() > 0.95
    for word in old_vectors.words:
        before = {w for w, _ in old_vectors.most_similar(word, topn=3)}
        after = {w for w, _ in new_vectors.most_similar(word, topn=3, restrict_vocab=old_size)}
        assert len(before & after) >= 2, word
    for noun in NOUNS:
        nearest = new_vectors.most_similar(noun, topn=1, restrict_vocab=old_size)[0][0]
        assert nearest in CONTEXTS[noun], noun


@pytest.fixture
def evaluation_options(tmp_path):
    pairs = write_lines(tmp_path / "pairs.txt", [["cat", "cat_0", "9"], ["cat", "dog_0", "1"],
                                                 ["dog", "dog_1", "8"]])
    analogies = tmp_path / "analogies.txt"
    analogies.write_text(": nouns\ncat cat_0 dog dog_0\n")
    return ["--similarity", pairs, "--analogies", str(analogies)]


def test_recipe_continues_training_from_its_own_checkpoint(tmp_path, capsys, evaluation_options):
    recipe = load_recipe("word2vec")
    options = [*evaluation_options, "--window", "3", "--sample", "0", "--batch-size", "64",
               "--min-count", "3", "--epochs", "3"]
    base = str(tmp_path / "base_vectors")
    old_corpus = write_lines(tmp_path / "old.txt", noun_sentences(300, seed=0))
    assert recipe.main(["--corpus", old_corpus, "--dimension", "12", "--out", base, *options]) == 0
    old = zoo.load(base)
    capsys.readouterr()

    new_text = noun_sentences(150, seed=2) + noun_sentences(60, seed=3, nouns=["cat"],
                                                            spelled="kitten")
    new_corpus = write_lines(tmp_path / "new.txt", new_text + [["hapax"]])
    tuned = str(tmp_path / "tuned_vectors")
    assert recipe.main(["--from", base, "--corpus", new_corpus, "--out", tuned, *options]) == 0
    printed = capsys.readouterr().out
    assert f"continuing {base}: {len(old)} words kept, new words added: 1" in printed
    vectors = zoo.load(tuned)
    assert vectors.dimension == 12 and vectors.words == [*old.words, "kitten"]
    assert vectors.most_similar("kitten", topn=1)[0][0] in ["cat", *CONTEXTS["cat"]]
    card = json.loads((Path(tuned) / "card.json").read_text())
    assert card["config"]["from_checkpoint"] == base
    assert card["config"]["learning_rate"] == 0.01
    assert f"continued from {base}" in card["description"]
    assert "every output vector started at zero" in card["notes"]
    assert card["metrics"]["training"]["words_added"] == 1


def test_learning_rate_and_dimension_defaults_depend_on_from():
    recipe = load_recipe("word2vec")
    assert recipe.Word2VecConfig().learning_rate == 0.025
    assert recipe.Word2VecConfig().dimension == 100
    assert recipe.Word2VecConfig(from_checkpoint="x").learning_rate == 0.01
    assert recipe.Word2VecConfig(from_checkpoint="x").dimension == 0  # the checkpoint's
    assert recipe.Word2VecConfig(from_checkpoint="x", learning_rate=0.1).learning_rate == 0.1


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """A tiny word-vectors checkpoint and a tiny checkpoint of something else."""
    folder = tmp_path_factory.mktemp("checkpoints")
    words = ["lion", "tiger", "lion_0", "tiger_0"]  # not in the corpus
    vectors = WordVectors.from_arrays(words, np.eye(4, 8, dtype="float32"), counts=[4, 3, 2, 1])
    model = SkipGram(4, dimension=8)
    model.build()
    return {
        "vectors": str(zoo.save(vectors, folder / "vectors")),
        "skip_gram": str(zoo.save(model, folder / "skip_gram")),
    }


@pytest.mark.parametrize(
    "options, message",
    [
        (["--from", "{skip_gram}"], "is a SkipGram checkpoint, not a WordVectors"),
        (["--from", "{missing}"], "--from: "),
        (["--from", "{vectors}", "--dimension", "16"], "--dimension is 16 but --from"),
        (["--from", "{vectors}", "--min-count", "50"], "nothing to train on"),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--steps-per-execution", "-1"], "--steps-per-execution must be at least 1, got -1"),
    ],
)
def test_bad_from_exits_2_and_writes_nothing(tmp_path, capsys, checkpoints, options, message):
    recipe = load_recipe("word2vec")
    paths = {**checkpoints, "missing": str(tmp_path / "no_such_checkpoint")}
    corpus = write_lines(tmp_path / "new.txt", noun_sentences(20, seed=0, nouns=["cat", "dog"]))
    out = tmp_path / "never_written"
    argv = ["--corpus", corpus, "--out", str(out), *(o.format(**paths) for o in options)]
    assert recipe.main(argv) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1
    assert not out.exists()


def test_a_similarity_file_with_no_known_pair_does_not_lose_the_vectors(tmp_path, capsys):
    recipe = load_recipe("word2vec")
    unknown = write_lines(tmp_path / "unknown.txt", [["zebra", "okapi", "7"]])
    analogies = tmp_path / "analogies.txt"
    analogies.write_text(": nouns\ncat cat_0 dog dog_0\n")
    corpus = write_lines(tmp_path / "corpus.txt", noun_sentences(100, seed=0))
    out = tmp_path / "vectors"
    options = ["--similarity", unknown, "--analogies", str(analogies), "--sample", "0",
               "--min-count", "3", "--epochs", "1", "--dimension", "8"]
    assert recipe.main(["--corpus", corpus, "--out", str(out), *options]) == 0
    assert "unknown: not scored: None of the 1 word pairs" in capsys.readouterr().out
    card = json.loads((out / "card.json").read_text())
    assert card["metrics"]["evaluation"]["unknown_oov_rate"] == 1.0
    assert len(zoo.load(str(out))) > 0
