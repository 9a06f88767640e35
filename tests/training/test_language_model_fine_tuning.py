"""Fine-tuning a LanguageModel: the grown copy keeps the old logits exactly
and the old probabilities up to one known factor (checked in numpy), new
characters are learned while the old text stays well predicted, frozen
parts do not move, and the recipe's --from refuses what it cannot use."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import zoo
from zoo.data.bptt_batches import BPTTBatches
from zoo.models.language_model import LanguageModel
from zoo.models.language_model_fine_tuning import extend_language_model
from zoo.models.language_model_fine_tuning import freeze_language_model
from zoo.training.recipe_registry import load_recipe

TINY = dict(embedding_dim=8, units=24, num_layers=1, seed=0)
OLD_WORDS = ["ab", "abc", "cd", "bad", "dab", "cab"]
# Words with the new characters x, y, z, and old ones.
NEW_WORDS = ["xy", "yz", "zax", "bxy", "yd"]


def text_of(words, lines, seed):
    rng = np.random.default_rng(seed)
    return "".join(" ".join(rng.choice(words, size=4)) + "\n" for _ in range(lines))


def fit(model, text, epochs, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    model.fit(BPTTBatches(model.encode(text), batch_size=8, bptt=20), epochs=epochs, verbose=0)


@pytest.fixture(scope="module")
def old_model():
    keras.utils.set_random_seed(0)
    model = LanguageModel.from_text(text_of(OLD_WORDS, 120, seed=1), level="char", **TINY)
    fit(model, text_of(OLD_WORDS, 120, seed=1), epochs=12, learning_rate=0.02)
    return model


def logits(model, ids):
    return ops.convert_to_numpy(model(np.asarray(ids, "int32")[None]))[0].astype("float64")


def log_softmax(values):
    shifted = values - values.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("tied", [False, True])
def test_the_grown_copy_keeps_the_old_logits_and_divides_old_probabilities_by_one_factor(
    old_model, tied
):
    if tied:  # an untrained tied model, with a projection (units != embedding_dim)
        model = LanguageModel.from_text(
            text_of(OLD_WORDS, 20, seed=1), level="char", tie_embeddings=True, **TINY
        )
        assert model.projection is not None
    else:
        model = old_model
    new_text = text_of(NEW_WORDS, 10, seed=2)
    new, added = extend_language_model(model, new_text)
    size = model.vocabulary_size
    assert added == ["y", "x", "z"]  # by count in the new text
    assert new.vocabulary.tokens[:size] == model.vocabulary.tokens
    assert new.vocabulary_size == size + 3 and new.level == "char"

    old_text = text_of(OLD_WORDS, 3, seed=3)
    before, after = logits(model, model.encode(old_text)), logits(new, new.encode(old_text))
    np.testing.assert_allclose(after[:, :size], before, rtol=1e-5, atol=1e-5)
    # Each new character: [UNK]'s logit - log(3), so the three weigh what [UNK] does.
    unknown = model.vocabulary.unknown_id
    for column in range(size, size + 3):
        np.testing.assert_allclose(after[:, column], before[:, unknown] - math.log(3), atol=1e-4)
    # The documented property, in numpy: P_new(x) = P_old(x) / (1 + P_old([UNK])).
    old_log_p = log_softmax(before)
    expected = old_log_p - np.log1p(np.exp(old_log_p[:, unknown]))[:, None]
    np.testing.assert_allclose(log_softmax(after)[:, :size], expected, atol=1e-4)

    # A text with new characters: the copy reads them as the old model read [UNK].
    mixed = "ab xy cd\n"
    np.testing.assert_allclose(
        logits(new, new.encode(mixed))[:, :size], logits(model, model.encode(mixed)),
        rtol=1e-5, atol=1e-5,
    )
    assert model.encode(mixed)[3] == unknown and new.encode(mixed)[3] >= size


def test_min_count_applies_to_new_tokens_only(old_model):
    # "q" once, "x" three times, "a" (old) once.
    _, added = extend_language_model(old_model, "xxxq a\n", min_count=2)
    assert added == ["x"]
    new, added = extend_language_model(old_model, "dab\n")
    assert added == [] and new.vocabulary == old_model.vocabulary


def test_fine_tuning_learns_new_characters_and_keeps_the_old_text(old_model):
    keras.utils.set_random_seed(0)
    old_test, new_test = text_of(OLD_WORDS, 30, seed=4), text_of(NEW_WORDS, 30, seed=5)
    old_before = old_model.perplexity(old_test)
    # Fine-tuning text: new lines, and a quarter as many old ones.
    data = text_of(NEW_WORDS, 96, seed=6) + text_of(OLD_WORDS, 24, seed=7)
    new, _ = extend_language_model(old_model, data)
    new_before = new.perplexity(new_test)
    assert new.perplexity(old_test) == pytest.approx(old_before, rel=1e-3)
    fit(new, data, epochs=8, learning_rate=0.01)
    new_after, old_after = new.perplexity(new_test), new.perplexity(old_test)
    # Measured (TensorFlow): new 1100 -> 2.07, old 1.84 -> 2.03.
    assert new_after < 0.01 * new_before and new_after < 3
    assert old_after < 1.2 * old_before


def test_frozen_parts_do_not_move_and_the_output_does(old_model):
    text = text_of(NEW_WORDS, 20, seed=8)
    new, _ = extend_language_model(old_model, text)
    assert freeze_language_model(new, ["embeddings", "encoder"]) == ["embeddings", "rnn_0"]
    assert {v.name for v in new.trainable_variables} == {"output_kernel", "output_bias"}
    watched = [new.embeddings, *new.sequence_layers[0].weights, new.output_kernel]
    before = [ops.convert_to_numpy(weight) for weight in watched]
    fit(new, text, epochs=1, learning_rate=0.01)
    for weight, value in zip(watched[:-1], before[:-1]):
        np.testing.assert_array_equal(ops.convert_to_numpy(weight), value)
    assert not np.allclose(ops.convert_to_numpy(watched[-1]), before[-1])


def test_bad_arguments_say_what_is_wrong(old_model):
    with pytest.raises(ValueError, match=r"Cannot freeze \['decoder'\]: the parts are "
                                         r"\['embeddings', 'encoder'\]"):
        freeze_language_model(old_model, ["decoder"])
    with pytest.raises(TypeError, match="got a Sequential"):
        extend_language_model(keras.Sequential(), "abc")
    with pytest.raises(ValueError, match="empty text"):
        extend_language_model(old_model, "\n")
    with pytest.raises(ValueError, match="no vocabulary"):
        extend_language_model(LanguageModel(5, level="char", **TINY), "abc")


def test_learning_rate_defaults_lower_when_fine_tuning():
    recipe = load_recipe("lm")
    assert recipe.LMConfig().learning_rate == 2e-3
    assert recipe.LMConfig(from_checkpoint="x").learning_rate == 5e-4
    assert recipe.LMConfig(from_checkpoint="x", learning_rate=0.1).learning_rate == 0.1


@pytest.fixture(scope="module")
def base_checkpoint(old_model, tmp_path_factory):
    return str(zoo.save(old_model, tmp_path_factory.mktemp("lm") / "base_char_lm"))


def recipe_argv(tmp_path, out):
    (tmp_path / "new.txt").write_text(text_of(NEW_WORDS, 60, seed=9))
    (tmp_path / "new_dev.txt").write_text(text_of(NEW_WORDS, 10, seed=10))
    return ["--text", str(tmp_path / "new.txt"), "--dev-text", str(tmp_path / "new_dev.txt"),
            "--batch-size", "8", "--bptt", "20", "--epochs", "2", "--out", str(out)]


@pytest.mark.parametrize(
    "options, message",
    [
        (["--from", "pos_tagger_ewt_en"], "is a SequenceTagger checkpoint, not a LanguageModel"),
        (["--from", "./no/such/checkpoint"], "--from: No checkpoint folder at"),
        (["--from", "BASE", "--level", "word"], "--level word conflicts with --from"),
        (["--from", "BASE", "--freeze", "decoder"], "--freeze: Cannot freeze ['decoder']"),
        (["--freeze", "embeddings"], "--freeze needs --from"),
    ],
)
def test_bad_fine_tuning_options_exit_2_and_write_nothing(
    tmp_path, capsys, base_checkpoint, options, message
):
    out = tmp_path / "never_written"
    options = [base_checkpoint if option == "BASE" else option for option in options]
    assert load_recipe("lm").main(recipe_argv(tmp_path, out) + options) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["new.txt", "new_dev.txt"]


def test_recipe_fine_tunes_from_a_checkpoint(tmp_path, capsys, old_model, base_checkpoint):
    out = tmp_path / "tuned"
    argv = recipe_argv(tmp_path, out) + ["--from", base_checkpoint, "--freeze", "embeddings",
                                         "--units", "99", "--output-dropout", "0.25"]
    assert load_recipe("lm").main(argv) == 0
    printed = capsys.readouterr().out
    assert f"fine-tuning {base_checkpoint}" in printed
    assert "vocabulary grown by 3" in printed and "frozen: embeddings" in printed
    model = zoo.load(str(out))
    assert model.level == "char" and model.units == 24  # the checkpoint's, not --units
    assert sorted(model.vocabulary.tokens[-3:]) == ["x", "y", "z"]
    assert model.vocabulary_size == old_model.vocabulary_size + 3
    card = model.card
    assert card.config["from_checkpoint"] == base_checkpoint
    assert card.config["learning_rate"] == 5e-4 and card.config["level"] == "char"
    assert card.config["units"] == 24  # what the model is, not --units or the level default
    assert "units=24" in printed and "(ignored: --units 99)" in printed
    # A dropout rate given applies (it holds no weight); the others are the checkpoint's.
    assert model.output_dropout == card.config["output_dropout"] == 0.25
    assert f"output_dropout=0.25 (the checkpoint's: {old_model.output_dropout})" in printed
    assert model.input_dropout == card.config["input_dropout"] == old_model.input_dropout
    assert f"fine-tuned from {base_checkpoint}" in card.description
    assert f"Fine-tuned from the checkpoint {base_checkpoint}" in card.notes
