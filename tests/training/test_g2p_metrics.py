"""G2P word and phone error rates: hand-computed cases and properties."""

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo.training import g2p_metrics
from zoo.training.g2p_metrics import evaluate_g2p
from zoo.training.g2p_metrics import phone_error_rate
from zoo.training.g2p_metrics import strip_stress
from zoo.training.g2p_metrics import word_error_rate


def p(text):
    """A pronunciation from its space-separated phones."""
    return tuple(text.split())


REFERENCES = [
    [p("T AH0 M EY1 T OW2"), p("T AH0 M AA1 T OW2")],
    [p("K AE1 T")],
    [p("D AO1 G"), p("D AA1 G")],
    [p("HH AH0 L OW1"), p("HH EH0 L OW1")],
]
PREDICTIONS = [
    p("T AH0 M AA1 T OW2"),  # the second reference: right
    p("K AA1 T"),  # 1 substitution: wrong, also without stress
    p("D AA1 G"),  # right
    p("HH AH0 L OW0"),  # wrong by its stress only: 1 edit from the first
]


def test_a_word_is_right_if_it_equals_any_reference():
    assert word_error_rate(PREDICTIONS, REFERENCES) == 2 / 4


def test_phone_errors_are_counted_against_the_closest_reference():
    # Distances 0, 1, 0, 1 to references of 6, 3, 3 and 4 phones.
    assert phone_error_rate(PREDICTIONS, REFERENCES) == 2 / 16


def test_evaluate_with_and_without_stress():
    assert evaluate_g2p(PREDICTIONS, REFERENCES) == {
        "words": 4,
        "wer": 2 / 4,
        "per": 2 / 16,
        "wer_no_stress": 1 / 4,  # only K AA T != K AE T
        "per_no_stress": 1 / 16,
    }


def test_stress_only_differences_vanish_without_stress():
    scores = evaluate_g2p([p("AH1 B AW2 T")], [[p("AH0 B AW1 T")]])
    assert scores["wer"] == 1.0 and scores["per"] == 2 / 4
    assert scores["wer_no_stress"] == 0.0 and scores["per_no_stress"] == 0.0
    assert strip_stress(p("AH0 B AW1 T")) == p("AH B AW T")


@pytest.mark.parametrize("order", [1, -1])
def test_among_equally_close_references_the_shorter_counts(order):
    references = [[p("K AE1 T S"), p("K AE1")][::order]]
    # 1 edit from both: the 2-phone reference is the closest, not the 4-phone one.
    assert phone_error_rate([p("K AE1 T")], references) == 1 / 2


def test_the_closest_reference_is_chosen_by_distance_before_length():
    references = [[p("K"), p("K AE1 T S IH0")]]
    # 3 edits from K, 1 from K AE1 T S IH0 (5 phones).
    assert phone_error_rate([p("K AE1 T S")], references) == 1 / 5


def test_insertions_can_make_the_phone_error_rate_exceed_one():
    assert phone_error_rate([p("K AE1 T S IH0 Z")], [[p("K")]]) == 5.0


def test_an_empty_prediction_is_all_deletions():
    assert evaluate_g2p([()], [[p("K AE1 T")]]) == {
        "words": 1, "wer": 1.0, "per": 1.0, "wer_no_stress": 1.0, "per_no_stress": 1.0
    }


def test_lists_and_generators_are_accepted():
    predictions = (list(x) for x in PREDICTIONS)
    references = [[list(r) for r in options] for options in REFERENCES]
    assert word_error_rate(predictions, references) == 0.5


PHONES = st.sampled_from(["K", "T", "AE0", "AE1", "AH0", "AH2", "S"])
PRONUNCIATION = st.lists(PHONES, min_size=1, max_size=5).map(tuple)
WORDS = st.lists(
    st.tuples(st.lists(PRONUNCIATION, min_size=1, max_size=3), st.lists(PHONES, max_size=6)),
    min_size=1,
    max_size=6,
)


@given(WORDS)
def test_rates_are_in_range_and_stripping_stress_never_adds_wrong_words(words):
    references = [options for options, _ in words]
    predictions = [prediction for _, prediction in words]
    scores = evaluate_g2p(predictions, references)
    assert scores["words"] == len(words)
    assert 0 <= scores["wer_no_stress"] <= scores["wer"] <= 1
    assert scores["per"] >= 0 and scores["per_no_stress"] >= 0
    assert (scores["per"] == 0) == (scores["wer"] == 0)
    assert (scores["per_no_stress"] == 0) == (scores["wer_no_stress"] == 0)


@given(WORDS, st.randoms(use_true_random=False))
def test_predicting_a_reference_scores_zero_and_order_does_not_matter(words, rng):
    references = [options for options, _ in words]
    predictions = [rng.choice(options) for options in references]
    assert evaluate_g2p(predictions, references) == {
        "words": len(words), "wer": 0.0, "per": 0.0, "wer_no_stress": 0.0, "per_no_stress": 0.0
    }
    wrong = [prediction for _, prediction in words]
    shuffled = [
        (prediction, rng.sample(options, len(options)))
        for prediction, options in zip(wrong, references)
    ]
    rng.shuffle(shuffled)
    assert evaluate_g2p([w for w, _ in shuffled], [r for _, r in shuffled]) == evaluate_g2p(
        wrong, references
    )


@pytest.mark.parametrize(
    "predictions, references, error, expected",
    [
        ([p("K")], [[p("K")], [p("T")]], ValueError, "1 predictions but 2 reference lists"),
        ([], [], ValueError, "No words to score"),
        (["K AE1 T"], [[p("K AE1 T")]], TypeError, "predictions[0] holds the str 'K AE1 T'"),
        ([p("K")], ["K"], TypeError, "references[0] is the str 'K'"),
        ([p("K AE1 T")], [["K", "AE1", "T"]], TypeError, "wrap it in a list"),
        ([p("K")], [[]], ValueError, "references[0] is empty"),
        (
            [p("K"), p("T")],
            [[p("K")], [p("T"), ()]],
            ValueError,
            "references[1] has an empty pronunciation",
        ),
    ],
)
@pytest.mark.parametrize("function", [word_error_rate, phone_error_rate, evaluate_g2p])
def test_bad_input_is_refused_with_a_message(function, predictions, references, error, expected):
    with pytest.raises(error) as caught:
        function(predictions, references)
    assert expected in str(caught.value)


def test_docstring_examples_run():
    failures, tried = doctest.testmod(g2p_metrics)
    assert tried and not failures
