"""RerankedSeq2Seq: the generator's n-best list, reordered by the combined
score computed from each model's own log-probabilities; checkpoint round
trip at half precision; bad arguments."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models import RerankedSeq2Seq
from zoo.models import Seq2Seq
from zoo.models.reranked_seq2seq import margin_mask

WORDS = ["ab", "ba", "abc", "cab", "bca", "a", "cc"]


def tiny(seed, **kwargs):
    keras.utils.set_random_seed(seed)
    return Seq2Seq.from_sequences(WORDS, [w[::-1] for w in WORDS], units=6, embedding_dim=4,
                                  **kwargs)


def reranked(weight=0.7):
    return RerankedSeq2Seq(tiny(1), tiny(2, reverse_targets=True), rescorer_weight=weight)


def test_the_choice_is_the_best_combined_score_of_the_generators_n_best():
    model = reranked()
    words = ["abc", "ba", "c", "cab"]
    n_best = model.generator.transduce(words, beam_width=4, num_results=4, return_scores=True)
    got = model.transduce(words, beam_width=4, num_results=4, return_scores=True)
    for word, hypotheses, ranked in zip(words, n_best, got):
        outputs = [tokens for tokens, _ in hypotheses]
        # The combined score from the two models' teacher-forced scores,
        # pair by pair (`Seq2Seq.score`, tested against a numpy reference).
        want = (np.array([score for _, score in hypotheses])
                + 0.7 * model.rescorer.score([word] * len(outputs), outputs))
        assert sorted(tokens for tokens, _ in ranked) == sorted(outputs)
        scores = [score for _, score in ranked]
        assert scores == sorted(scores, reverse=True)
        for tokens, score in ranked:
            np.testing.assert_allclose(score, want[outputs.index(tokens)], rtol=1e-5, atol=1e-5)
        assert model.transduce([word], beam_width=4) == [ranked[0][0]]
    # Weight 0 keeps the generator's order; greedy is the generator's.
    plain = RerankedSeq2Seq(model.generator, model.rescorer, rescorer_weight=0.0)
    assert plain.transduce(words, beam_width=4) == model.generator.transduce(words, 4)
    assert model.transduce(words, beam_width=1) == model.generator.transduce(words)


def test_margin_mask_keeps_the_best_and_the_scores_less_than_m_behind_it():
    scores = [-1.0, -1.5, -2.0, -4.0]  # gaps 0, 0.5, 1.0, 3.0 behind the best
    assert margin_mask(scores, 1.0).tolist() == [True, True, False, False]  # 1.0 is not < 1.0
    assert margin_mask(scores, 1.01).tolist() == [True, True, True, False]
    assert margin_mask(scores, 0.1).tolist() == [True, False, False, False]
    assert margin_mask(scores, None).tolist() == [True] * 4
    assert margin_mask([-3.0], 0.5).tolist() == [True]


def test_a_margin_rescores_only_the_hypotheses_close_to_the_generators_best():
    model = reranked()
    words = ["abc", "ba", "c", "cab", "ab", "bca", "cc", "a"]
    n_best = model.generator.transduce(words, beam_width=4, num_results=4, return_scores=True)
    gaps = sorted(hypotheses[0][1] - hypotheses[1][1] for hypotheses in n_best)
    margin = (gaps[3] + gaps[4]) / 2  # some words have a close runner-up, some not
    gated = RerankedSeq2Seq(model.generator, model.rescorer, 0.7, rescore_margin=margin)
    asked = []
    score_n_best = model.rescorer.score_n_best
    model.rescorer.score_n_best = lambda inputs, lists, **kw: (
        asked.extend(lists) or score_n_best(inputs, lists, **kw))
    try:
        chosen = gated.transduce(words, beam_width=4)
        asked_for_best = list(asked)
        ranked = gated.transduce(words, beam_width=4, num_results=4, return_scores=True)
    finally:
        del model.rescorer.score_n_best
    for word, hypotheses, got, listed, got_ranked in zip(
            words, n_best, chosen, asked_for_best, ranked):
        best = hypotheses[0][1]
        close = [(tokens, score) for tokens, score in hypotheses if best - score < margin]
        outputs = [tokens for tokens, _ in close]
        want = (np.array([score for _, score in close])
                + 0.7 * model.rescorer.score([word] * len(outputs), outputs))
        if len(close) == 1:  # a clear lead: kept, never rescored
            assert got == hypotheses[0][0] and listed == []
        else:
            assert listed == outputs and got == outputs[int(np.argmax(want))]
        # Scores asked for: the close ones alone, each with its s(Y).
        assert sorted(tokens for tokens, _ in got_ranked) == sorted(outputs)
        for tokens, score in got_ranked:
            np.testing.assert_allclose(score, want[outputs.index(tokens)], rtol=1e-5, atol=1e-5)
    assert any(listed == [] for listed in asked_for_best)
    assert any(len(listed) > 1 for listed in asked_for_best)
    restored = RerankedSeq2Seq.from_config(gated.get_config())
    assert restored.rescore_margin == margin and reranked().rescore_margin is None


def test_score_combines_the_two_models():
    model = reranked()
    outputs = [["c", "b", "a"], ["a"]]
    want = (model.generator.score(["abc", "ba"], outputs)
            + 0.7 * model.rescorer.score(["abc", "ba"], outputs))
    np.testing.assert_allclose(model.score(["abc", "ba"], outputs), want)


def test_half_precision_checkpoint_round_trip(tmp_path):
    model = reranked()
    words = ["abc", "cab", "ca"]
    folder = zoo.save(model, str(tmp_path / "reranked"), weights_dtype="float16")
    assert (folder / "assets" / "rescorer" / "target_vocabulary.txt").exists()
    expected = model.transduce(words, beam_width=3, return_scores=True)  # rounded by save
    restored = zoo.load(str(folder))
    assert isinstance(restored, RerankedSeq2Seq) and restored.rescorer.reverse_targets
    assert restored.rescorer_weight == 0.7
    for got, want in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert restored.transduce(words, beam_width=3, return_scores=True) == expected
    assert restored.predict_text(["abc"])[0].startswith("abc\t")


def test_bad_arguments_are_named():
    generator = tiny(1)
    with pytest.raises(ValueError, match="rescorer must be a Seq2Seq"):
        RerankedSeq2Seq(generator, keras.Sequential())
    with pytest.raises(ValueError, match="`rescorer_weight` must be a non-negative number, got -1"):
        RerankedSeq2Seq(generator, tiny(2), rescorer_weight=-1)
    with pytest.raises(ValueError, match="`rescorer_weight` must be a non-negative number, got nan"):
        RerankedSeq2Seq(generator, tiny(2), rescorer_weight=float("nan"))
    with pytest.raises(ValueError, match="`rescore_margin` must be a positive number, got 0"):
        RerankedSeq2Seq(generator, tiny(2), rescore_margin=0)
    other = Seq2Seq.from_sequences(["xy"], ["yx"], units=6, embedding_dim=4)
    with pytest.raises(ValueError, match="different source vocabularies"):
        RerankedSeq2Seq(generator, other)
    with pytest.raises(ValueError, match="num_results=3 needs beam_width >= 3"):
        reranked().transduce(["ab"], beam_width=2, num_results=3)
