"""The shipped g2p_cmudict_en checkpoint: real pronunciations on held-out
CMUdict words, ARPAbet only, normalization and clear errors, long words."""

import zlib

import pytest

import zoo
from zoo.data import check_arpabet_phone
from zoo.data import read_cmudict
from zoo.data import strip_stress


@pytest.fixture(scope="module")
def g2p():
    return zoo.load("g2p_cmudict_en")


@pytest.fixture(scope="module")
def test_words():
    """The first 300 words of the fixed test split (crc32 % 10 == 0)."""
    lexicon = read_cmudict()
    words = [w for w in lexicon if zlib.crc32(w.encode("utf-8")) % 10 == 0][:300]
    return {word: lexicon[word] for word in words}


def test_held_out_words_are_mostly_right(g2p, test_words):
    words = list(test_words)
    predictions = g2p.transduce(words, beam_width=1)
    # A word is right if it equals one of CMUdict's pronunciations, stress
    # stripped (the literature's WER).
    right = sum(
        strip_stress(predicted) in {strip_stress(reference) for reference in test_words[word]}
        for word, predicted in zip(words, predictions)
    )
    assert right / len(words) >= 1 - g2p.card.metrics["test_greedy"]["wer_no_stress"] - 0.08
    assert right / len(words) > 0.5


def test_outputs_are_arpabet_and_case_is_normalized(g2p):
    predictions = g2p.transduce(["cat", "CAT", "O’Neill", "keras", "tensorflow"])
    assert predictions[0] == predictions[1]
    assert predictions[0] in (["K", "AE1", "T"], ["K", "AE0", "T"])
    for phones in predictions:
        assert phones and all(check_arpabet_phone(phone) == phone for phone in phones)


@pytest.mark.parametrize(
    "word, message",
    [("", "empty word"), ("R2D2", "'2' at position 1 is a digit"),
     ("new york", "' ' at position 3"), ("café", "'é' at position 3")],
)
def test_bad_words_name_the_character(g2p, word, message):
    with pytest.raises(ValueError, match=message):
        g2p.transduce([word])


def test_a_60_letter_word_decodes(g2p):
    [phones] = g2p.transduce(["a" * 30 + "b" * 30], beam_width=3)
    assert 0 < len(phones) <= g2p.max_decode_length


def test_the_reranked_model_is_right_more_often_than_its_generator(test_words):
    reranked = zoo.load("g2p_cmudict_en_reranked")
    assert reranked.rescorer.reverse_targets and not reranked.generator.reverse_targets
    words = list(test_words)
    references = [{strip_stress(r) for r in test_words[word]} for word in words]

    def right(predictions):
        return sum(strip_stress(p) in refs for p, refs in zip(predictions, references))

    reranked_right = right(reranked.transduce(words, beam_width=5))
    assert reranked_right / len(words) >= 1 - reranked.card.metrics["test"]["wer_no_stress"] - 0.08
    # Rescoring picks from the generator's own beam: on these 300 words it
    # may tie, but it must not lose more than a few words.
    assert reranked_right >= right(reranked.generator.transduce(words, beam_width=5)) - 3
