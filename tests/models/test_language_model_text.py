"""`LanguageModel` on text: exact metrics, generation, prompts, checkpoints."""

import math

import keras
import numpy as np
import pytest

import language_model_reference as reference
import zoo
from zoo.models.language_model import LanguageModel

# 6 words + 3 reserved ids; 3 embedding dimensions and 4 units, the shapes of
# test_language_model.py (JAX compiles the initializers once per shape).
WORDS = "the cat sat on the mat\nthe dog sat on the cat\n"


# ---- exact metrics ---------------------------------------------------------------


@pytest.fixture(scope="module")
def word_model():
    model = LanguageModel.from_text(WORDS, embedding_dim=3, units=4, seed=5)
    assert model.vocabulary_size == 9
    reference.set_random_weights(model, seed=6, scale=0.6)
    return model


def test_perplexity_is_exact_over_chunks(word_model):
    weights = reference.model_weights(word_model)
    ids = word_model.encode(WORDS)
    expected = reference.stream_log_probabilities(weights, ids, "lstm", units=4)
    got = word_model.token_log_probabilities(ids, chunk_length=4)  # 7 chunks
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    assert word_model.perplexity(WORDS, chunk_length=4) == pytest.approx(
        math.exp(-expected.mean()), rel=1e-5)
    # Two pieces side by side, each after a line break from zero states.
    pieces = [(0, 7), (7, 14)]
    assert word_model.vocabulary.decode(ids[6:7]) == ["<eos>"]
    by_rows = word_model.token_log_probabilities(ids, chunk_length=4, rows=2)
    expected_rows = np.concatenate([
        reference.stream_log_probabilities(weights, ids[start:stop], "lstm", units=4)
        for start, stop in pieces])
    np.testing.assert_allclose(by_rows, expected_rows, rtol=1e-4, atol=1e-5)
    # In a scored text (not a prompt) an unknown word is counted and scored as [UNK].
    metrics = word_model.text_metrics("the cow sat\n", chunk_length=4)
    assert metrics["tokens"] == 4 and metrics["unknown"] == 1
    assert "bits_per_character" not in metrics


def test_a_uniform_model_has_the_vocabulary_size_as_perplexity():
    model = LanguageModel.from_text("ab cd e\n", level="char", embedding_dim=3, units=4, seed=1)
    reference.set_random_weights(model)
    model.output_kernel.assign(np.zeros((4, model.vocabulary_size), "float32"))
    model.output_bias.assign(np.full(model.vocabulary_size, 2.5, "float32"))
    assert model.perplexity("ab cd e\nee a") == pytest.approx(model.vocabulary_size, rel=1e-5)
    expected = math.log2(model.vocabulary_size)
    assert model.bits_per_character("ab") == pytest.approx(expected, rel=1e-5)


# ---- generation --------------------------------------------------------------------


def numpy_greedy(model, prompt, length):
    weights = reference.model_weights(model)
    stream = [model.line_break_id, *model.encode(prompt)]
    generated = []
    for _ in range(length):
        logits, _ = reference.forward(weights, np.array([stream + generated]), "lstm", model.units)
        last = logits[0, -1].copy()
        last[[0, 1]] = -np.inf  # never padding or unknown
        generated.append(int(np.argmax(last)))
    return generated


# Lengths 17 to 32 share one compiled loop with `predict_text`'s 30.


def test_greedy_generation_matches_numpy(word_model):
    expected = word_model.decode(numpy_greedy(word_model, "the cat", 20))
    greedy = word_model.generate("the cat", 20, temperature=0)
    assert greedy == " " * (not expected.startswith("\n")) + expected
    # top_k=1 is greedy whatever the temperature and seed; so is T -> 0.
    for seed in range(3):
        assert word_model.generate("the cat", 20, temperature=5.0, top_k=1, seed=seed) == greedy
        assert word_model.generate("the cat", 20, temperature=1e-4, seed=seed) == greedy


def test_sampling_is_reproducible_and_random(word_model):
    texts = {word_model.generate("the", 20, temperature=1.5, seed=seed) for seed in range(4)}
    assert len(texts) > 1
    again = word_model.generate("the", 20, temperature=1.5, seed=2)
    assert again == word_model.generate("the", 20, temperature=1.5, seed=2)
    # top_k=2: every token is one of the two most likely at its step.
    weights = reference.model_weights(word_model)
    stream = [word_model.line_break_id, *word_model.encode("the")]
    generated = word_model.encode(word_model.generate("the", 20, top_k=2, seed=1).lstrip(" "))
    logits, _ = reference.forward(weights, np.array([stream + generated.tolist()]), "lstm", 4)
    for step, token in enumerate(generated):
        allowed = logits[0, len(stream) - 1 + step].copy()
        allowed[[0, 1]] = -np.inf
        assert token in np.argsort(allowed)[-2:]
    vocabulary = set(word_model.vocabulary.tokens) - {"[PAD]", "[UNK]"}
    assert set(again.split()) <= vocabulary
    assert word_model.generate("the", 0) == ""


def test_unknown_prompt_tokens_are_named_with_their_position(word_model):
    with pytest.raises(ValueError, match=r"word 'zebra' \(at word 1\) is not in the model's "
                                         r"vocabulary of 9 words; write '\[UNK\]'"):
        word_model.generate("the zebra sat", 20)
    with pytest.raises(ValueError, match=r"word 'zebra' \(at word 2\)"):  # not counting "\n"
        word_model.generate("the cat\nzebra", 20)
    # "[UNK]" written in the prompt is the unknown token, as rare words were in training.
    assert word_model.prompt_ids("the [UNK]").tolist() == [word_model.vocabulary.lookup("the"), 1]


def test_bad_prompts_and_arguments(word_model):
    for prompt in ("", "   "):
        with pytest.raises(ValueError, match="is empty"):
            word_model.generate(prompt, 5)
    with pytest.raises(ValueError, match="must be a str"):
        word_model.generate(["the"], 5)
    characters = LanguageModel.from_text("abc de\n", level="char", units=4, embedding_dim=3)
    with pytest.raises(ValueError, match=r"character 'é' \(U\+00E9, at character 2\) is not in the "
                                         r"model's vocabulary of 9 characters"):
        characters.generate("abé", 5)
    with pytest.raises(ValueError, match="`length` must be an integer >= 0"):
        word_model.generate("the", -1)
    with pytest.raises(ValueError, match="`temperature` must be a finite number >= 0"):
        word_model.generate("the", 3, temperature=-0.5)
    with pytest.raises(ValueError, match=r"`top_k` must be None or an integer in \[1, "):
        word_model.generate("the", 3, top_k=0)
    with pytest.raises(ValueError, match="has no vocabulary"):
        LanguageModel(9, embedding_dim=3, units=4).generate("the", 3)
    with pytest.raises(ValueError, match="bits_per_character is for level='char'"):
        word_model.bits_per_character("the cat")


def test_predict_text_continues_each_prompt(word_model):
    lines = word_model.predict_text(["the dog", "[UNK]"])
    assert len(lines) == 2 and lines[0].startswith("the dog ") and "\n" not in lines[0]
    words, line_breaks = len(lines[1].replace("\\n", " ").split()), lines[1].count("\\n")
    assert words + line_breaks == 1 + 30


# ---- checkpoints -----------------------------------------------------------------


def test_save_and_load_keep_outputs_and_vocabulary(tmp_path, word_model):
    tokens = word_model.encode("the cat sat\n")[None, :]
    path = zoo.hub.save(word_model, tmp_path / "lm", card={"task": "language modelling"})
    restored = zoo.load(str(path))
    assert isinstance(restored, LanguageModel)
    assert restored.vocabulary == word_model.vocabulary
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(restored(tokens)),
                                  keras.ops.convert_to_numpy(word_model(tokens)))
    assert restored.card.parameter_count == word_model.count_params()
