"""The shipped `char_lm_ewt_en` checkpoint: a character-level LSTM language
model of UD English EWT. Checked on English written here (not read from the
data), against bounds that need no model: a uniform model's log2(V) bits per
character, and the same characters in a shuffled order."""

import math

import numpy as np
import pytest

import zoo
from zoo.models.language_model import LanguageModel

pytestmark = pytest.mark.backend

# Held-out English in the style of EWT's web text (one sentence per line,
# tokens separated by spaces), written for this test.
ENGLISH = (
    "I would like to thank the staff for their help with my order .\n"
    "The new restaurant on Main Street is open every day until ten .\n"
    "Please let me know if you have any questions about the meeting .\n"
)
SNOWMAN = "\u2603"


@pytest.fixture(scope="module")
def model():
    return zoo.load("char_lm_ewt_en")


def test_the_checkpoint_is_a_character_model_with_its_card(model):
    assert isinstance(model, LanguageModel) and model.level == "char"
    dev = model.card.metrics["dev"]
    assert model.card.headline_metric == "dev/bits_per_character"
    assert dev["bits_per_character"] < dev["unigram_bits_per_character"]
    assert model.card.recipe_command.startswith("python recipes/lm.py")
    assert model.card.parameter_count == model.count_params()


def test_english_costs_far_fewer_bits_than_a_uniform_model_or_shuffled_text(model):
    uniform = math.log2(model.vocabulary_size)  # bits per character of guessing
    bits = model.bits_per_character(ENGLISH)
    assert bits < 0.5 * uniform
    # The same characters in a random order: only their frequencies are left,
    # so a model of English spelling and words must find them much costlier.
    characters = list(ENGLISH)
    np.random.default_rng(0).shuffle(characters)
    assert model.bits_per_character("".join(characters)) > bits + 1.5
    # Bits per character and perplexity are one measure: 2**bits = perplexity.
    assert 2**bits == pytest.approx(model.perplexity(ENGLISH), rel=1e-6)


def test_generation_is_seeded_and_only_emits_vocabulary_characters(model):
    prompt = "Thank you for"
    first = model.generate(prompt, 40, temperature=0.8, top_k=20, seed=3)
    assert model.generate(prompt, 40, temperature=0.8, top_k=20, seed=3) == first
    assert len(model.encode(first)) == 40
    characters = set(model.vocabulary.tokens) - {"[PAD]", "[UNK]", "<eos>"}
    assert set(first) <= characters | {"\n"}
    greedy = model.generate(prompt, 40, temperature=0)
    assert greedy == model.generate(prompt, 40, temperature=0, seed=99)
    # What a model of English continues with most surely: mostly letters and spaces.
    assert sum(c.isalpha() or c == " " for c in greedy) >= 30


def test_bad_prompts_say_what_and_where(model):
    assert SNOWMAN not in model.vocabulary
    with pytest.raises(ValueError, match=r"character '\u2603' \(U\+2603, at character 6\)"):
        model.generate("Hello " + SNOWMAN, 10)
    with pytest.raises(ValueError, match="is empty"):
        model.generate("", 10)
