"""Fine-tuning a Seq2Seq: grown vocabularies keep the old model exact, a new
letter and a new phone are learned while the old task is kept, frozen parts
do not move, and the g2p recipe's --from / --freeze refuse bad values with
status 2, writing nothing."""

import doctest
import json

import keras
import numpy as np
import pytest
from keras import ops

import zoo
from zoo.models import seq2seq_fine_tuning
from zoo.models import regularization_changes
from zoo.models.seq2seq import Seq2Seq
from zoo.models.seq2seq_fine_tuning import extend_seq2seq
from zoo.models.seq2seq_fine_tuning import freeze_seq2seq
from zoo.training.recipe_registry import load_recipe

# The old task reads letters a-f, one phone each; the new data adds the
# letter g and its phone G, which the old model has never seen.
PHONES = dict(zip("abcdefg", ["AE1", "B", "K", "D", "EH0", "F", "G"]))
OLD_LETTERS, NEW_LETTERS = "abcdef", "abcdefg"
TINY = dict(units=16, embedding_dim=8, num_layers=1, dropout=0.0, seed=0)


def random_words(count, seed, letters):
    rng = np.random.default_rng(seed)
    return ["".join(rng.choice(list(letters), rng.integers(2, 6))) for _ in range(count)]


def pronunciation(word):
    return [PHONES[letter] for letter in word]


def fit(model, words, epochs, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate))
    x, y = model.encode(words, [pronunciation(word) for word in words])
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0)


def accuracy(model, words):
    """The fraction of words transduced exactly right (greedy)."""
    outputs = model.transduce(words, unknown="replace")
    return float(np.mean([out == pronunciation(word) for out, word in zip(outputs, words)]))


@pytest.fixture(scope="module")
def old_model():
    keras.utils.set_random_seed(0)
    train = random_words(256, seed=1, letters=OLD_LETTERS)
    model = Seq2Seq.from_sequences(train, [pronunciation(word) for word in train], **TINY)
    fit(model, train, epochs=30, learning_rate=0.02)
    assert accuracy(model, random_words(64, seed=2, letters=OLD_LETTERS)) >= 0.95
    return model


def logits(model, sources, targets, unknown="replace"):
    x, _ = model.encode(sources, targets, unknown=unknown)
    return ops.convert_to_numpy(model(x))


def test_grown_copy_gives_the_old_logits_and_outputs_on_old_data(old_model):
    new_words = random_words(32, seed=3, letters="g" + NEW_LETTERS)
    new, added = extend_seq2seq(old_model, new_words, [pronunciation(w) for w in new_words])
    assert added == {"source": 1, "target": 1}
    old_source, old_target = (old_model.vocabularies[name] for name in ("source", "target"))
    assert new.vocabularies["source"].tokens == [*old_source.tokens, "g"]
    assert new.vocabularies["target"].tokens == [*old_target.tokens, "G"]
    assert (new.units, new.num_layers, new.cell) == (old_model.units, 1, old_model.cell)

    # Old words and phones: the same logits for every old phone, and the
    # new phone's logit is the constant bias below all the old ones.
    words = random_words(24, seed=4, letters=OLD_LETTERS)
    targets = [pronunciation(word) for word in words]
    before = logits(old_model, words, targets)
    after = logits(new, words, targets)
    size = len(old_target)
    np.testing.assert_allclose(after[..., :size], before, rtol=1e-5, atol=1e-5)
    bias = ops.convert_to_numpy(new.output_projection.bias)
    np.testing.assert_allclose(after[..., size], bias[size], rtol=1e-6)
    assert bias[size] < bias[:size].min()
    assert new.transduce(words) == old_model.transduce(words)

    # The new letter starts as the unknown letter: the old model reading
    # it as unknown computes the same logits as the copy reading it as g.
    with_g = ["gab", "cgg", "fade"]
    np.testing.assert_allclose(
        logits(new, with_g, [pronunciation(w.replace("g", "a")) for w in with_g])[..., :size],
        logits(old_model, with_g, [pronunciation(w.replace("g", "a")) for w in with_g]),
        rtol=1e-5, atol=1e-5,
    )
    # The new phone's input row is the mean of the old phones' (and </s>'s).
    rows = ops.convert_to_numpy(new.target_embedding.embeddings)
    np.testing.assert_allclose(rows[size], rows[2:size].mean(axis=0), rtol=1e-6)


def test_grown_copy_takes_new_dropout_and_computes_the_same_at_inference(old_model):
    new_words = random_words(32, seed=3, letters="g" + NEW_LETTERS)
    new, _ = extend_seq2seq(old_model, new_words, [pronunciation(w) for w in new_words],
                            regularization={"dropout": 0.5})
    assert old_model.dropout == 0.0 and new.dropout == 0.5
    assert [layer.rate for layer in new.dropouts] == [0.5] * len(old_model.dropouts)
    words = random_words(24, seed=4, letters=OLD_LETTERS)
    targets = [pronunciation(word) for word in words]
    size = len(old_model.vocabularies["target"])
    np.testing.assert_allclose(logits(new, words, targets)[..., :size],
                               logits(old_model, words, targets), rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r"Cannot change \['units'\] when fine-tuning"):
        extend_seq2seq(old_model, new_words, [pronunciation(w) for w in new_words],
                       regularization={"units": 8})


def test_fine_tuning_learns_the_new_letter_and_keeps_the_old_task(old_model):
    keras.utils.set_random_seed(0)
    old_test = random_words(64, seed=5, letters=OLD_LETTERS)
    # Every new test word has a g (and the old task's lengths, 2 to 5 letters).
    new_test = [word[:-1] + "g" for word in random_words(64, seed=6, letters=NEW_LETTERS)]
    old_accuracy = accuracy(old_model, old_test)
    assert accuracy(old_model, new_test) == 0.0  # it has no phone G
    # Fine-tuning data: words with the new letter and a quarter as many old ones.
    data = random_words(192, seed=7, letters=NEW_LETTERS) + random_words(64, seed=8,
                                                                         letters=OLD_LETTERS)
    new, _ = extend_seq2seq(old_model, data, [pronunciation(word) for word in data])
    fit(new, data, epochs=15, learning_rate=0.01)
    new_accuracy, kept_accuracy = accuracy(new, new_test), accuracy(new, old_test)
    assert new_accuracy >= 0.9, new_accuracy
    assert kept_accuracy >= old_accuracy - 0.05, (kept_accuracy, old_accuracy)


def test_frozen_parts_do_not_move_and_the_decoder_does(old_model):
    words = random_words(32, seed=9, letters=NEW_LETTERS)
    new, _ = extend_seq2seq(old_model, words, [pronunciation(word) for word in words])
    frozen = freeze_seq2seq(new, ["embeddings", "encoder"])
    assert frozen == ["source_embedding", "target_embedding", "encoder_0"]
    frozen_weights = [
        *new.source_embedding.weights, *new.target_embedding.weights,
        *new.encoder_layers[0].weights,
    ]
    trainable = {id(weight) for weight in new.trainable_weights}
    assert not any(id(weight) in trainable for weight in frozen_weights)
    assert id(new.output_projection.kernel) in trainable
    before = [ops.convert_to_numpy(weight) for weight in frozen_weights]
    head = ops.convert_to_numpy(new.output_projection.kernel)
    new.compile(optimizer=keras.optimizers.Adam(0.01))
    x, y = new.encode(words, [pronunciation(word) for word in words])
    new.train_on_batch(x, y)
    for weight, value in zip(frozen_weights, before):
        np.testing.assert_array_equal(ops.convert_to_numpy(weight), value)
    assert not np.allclose(ops.convert_to_numpy(new.output_projection.kernel), head)


def test_bad_arguments_say_what_is_wrong(old_model):
    with pytest.raises(ValueError, match=r"Cannot freeze \['decoder'\]: the parts are "
                                         r"\['embeddings', 'encoder'\]"):
        freeze_seq2seq(old_model, ["embeddings", "decoder"])
    assert old_model.source_embedding.trainable  # nothing frozen on a bad name
    with pytest.raises(TypeError, match="got a Sequential"):
        extend_seq2seq(keras.Sequential(), ["ab"], [["AE1", "B"]])
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        extend_seq2seq(old_model, ["ab", "ba"], [["AE1", "B"]])
    with pytest.raises(ValueError, match="reserved token '</s>'"):
        extend_seq2seq(old_model, ["ab"], [["AE1", "</s>"]])


def test_module_examples_run():
    for module in (seq2seq_fine_tuning, regularization_changes):
        results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert results.attempted and not results.failed


# ---- recipes/g2p.py --from ---------------------------------------------------


def write_dictionary(path, words):
    """A CMUdict-format file of `words`."""
    path.write_text("".join(f"{w} {' '.join(pronunciation(w))}\n" for w in sorted(set(words))))


def test_recipe_fine_tunes_from_a_checkpoint(old_model, tmp_path, capsys):
    base = tmp_path / "old_g2p"
    zoo.save(old_model, str(base), card=zoo.ModelCard(name="old_g2p"))
    words = random_words(160, seed=10, letters=NEW_LETTERS)
    write_dictionary(tmp_path / "new.dict", words)
    out = tmp_path / "tuned_g2p"
    recipe = load_recipe("g2p")
    argv = ["--from", str(base), "--cmudict", str(tmp_path / "new.dict"), "--units", "99",
            "--dropout", "0.05", "--freeze", "encoder", "--epochs", "1", "--beam-width", "1",
            "--out", str(out)]
    assert recipe.main(argv) == 0
    printed = capsys.readouterr().out
    assert (f"fine-tuning {base}, keeping its architecture: cell={old_model.cell}, "
            f"units={old_model.units}, decoder_units={old_model.decoder_units}, "
            f"num_layers={old_model.num_layers}, embedding_dim={old_model.embedding_dim}, "
            f"attention={old_model.attention} (ignored: --units 99); "
            f"dropout=0.05 (the checkpoint's: {old_model.dropout})\n" in printed)
    # The config printed next says what the model is, not the options.
    config_lines = printed.split("g2p recipe, config:\n")[1].splitlines()
    assert f"units = {old_model.units}" in [" ".join(line.split()) for line in config_lines]
    assert "vocabularies grown by letters +1, phones +1" in printed
    assert "frozen: encoder_0" in printed
    model = zoo.load(str(out))
    assert model.units == old_model.units  # the checkpoint's architecture, not --units
    assert model.vocabularies["target"].tokens[-1] == "G"
    old_words = random_words(32, seed=11, letters=OLD_LETTERS)
    assert accuracy(model, old_words) >= accuracy(old_model, old_words) - 0.05
    card = json.loads((out / "card.json").read_text())
    assert card["config"]["from_checkpoint"] == str(base)
    assert card["config"]["learning_rate"] == 5e-4  # the lower fine-tuning default
    # The card's config says what the model is, not the options' defaults.
    assert card["config"]["units"] == old_model.units != recipe.G2pConfig().units
    # Dropout holds no weight: the given rate applies.
    assert card["config"]["dropout"] == model.dropout == 0.05
    assert f"fine-tuned from {base}" in card["description"]
    assert f"Fine-tuned from the checkpoint {base}" in card["notes"]


def test_learning_rate_defaults_lower_when_fine_tuning():
    recipe = load_recipe("g2p")
    assert recipe.G2pConfig().learning_rate == 2e-3
    assert recipe.G2pConfig(from_checkpoint="x").learning_rate == 5e-4
    assert recipe.G2pConfig(from_checkpoint="x", learning_rate=0.1).learning_rate == 0.1


@pytest.mark.parametrize(
    "options, message",
    [
        (["--from", "parity"], "error: --from 'parity' is a ParityRNN checkpoint, not a Seq2Seq or "
                                 "RerankedSeq2Seq"),
        (["--from", "no/such/checkpoint"], "error: --from: "),
        (["--from", "g2p_cmudict_en", "--freeze", "decoder"],
         "error: --freeze: Cannot freeze ['decoder']: the parts are ['embeddings', 'encoder']"),
        (["--freeze", "encoder"], "error: --freeze needs --from"),
    ],
)
def test_bad_fine_tuning_options_exit_2_and_write_nothing(tmp_path, capsys, options, message):
    write_dictionary(tmp_path / "tiny.dict", random_words(40, seed=0, letters=OLD_LETTERS))
    out = tmp_path / "never_written"
    argv = ["--cmudict", str(tmp_path / "tiny.dict"), "--out", str(out), *options]
    assert load_recipe("g2p").main(argv) == 2
    error = capsys.readouterr().err
    assert message in error and len(error.strip().splitlines()) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tiny.dict"]


def test_turn_around_keeps_what_does_not_depend_on_the_order(old_model):
    model, _ = extend_seq2seq(old_model, ["ab"], [["AE1", "B"]])
    before = {weight.path: np.array(weight) for weight in model.weights}
    seq2seq_fine_tuning.turn_around(model)
    assert model.reverse_targets and not old_model.reverse_targets
    fresh = {w.path for w in model.decoder_cell.weights} | {
        w.path for bridge in model.bridges for w in bridge.weights}
    assert fresh and all(path in before for path in fresh)
    for weight in model.weights:
        if weight.path in fresh and weight.path.endswith("kernel"):
            assert not np.array_equal(np.array(weight), before[weight.path]), weight.path
        elif weight.path not in fresh:  # embeddings, encoder, output layer
            np.testing.assert_array_equal(np.array(weight), before[weight.path])
    # It learns the old task right to left, from the kept encoder.
    train = random_words(256, seed=1, letters=OLD_LETTERS)
    fit(model, train, epochs=30, learning_rate=0.02)
    assert accuracy(model, random_words(64, seed=2, letters=OLD_LETTERS)) >= 0.9
