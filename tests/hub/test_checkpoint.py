"""Checkpoint save/load: round trip, integrity checks, atomic writes."""

import json

import h5py
import keras
import numpy as np
import pytest

import zoo
from zoo.hub import CheckpointError
from zoo.hub import checkpoint


@keras.saving.register_keras_serializable(package="zoo_tests")
class TinyTagger(keras.Model):
    """A small model with a vocabulary saved as an asset."""

    def __init__(self, vocabulary_size=5, **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.embedding = keras.layers.Embedding(vocabulary_size, 4)
        self.rnn = keras.layers.GRU(3, return_sequences=True)
        self.vocabulary = []

    def call(self, token_ids):
        return self.rnn(self.embedding(token_ids))

    def save_assets(self, dir_path):
        with open(f"{dir_path}/vocabulary.txt", "w", encoding="utf-8") as file:
            file.write("\n".join(self.vocabulary))

    def load_assets(self, dir_path):
        with open(f"{dir_path}/vocabulary.txt", encoding="utf-8") as file:
            self.vocabulary = file.read().split("\n")

    def get_config(self):
        return {**super().get_config(), "vocabulary_size": self.vocabulary_size}


TOKENS = np.array([[1, 2, 3, 4], [4, 3, 0, 0]])


def make_model():
    keras.utils.set_random_seed(1)
    model = TinyTagger(vocabulary_size=5)
    model.vocabulary = ["<unk>", "the", "dog", "barked", "."]
    model(TOKENS)
    return model


def saved(tmp_path, name="tagger"):
    model = make_model()
    folder = zoo.save(model, tmp_path / name, card={"task": "testing"})
    return model, folder


def test_round_trip_gives_identical_predictions_and_assets(tmp_path):
    model, folder = saved(tmp_path)
    loaded = zoo.load(folder)
    assert type(loaded) is TinyTagger
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded(TOKENS)),
        keras.ops.convert_to_numpy(model(TOKENS)),
    )
    assert loaded.vocabulary == model.vocabulary
    assert loaded.card.task == "testing"


def test_card_records_versions_parameters_and_checksums(tmp_path):
    model, folder = saved(tmp_path)
    card = json.loads((folder / "card.json").read_text())
    assert card["parameter_count"] == model.count_params() == 5 * 4 + 3 * (3 * 4 + 3 * 3 + 2 * 3)
    assert card["keras_version"] == keras.__version__
    assert card["zoo_version"] == zoo.__version__
    assert set(card["files"]) == {"config.json", "model.weights.h5", "assets/vocabulary.txt"}
    for relative, entry in card["files"].items():
        assert entry["bytes"] == (folder / relative).stat().st_size


def test_half_precision_weights_load_as_the_rounded_float32_weights(tmp_path):
    def big_model():
        keras.utils.set_random_seed(1)
        model = TinyTagger(vocabulary_size=3000)
        model.vocabulary = [f"word{i}" for i in range(3000)]
        model(TOKENS)
        return model

    model = big_model()
    original = [np.array(w) for w in model.get_weights()]
    full = zoo.save(big_model(), tmp_path / "full")
    half = zoo.save(model, tmp_path / "half", weights_dtype="float16")
    with h5py.File(half / "model.weights.h5") as file:
        stored = []
        file.visititems(lambda name, item: stored.append(item.dtype)
                        if isinstance(item, h5py.Dataset) else None)
    assert stored and set(stored) == {np.dtype("float16")}
    # The arrays (48 KB, nearly all of it the embedding) take half the bytes.
    arrays = sum(w.nbytes for w in original)
    saved_bytes = (full / "model.weights.h5").stat().st_size - (
        half / "model.weights.h5").stat().st_size
    assert arrays // 2 - 2048 <= saved_bytes <= arrays // 2 + 2048
    loaded = zoo.load(half)
    for got, in_memory, want in zip(loaded.get_weights(), model.get_weights(), original):
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want.astype(np.float16).astype(np.float32))
        np.testing.assert_array_equal(in_memory, got)  # the saved model was rounded too
    assert not np.array_equal(original[0], loaded.get_weights()[0])
    with pytest.raises(ValueError, match='`weights_dtype` must be None, "float16"'):
        zoo.save(model, tmp_path / "bad", weights_dtype="int8")
    assert not (tmp_path / "bad").exists()


def test_flipped_byte_in_weights_is_refused(tmp_path):
    _, folder = saved(tmp_path)
    weights = folder / "model.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="model.weights.h5.*sha256"):
        zoo.load(folder)


def test_truncated_file_is_refused(tmp_path):
    _, folder = saved(tmp_path)
    vocabulary = folder / "assets" / "vocabulary.txt"
    vocabulary.write_bytes(vocabulary.read_bytes()[:-3])
    with pytest.raises(CheckpointError, match="assets/vocabulary.txt.*truncated"):
        zoo.load(folder)


def test_missing_file_is_refused(tmp_path):
    _, folder = saved(tmp_path)
    (folder / "config.json").unlink()
    with pytest.raises(CheckpointError, match="config.json is missing"):
        zoo.load(folder)


def test_missing_card_is_refused(tmp_path):
    _, folder = saved(tmp_path)
    (folder / "card.json").unlink()
    with pytest.raises(CheckpointError, match="no card.json"):
        zoo.load(folder)


def test_interrupted_save_leaves_no_checkpoint(tmp_path, monkeypatch):
    model = make_model()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed midway")

    monkeypatch.setattr(model, "save_weights", crash)
    with pytest.raises(KeyboardInterrupt):
        zoo.save(model, tmp_path / "tagger")
    assert list(tmp_path.iterdir()) == []


def test_interrupted_overwrite_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    old_model, folder = saved(tmp_path)
    old_card = (folder / "card.json").read_text()
    model = make_model()
    monkeypatch.setattr(model, "save_assets", lambda path: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        zoo.save(model, folder)
    assert (folder / "card.json").read_text() == old_card
    assert [path.name for path in tmp_path.iterdir()] == ["tagger"]
    zoo.load(folder)


def test_overwrite_false_refuses_existing(tmp_path):
    _, folder = saved(tmp_path)
    with pytest.raises(FileExistsError):
        zoo.save(make_model(), folder, overwrite=False)


def test_weights_false_builds_an_untrained_model(tmp_path):
    model, folder = saved(tmp_path)
    untrained = zoo.load(folder, weights=False)
    assert untrained.built
    assert untrained.vocabulary == model.vocabulary
    assert [w.shape for w in untrained.get_weights()] == [w.shape for w in model.get_weights()]
    assert not all(
        np.array_equal(a, b) for a, b in zip(untrained.get_weights(), model.get_weights())
    )


def test_save_by_name_goes_to_zoo_home_and_loads_by_name(tmp_path):
    model = make_model()
    folder = zoo.save(model, "my_tagger")
    assert folder.parent == tmp_path / "zoo_home" / "checkpoints"
    assert "my_tagger" in zoo.hub.available_names()
    loaded = zoo.load("my_tagger")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(loaded(TOKENS)),
        keras.ops.convert_to_numpy(model(TOKENS)),
    )


def test_unknown_name_lists_the_available_ones():
    with pytest.raises(CheckpointError, match="Unknown checkpoint 'nope'.*binary_adder"):
        zoo.load("nope")


def test_unbuilt_model_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unbuilt"):
        zoo.save(TinyTagger(), tmp_path / "x")


def test_config_naming_an_unknown_class_is_refused(tmp_path):
    _, folder = saved(tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["registered_name"] = "zoo_tests>NoSuchModel"
    config["class_name"] = "NoSuchModel"
    (folder / "config.json").write_text(json.dumps(config))
    card = json.loads((folder / "card.json").read_text())
    card["files"] = checkpoint.describe_files(folder)
    (folder / "card.json").write_text(json.dumps(card))
    with pytest.raises(CheckpointError, match="config.json does not describe"):
        zoo.load(folder)


def test_trained_model_ships_without_optimizer_state(tmp_path):
    import h5py

    model = make_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(TOKENS, np.zeros((2, 4, 3)), verbose=0)
    expected = keras.ops.convert_to_numpy(model(TOKENS))
    folder = zoo.save(model, tmp_path / "trained")
    with h5py.File(folder / "model.weights.h5") as file:
        sizes = []
        file.visititems(lambda name, item: sizes.append(item.size) if hasattr(item, "size") else None)
    assert sum(sizes) == model.count_params()  # no Adam moments
    assert model.optimizer is not None  # the caller's model keeps training
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(zoo.load(folder)(TOKENS)), expected, rtol=1e-6
    )
