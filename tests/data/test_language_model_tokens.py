import pytest

from zoo.data.language_model_tokens import LINE_BREAK
from zoo.data.language_model_tokens import language_model_vocabulary
from zoo.data.language_model_tokens import text_to_tokens
from zoo.data.language_model_tokens import tokens_to_text
from zoo.data.vocabulary import Vocabulary


def test_words_and_line_breaks():
    assert text_to_tokens(" the  cat\tsat \n\nmat\n", "word") == [
        "the", "cat", "sat", LINE_BREAK, LINE_BREAK, "mat", LINE_BREAK]
    assert text_to_tokens("", "word") == []
    assert text_to_tokens("a\r\nb", "word") == ["a", LINE_BREAK, "b"]


def test_characters_and_line_breaks():
    assert text_to_tokens("a b\nc", "char") == ["a", " ", "b", LINE_BREAK, "c"]
    assert text_to_tokens("a\r\n", "char") == ["a", "\r", LINE_BREAK]
    assert text_to_tokens("<eos>", "char") == list("<eos>")  # characters, not the token


@pytest.mark.parametrize("text", ["hello world\nsecond line\n", "x\n\ny", "\n", "ünï cödé"])
def test_character_tokens_give_back_the_text(text):
    assert tokens_to_text(text_to_tokens(text, "char"), "char") == text


def test_word_tokens_give_back_the_words_with_single_spaces():
    text = "the  cat \nsat\n"
    assert tokens_to_text(text_to_tokens(text, "word"), "word") == "the cat\nsat\n"


def test_vocabulary_ids_and_order(tmp_path):
    tokens = text_to_tokens("b a b\nc b a [UNK]\n", "word")
    vocabulary = language_model_vocabulary(tokens)
    assert vocabulary.tokens == ["[PAD]", "[UNK]", LINE_BREAK, "b", "a", "c"]
    assert vocabulary.padding_id == 0 and vocabulary.unknown_id == 1
    assert vocabulary.lookup(LINE_BREAK) == 2
    assert language_model_vocabulary(tokens, min_count=2).tokens == [
        "[PAD]", "[UNK]", LINE_BREAK, "b", "a"]
    assert language_model_vocabulary(tokens, max_size=1).tokens[2:] == [LINE_BREAK, "b"]
    # Without any line break in the text, the line break is still there.
    assert language_model_vocabulary(["x"]).tokens == ["[PAD]", "[UNK]", LINE_BREAK, "x"]
    # A character vocabulary (spaces, "\r") survives a save and load.
    characters = language_model_vocabulary(text_to_tokens("a b\r\nc", "char"))
    characters.save(tmp_path / "vocabulary.txt")
    assert Vocabulary.load(tmp_path / "vocabulary.txt") == characters


def test_bad_arguments():
    with pytest.raises(ValueError, match="`level` must be one of"):
        text_to_tokens("a", "byte")
    with pytest.raises(ValueError, match="`min_count` must be a positive integer"):
        language_model_vocabulary(["a"], min_count=0)
