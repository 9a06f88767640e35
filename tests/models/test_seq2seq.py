"""Seq2Seq: learns string reversal, source padding is invisible, decoding
scores are the model's own probabilities, checkpoint round trip, bad input,
scheduled sampling."""

import keras
import numpy as np
import pytest

import zoo
from zoo.models.scheduled_sampling import teacher_forcing_probability
from zoo.models.seq2seq import CELLS
from zoo.models.seq2seq import Seq2Seq
from zoo.training.seq2seq_batches import Seq2SeqBatches

WORDS = ["ab", "ba", "abc", "cab", "bca", "a", "cc"]
TINY = dict(units=6, embedding_dim=4)


def tiny_model(**kwargs):
    keras.utils.set_random_seed(1)
    return Seq2Seq.from_sequences(WORDS, [w[::-1] for w in WORDS], **{**TINY, **kwargs})


def jit():
    return "auto" if keras.backend.backend() == "tensorflow" else True


def test_learns_string_reversal():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    words = sorted({"".join(rng.choice(list("abcd"), rng.integers(1, 6))) for _ in range(700)})
    rng.shuffle(words)
    train, test = words[:-60], words[-60:]
    model = Seq2Seq.from_sequences(train, [w[::-1] for w in train], units=16,
                                   embedding_dim=8, seed=0)
    x, y = model.encode(train, [w[::-1] for w in train])
    model.compile(optimizer=keras.optimizers.Adam(0.02), jit_compile=jit())
    size = 40 * (len(train) // 40)  # equal batches: one compilation
    model.fit({k: v[:size] for k, v in x.items()}, y[:size], batch_size=40, epochs=20, verbose=0)
    for beam_width in (1, 3):
        outputs = model.transduce(test, beam_width=beam_width)
        accuracy = np.mean(["".join(out) == w[::-1] for out, w in zip(outputs, test)])
        assert accuracy >= 0.95, (beam_width, accuracy)


def logits_of(model, source, target_input):
    """Teacher-forced logits, compiled (one compilation per shape)."""
    return np.asarray(model.predict_on_batch({"source": source, "target_input": target_input}))


def test_source_padding_changes_nothing():
    model = tiny_model(dropout=0.3)
    x, _ = model.encode(["abc", "a"], ["cba", "a"])
    source = x["source"]  # padded to 8
    wider = np.zeros((2, 16), "int32")
    wider[:, :8] = source
    want = logits_of(model, source, x["target_input"])
    np.testing.assert_allclose(logits_of(model, wider, x["target_input"]), want, atol=1e-5)
    table = model.source_embedding.embeddings
    table.assign(np.concatenate([np.full((1, 4), 50.0), np.asarray(table)[1:]]).astype("float32"))
    np.testing.assert_allclose(logits_of(model, source, x["target_input"]), want, atol=1e-5)
    decoder = model.decoder(beam_width=2, max_length=6)
    narrow, wide = decoder.predict_on_batch(source), decoder.predict_on_batch(wider)
    for name in ("ids", "lengths", "scores"):
        np.testing.assert_allclose(np.asarray(wide[name]), np.asarray(narrow[name]), atol=1e-5)


def teacher_forced_log_probs(model, sources, outputs):
    """log p(y_t | y_<t, x) for every step of the given outputs, from the
    teacher-forced logits (padding and <s>, which decoding never emits,
    excluded from the softmax): [rows, steps, target vocabulary - 2]."""
    width = max(map(len, outputs))
    target_input = np.zeros((len(outputs), width), "int32")
    for row, tokens in enumerate(outputs):
        target_input[row, : len(tokens)] = [1, *tokens[:-1]]
    logits = logits_of(model, np.stack(sources), target_input).astype(np.float64)[..., 2:]
    return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))


@pytest.mark.parametrize("attention", ["luong", "bahdanau"])
def test_decoding_follows_the_models_probabilities(attention):
    model = tiny_model(attention=attention)
    source = model.encode(["abc", "ba"])
    greedy = model.decoder(1, max_length=5).predict_on_batch(source)
    beam = model.decoder(3, max_length=5, length_penalty=0.6).predict_on_batch(source)
    rows, outputs, scores, greedy_rows = [], [], [], []
    for row in range(2):
        length = int(greedy["lengths"][row, 0])
        greedy_rows.append(len(outputs))
        rows.append(source[row])
        outputs.append(np.asarray(greedy["ids"])[row, 0, :length].tolist())
        scores.append((float(greedy["scores"][row, 0]), 0.0))
        for k in range(3):
            length = int(beam["lengths"][row, k])
            rows.append(source[row])
            outputs.append(np.asarray(beam["ids"])[row, k, :length].tolist())
            scores.append((float(beam["scores"][row, k]), 0.6))
        assert list(beam["scores"][row]) == sorted(beam["scores"][row], reverse=True)
    log_probs = teacher_forced_log_probs(model, rows, outputs)
    for index, (tokens, (score, alpha)) in enumerate(zip(outputs, scores)):
        steps = log_probs[index, np.arange(len(tokens)), np.array(tokens) - 2]
        want = steps.sum() / ((5 + len(tokens)) / 6) ** alpha
        np.testing.assert_allclose(score, want, rtol=1e-4, atol=1e-4)
        if index in greedy_rows:  # greedy: the most likely token at each step
            best = log_probs[index, : len(tokens)].argmax(axis=-1) + 2
            assert best.tolist() == tokens


def test_n_best_lists_and_scores_are_the_models_log_probabilities():
    model = tiny_model()
    words, max_length = ["abc", "ba", "c"], 12
    n_best = model.transduce(words, beam_width=4, num_results=3, return_scores=True,
                             max_length=max_length)
    best = model.transduce(words, beam_width=4, max_length=max_length)
    target = model.vocabularies["target"]
    rows, outputs, scores = [], [], []
    for word, hypotheses, first in zip(words, n_best, best):
        assert 1 <= len(hypotheses) <= 3 and hypotheses[0][0] == first
        assert len({tuple(tokens) for tokens, _ in hypotheses}) == len(hypotheses)
        assert [score for _, score in hypotheses] == sorted(
            (score for _, score in hypotheses), reverse=True)
        for tokens, score in hypotheses:
            if len(tokens) < max_length:  # ended: its score counts </s> (id 2)
                rows.append(model.encode([word])[0])
                outputs.append([*target.encode(tokens), 2])
                scores.append(score)
    assert outputs
    log_probs = teacher_forced_log_probs(model, rows, outputs)
    for index, (tokens, score) in enumerate(zip(outputs, scores)):
        want = log_probs[index, np.arange(len(tokens)), np.array(tokens) - 2].sum()
        np.testing.assert_allclose(score, want, rtol=1e-4, atol=1e-4)
    # Model.score is the same log-probability, batched by source length.
    ended = [(word, tokens, s) for word, hypotheses in zip(words, n_best)
             for tokens, s in hypotheses if len(tokens) < max_length]
    got = model.score([w for w, _, _ in ended], [t for _, t, _ in ended], batch_size=2)
    np.testing.assert_allclose(got, [s for _, _, s in ended], rtol=1e-4, atol=1e-4)
    assert model.transduce(words, beam_width=2, num_results=1) == [[tokens] for tokens in
                                                                  model.transduce(words, 2)]
    with pytest.raises(ValueError, match="num_results=3 needs beam_width >= 3"):
        model.transduce(words, beam_width=2, num_results=3)
    with pytest.raises(ValueError, match="output 1 .* 'z', which is not in the target"):
        model.score(["ab", "ba"], [["b", "a"], ["z"]])
    with pytest.raises(ValueError, match="2 inputs but 1 outputs"):
        model.score(["ab", "ba"], [["b", "a"]])


def test_right_to_left_model_takes_and_returns_reading_order():
    forward = tiny_model()
    backward = tiny_model(reverse_targets=True)
    backward.set_weights(forward.get_weights())
    target = backward.vocabularies["target"]
    # The decoder is taught the phones last to first, whatever feeds it.
    _, y = backward.encode(["abc"], [["a", "b", "c"]])
    assert target.decode(y[0, :4].tolist()) == ["c", "b", "a", "</s>"]
    _, batch_y = Seq2SeqBatches(backward, ["abc"], [["a", "b", "c"]])[0]
    assert target.decode(np.asarray(batch_y)[0, :4].tolist()) == ["c", "b", "a", "</s>"]
    # With the same weights, the backward model's search is the forward
    # model's, read in the other direction, and so are its scores.
    words = ["abc", "ba", "c"]
    assert backward.transduce(words, beam_width=3, return_scores=True) == [
        (tokens[::-1], score)
        for tokens, score in forward.transduce(words, beam_width=3, return_scores=True)
    ]
    outputs = [["a", "b"], ["c"], ["b", "b", "a"]]
    np.testing.assert_allclose(backward.score(words, outputs),
                               forward.score(words, [o[::-1] for o in outputs]), rtol=1e-6)
    assert Seq2Seq.from_config(backward.get_config()).reverse_targets


def test_score_n_best_reads_each_input_once_for_all_its_outputs():
    model = tiny_model()
    words = ["abc", "ba", "c", "cab"]
    n_best = [[["a"], ["b", "c"], ["c", "b", "a"]], [], [["c", "c", "c"]], [["b"], ["a"]]]
    scores = model.score_n_best(words, n_best, batch_size=3)
    assert [len(s) for s in scores] == [3, 0, 1, 2]
    for word, outputs, got in zip(words, n_best, scores):
        if outputs:  # one pair at a time, through the teacher-forced reference
            rows = [model.encode([word])[0]] * len(outputs)
            ids = [[*model.vocabularies["target"].encode(o), 2] for o in outputs]
            log_probs = teacher_forced_log_probs(model, rows, ids)
            want = [log_probs[i, np.arange(len(t)), np.array(t) - 2].sum()
                    for i, t in enumerate(ids)]
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match="output 1 of input 0 .* 'z'"):
        model.score_n_best(["ab"], [[["a"], ["z"]]])
    with pytest.raises(ValueError, match="2 inputs but 1 lists"):
        model.score_n_best(["ab", "ba"], [[["a"]]])


def test_checkpoint_round_trip(tmp_path):
    model = tiny_model(cell="peephole_lstm", attention="bahdanau")
    words = ["abc", "cab", "ca"]
    expected = model.transduce(words, beam_width=3, return_scores=True)
    folder = zoo.save(model, str(tmp_path / "reverser"))
    assert (folder / "assets" / "source_vocabulary.txt").exists()
    restored = zoo.load(str(folder))
    assert isinstance(restored, Seq2Seq)
    assert restored.get_config() == model.get_config()
    assert restored.vocabularies == model.vocabularies
    for got, want in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert restored.transduce(words, beam_width=3, return_scores=True) == expected


def test_transduce_rejects_bad_input_clearly():
    model = tiny_model()
    with pytest.raises(ValueError, match="empty input"):
        model.transduce(["ab", ""])
    with pytest.raises(ValueError, match="empty input"):
        model.transduce([[]])
    with pytest.raises(ValueError, match=r"'ab1' has the character '1'"):
        model.transduce(["ab1"])
    with pytest.raises(ValueError, match=r"has the character 'A'"):
        model.transduce(["Ab"])
    with pytest.raises(ValueError, match=r"has the token '\[PAD\]'"):
        model.transduce([["a", "[PAD]"]])
    with pytest.raises(ValueError, match="string or a list"):
        model.transduce([5])
    with pytest.raises(ValueError, match="beam_width"):
        model.transduce(["ab"], beam_width=0)
    replaced = model.transduce(["ab1"], unknown="replace")
    assert isinstance(replaced[0], list)
    assert model.transduce([["a", "b"]]) == model.transduce(["ab"])
    line = model.predict_text(["ab"])[0]
    assert line.split("\t")[0] == "ab" and set(line.split("\t")[1].split()) <= set("abc")
    lowercasing = tiny_model(lowercase=True)
    assert lowercasing.transduce(["AB"]) == lowercasing.transduce(["ab"])


def test_g2p_word_normalizer_explains_what_a_word_may_hold():
    words = ["ab", "ba", "a'b", "cab"]
    keras.utils.set_random_seed(1)
    model = Seq2Seq.from_sequences(
        [w.upper() for w in words], [list(w) for w in words], normalizer="g2p_word", **TINY
    )
    assert set(model.vocabularies["source"].tokens[2:]) == set("abc'")  # normalized in training
    # Upper case and the typographic apostrophe are normalized, not unknown.
    assert model.transduce(["A\u2019B", "CAB"]) == model.transduce(["a'b", "cab"])
    with pytest.raises(ValueError, match=r"'R2D2': '2' at position 1 is a digit"):
        model.transduce(["ab", "R2D2"])
    with pytest.raises(ValueError, match=r"'ab cd': ' ' at position 2 is a space"):
        model.transduce(["ab cd"])
    with pytest.raises(ValueError, match="empty word"):
        model.transduce([""])
    assert Seq2Seq.from_config(model.get_config()).normalizer == "g2p_word"
    with pytest.raises(ValueError, match="`normalizer` must be None or one of"):
        Seq2Seq(10, 10, normalizer="nfkc")


def test_long_inputs_decode_up_to_the_cap():
    model = tiny_model(max_decode_length=40)
    outputs = model.transduce(["abc" * 20, "a"], beam_width=2)
    assert len(outputs) == 2
    assert all(len(out) <= 40 and set(out) <= set("abc") for out in outputs)


@pytest.mark.parametrize("step", [0, 1, 500, 5000, 20000])
def test_schedules_follow_their_formulas(step):
    cases = {
        ("linear", 1.0, 1e-4, 0.1): max(0.1, 1.0 - 1e-4 * step),
        ("linear", 0.9, 5e-5, 0.0): max(0.0, 0.9 - 5e-5 * step),
        ("exponential", 0.999, None, 0.0): 0.999 ** step,
        ("exponential", 0.99, None, 0.05): max(0.05, 0.99 ** step),
        ("inverse_sigmoid", 500.0, None, 0.0): 500 / (500 + np.exp(step / 500)),
        ("inverse_sigmoid", 10.0, None, 0.2): max(0.2, 10 / (10 + np.exp(min(step / 10, 80)))),
    }
    for (schedule, k, c, minimum), want in cases.items():
        got = teacher_forcing_probability(schedule, step, k=k, c=c or 1e-4, minimum=minimum)
        np.testing.assert_allclose(float(got), want, rtol=1e-5, atol=1e-7)


def test_schedule_validation():
    with pytest.raises(ValueError, match="scheduled_sampling"):
        tiny_model(scheduled_sampling="cosine")
    with pytest.raises(ValueError, match="0 < k < 1"):
        tiny_model(scheduled_sampling="exponential", sampling_k=1.5)


def test_scheduled_sampling_counts_steps_and_samples_own_predictions(tmp_path):
    model = tiny_model(scheduled_sampling="exponential", sampling_k=0.5)
    x, y = model.encode(WORDS, [w[::-1] for w in WORDS])
    assert float(model.teacher_forcing_probability()) == 1.0
    # Probability 1 (step 0): the training logits are teacher forcing's.
    want = np.asarray(model(x, training=False))
    np.testing.assert_allclose(np.asarray(model(x, training=True)), want, atol=1e-5)
    assert int(model.sampling_step.numpy()) == 1
    # Probability 0.5 ** 200 = 0: inputs after <s> are the model's samples,
    # so the gold targets do not matter (same random draws).
    model.sampling_step.assign(200)
    seed_state = np.asarray(model.seed_generator.state.numpy())
    first = np.asarray(model(x, training=True))
    model.seed_generator.state.assign(seed_state)
    scrambled = dict(x, target_input=np.where(x["target_input"] > 1, 3, x["target_input"]))
    second = np.asarray(model(scrambled, training=True))
    np.testing.assert_allclose(second, first, atol=1e-5)
    assert not np.allclose(first, want[:, : first.shape[1]], atol=1e-3)
    # Inside the compiled train step the counter moves once per batch.
    model.sampling_step.assign(0)
    model.compile(optimizer="adam", jit_compile=jit())
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert int(model.sampling_step.numpy()) == 2
    # The counter is a weight: a checkpoint resumes the schedule.
    restored = zoo.load(str(zoo.save(model, str(tmp_path / "sampler"))))
    assert int(restored.sampling_step.numpy()) == 2


@pytest.mark.parametrize(
    "options",
    [
        dict(cell="gru", bidirectional=False, num_layers=2),
        dict(cell="layer_norm_lstm", attention="bahdanau", input_feeding=False),
        dict(cell="coupled_gru", luong_score="dot", bridge="zeros"),
        dict(cell="simple_rnn", attention="luong", attention_style="bahdanau"),
    ],
    ids=["gru-uni-2layers", "lnlstm-bahdanau", "coupled-dot-zeros", "simple-luong-bstyle"],
)
def test_options_build_train_and_round_trip_config(options):
    model = tiny_model(**options)
    x, y = model.encode(WORDS[:2], [w[::-1] for w in WORDS[:2]])
    logits = model(x)
    assert tuple(logits.shape) == (*y.shape, model.target_vocabulary_size)
    loss = float(model.compute_loss(x, y, logits))
    assert np.isfinite(loss) and loss > 0
    restored = Seq2Seq.from_config(model.get_config())
    restored.build()
    restored.set_weights(model.get_weights())
    np.testing.assert_allclose(logits_of(restored, x["source"], x["target_input"]),
                               np.asarray(logits), atol=1e-5)


def test_every_cell_is_available():
    assert sorted(CELLS) == sorted([
        "lstm", "gru", "simple_rnn", "peephole_lstm", "cifg_lstm", "coupled_gru",
        "layer_norm_lstm", "layer_norm_gru", "layer_norm_simple_rnn",
    ])


def test_construction_validation():
    with pytest.raises(ValueError, match="same length"):
        Seq2Seq.from_sequences(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="reserved token"):
        Seq2Seq.from_sequences(["a"], [["</s>"]])
    with pytest.raises(ValueError, match="cell"):
        Seq2Seq(5, 5, cell="transformer")
    with pytest.raises(ValueError, match="no vocabularies"):
        Seq2Seq(5, 5, **TINY).transduce(["a"])
    assert tiny_model().transduce([]) == []


@pytest.mark.slow
@pytest.mark.parametrize("scheduled_sampling", [None, "inverse_sigmoid"])
def test_learns_reversal_under_xla_with_varying_batch_shapes(scheduled_sampling):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(1)
    words = sorted({"".join(rng.choice(list("abcde"), rng.integers(1, 8))) for _ in range(3000)})
    rng.shuffle(words)
    train, test = words[:-100], words[-100:]
    model = Seq2Seq.from_sequences(
        train, [w[::-1] for w in train], units=32, embedding_dim=16, dropout=0.1,
        scheduled_sampling=scheduled_sampling, sampling_k=100.0, sampling_min=0.75, seed=0,
    )
    model.compile(optimizer=keras.optimizers.Adam(0.005, clipnorm=1.0), jit_compile=True)
    # multiple=1: every padded width from 1 to 8 occurs, so XLA sees many shapes.
    batches = Seq2SeqBatches(model, train, [w[::-1] for w in train], batch_size=64, multiple=1, seed=0)
    model.fit(**batches.fit_arguments(), epochs=20, verbose=0)
    if scheduled_sampling:
        assert int(model.sampling_step.numpy()) == 20 * len(batches)
        assert float(model.teacher_forcing_probability()) == 0.75
    outputs = model.transduce(test, beam_width=4, length_penalty=0.6)
    accuracy = np.mean(["".join(out) == w[::-1] for out, w in zip(outputs, test)])
    assert accuracy >= 0.95, accuracy
