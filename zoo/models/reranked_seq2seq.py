"""`RerankedSeq2Seq`: a `Seq2Seq` whose n-best list a second one rescores."""

import os

import keras
import numpy as np

from zoo.argument_checks import check_non_negative_number
from zoo.argument_checks import check_positive_integer
from zoo.argument_checks import check_positive_number
from zoo.models.seq2seq import Seq2Seq
from zoo.models.seq2seq import check_num_results

GENERATOR_DIR = "generator"
RESCORER_DIR = "rescorer"


def margin_mask(scores, margin):
    """Which of an n-best list's generator `scores` (best first) a rescoring
    `margin` m keeps: the best and each score less than m behind it, as a
    boolean array (all True when m is None).

    The one rule `RerankedSeq2Seq` and `recipes/g2p_rerank.py` (which
    tunes m) share.
    """
    scores = np.asarray(scores, dtype="float64")
    if margin is None:
        return np.ones(scores.shape, dtype=bool)
    return scores[0] - scores < margin


@keras.saving.register_keras_serializable(package="zoo")
class RerankedSeq2Seq(keras.Model):
    """Beam search with one `Seq2Seq`, the choice made with two.

    The generator's beam search proposes the N best outputs Y_1 .. Y_N of
    an input x (N = the beam width); each is scored again by the rescorer,
    and the best combined score wins:

        s(Y) = log p_gen(Y | x) + w * log p_resc(Y | x)

    (the generator's score divided by the length penalty, if one is given;
    w = `rescorer_weight`, tuned on held-out data). With a `rescore_margin`
    m, only the hypotheses within m of the generator's best are rescored,

        log p_gen(Y_1 | x) - log p_gen(Y_k | x) < m,

    and a word whose best stands alone keeps it unscored: the rescorer
    seldom overturns a clear lead, and most words have one, so this skips
    most of the rescoring (m is tuned on held-out data too). A rescorer that writes
    the outputs right to left (`Seq2Seq(reverse_targets=True)`) makes
    different mistakes from a left-to-right generator, at the other end of
    the output, which is why this helps (Liu et al. 2016, "Agreement on
    Target-bidirectional Neural Machine Translation"; Sennrich, Haddow &
    Birch 2016, "Edinburgh Neural Machine Translation Systems for WMT 16").

    It reads and writes like a `Seq2Seq` (`transduce`, `score`,
    `predict_text`, `demo_inputs`, the generator's `vocabularies`); a
    checkpoint holds both models. `recipes/g2p_rerank.py` builds the G2P one.

    Args:
        generator: `Seq2Seq`, the model whose beam search proposes.
        rescorer: `Seq2Seq` with the generator's vocabularies.
        rescorer_weight: float >= 0, w above. Default 1.
        rescore_margin: float > 0 or None, m above. Default None: every
            hypothesis of the n-best list is rescored.

    Example:

    >>> keras.utils.set_random_seed(0)
    >>> words = ["ab", "ba", "abc", "cab"]
    >>> reverse = [w[::-1] for w in words]
    >>> generator = Seq2Seq.from_sequences(words, reverse, units=8, embedding_dim=8)
    >>> rescorer = Seq2Seq.from_sequences(words, reverse, units=8, embedding_dim=8,
    ...                                   reverse_targets=True)
    >>> model = RerankedSeq2Seq(generator, rescorer, rescorer_weight=0.5,
    ...                         rescore_margin=3.0)
    >>> outputs = model.transduce(["abc", "ca"], beam_width=3)
    >>> len(outputs), all(set(out) <= set("abc") for out in outputs)
    (2, True)
    """

    def __init__(self, generator, rescorer, rescorer_weight=1.0, rescore_margin=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(generator, dict):
            generator = keras.saving.deserialize_keras_object(generator)
        if isinstance(rescorer, dict):
            rescorer = keras.saving.deserialize_keras_object(rescorer)
        for role, model in (("generator", generator), ("rescorer", rescorer)):
            if not isinstance(model, Seq2Seq):
                raise ValueError(f"The {role} must be a Seq2Seq, got {type(model).__name__}")
        self.generator = generator
        self.rescorer = rescorer
        self.rescorer_weight = check_non_negative_number("rescorer_weight", rescorer_weight)
        self.rescore_margin = (
            None if rescore_margin is None else check_positive_number("rescore_margin", rescore_margin)
        )
        if generator.vocabularies and rescorer.vocabularies:
            self.check_vocabularies()
        self.built = generator.built and rescorer.built

    def check_vocabularies(self):
        """ValueError unless both models read and write the same tokens."""
        for name in ("source", "target"):
            if self.generator.vocabularies[name] != self.rescorer.vocabularies[name]:
                raise ValueError(
                    f"The generator and the rescorer have different {name} vocabularies: "
                    "the rescorer must score the generator's tokens"
                )

    def build(self, input_shape=None):
        self.generator.build_for_inference()
        self.rescorer.build_for_inference()
        self.built = True

    # ---- what a Seq2Seq user reads ---------------------------------------

    @property
    def vocabularies(self):
        return self.generator.vocabularies

    @property
    def demo_inputs(self):
        return self.generator.demo_inputs

    @property
    def normalizer(self):
        return self.generator.normalizer

    @property
    def max_decode_length(self):
        return self.generator.max_decode_length

    def save_assets(self, directory):
        for folder, model in ((GENERATOR_DIR, self.generator), (RESCORER_DIR, self.rescorer)):
            os.makedirs(os.path.join(directory, folder), exist_ok=True)
            model.save_assets(os.path.join(directory, folder))

    def load_assets(self, directory):
        self.generator.load_assets(os.path.join(directory, GENERATOR_DIR))
        self.rescorer.load_assets(os.path.join(directory, RESCORER_DIR))
        self.check_vocabularies()
        self.build()

    # ---- transducing -----------------------------------------------------

    def transduce(self, inputs, beam_width=5, return_scores=False, max_length=None,
                  length_penalty=0.0, unknown="error", batch_size=256, num_results=None):
        """`Seq2Seq.transduce`, the generator's n-best list reranked.

        Args: those of `Seq2Seq.transduce`; the beam width (default 5) is
        the n-best list's size. `beam_width=1` is the generator's greedy
        output (there is nothing to choose from).

        Returns:
            As `Seq2Seq.transduce`; the scores are s(Y) above. With a
            `rescore_margin`, the hypotheses it leaves out are not among
            the `num_results`.
        """
        beam_width = check_positive_integer("beam_width", beam_width)
        num_results = check_num_results(num_results, beam_width)
        if beam_width == 1 and not return_scores:
            found = self.generator.transduce(inputs, 1, max_length=max_length, unknown=unknown,
                                             batch_size=batch_size)
            return [[tokens] for tokens in found] if num_results else found
        n_best = self.generator.transduce(
            inputs, beam_width, return_scores=True, max_length=max_length,
            length_penalty=length_penalty, unknown=unknown, batch_size=batch_size,
            num_results=beam_width,
        )
        candidates = [self.within_margin(hypotheses) for hypotheses in n_best]
        # The best alone needs no rescoring, unless its score s(Y) is asked for.
        rescored = self.rescorer.score_n_best(
            inputs, [[tokens for tokens, _ in hypotheses]
                     if len(hypotheses) > 1 or return_scores else []
                     for hypotheses in candidates],
            unknown=unknown, batch_size=batch_size,
        )
        results = []
        for hypotheses, extra in zip(candidates, rescored):
            if len(extra):
                combined = [score + self.rescorer_weight * more
                            for (_, score), more in zip(hypotheses, extra)]
                order = np.argsort(-np.array(combined), kind="stable")[: num_results or 1]
                ranked = [(hypotheses[k][0], float(combined[k])) if return_scores
                          else hypotheses[k][0] for k in order]
            else:
                ranked = [hypotheses[0][0]]
            results.append(ranked if num_results else ranked[0])
        return results

    def within_margin(self, hypotheses):
        """The `(tokens, score)` hypotheses (best first) that `rescore_margin`
        leaves to rescore: the best, and those less than the margin behind."""
        kept = margin_mask([score for _, score in hypotheses], self.rescore_margin)
        return [hypothesis for hypothesis, keep in zip(hypotheses, kept) if keep]

    def score(self, inputs, outputs, unknown="error", batch_size=256):
        """s(Y) of given outputs (`Seq2Seq.score` of each model, combined)."""
        return self.generator.score(inputs, outputs, unknown, batch_size) + (
            self.rescorer_weight * self.rescorer.score(inputs, outputs, unknown, batch_size)
        )

    def predict_text(self, inputs):
        """For `zoo predict`: `input<TAB>output tokens joined by spaces`,
        one line per input (beam 5, reranked)."""
        outputs = self.transduce(inputs, beam_width=5)
        return [f"{item}\t{' '.join(tokens)}" for item, tokens in zip(inputs, outputs)]

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "rescorer": keras.saving.serialize_keras_object(self.rescorer),
            "rescorer_weight": self.rescorer_weight,
            "rescore_margin": self.rescore_margin,
        }
