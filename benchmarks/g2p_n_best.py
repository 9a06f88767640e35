"""How often the right pronunciation is in the G2P model's beam: oracle n-best WER.

    KERAS_BACKEND=jax python benchmarks/g2p_n_best.py --words 4000     # first 4,000 dev words

Decodes the CMUdict dev split (`zlib.crc32(word) % 10 == 1`) with beam
search and `transduce(..., num_results=N)`, then scores, for each n up to
N, the oracle that picks a correct hypothesis among the n best when there
is one (the best otherwise): the word error rate (without stress) a perfect
reranker of the n-best list would reach. The gap between n = 1 and n = 2 is
what rescoring the top two (with a right-to-left model, say) can win at most.
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import zoo  # noqa: E402
from zoo.data.arpabet import strip_stress  # noqa: E402
from zoo.data.cmudict_reader import read_cmudict  # noqa: E402
from zoo.data.cmudict_split import cmudict_splits  # noqa: E402
from zoo.training.g2p_metrics import evaluate_g2p  # noqa: E402


def oracle_choice(hypotheses, references):
    """The first of `hypotheses` that is a reference without stress, else the first."""
    correct = {tuple(strip_stress(reference)) for reference in references}
    for hypothesis in hypotheses:
        if tuple(strip_stress(hypothesis)) in correct:
            return hypothesis
    return hypotheses[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default="g2p_cmudict_en")
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--words", type=int, default=0, help="the first N words (0: all)")
    parser.add_argument("--beam-width", type=int, default=5)
    args = parser.parse_args()

    model = zoo.load(args.checkpoint)
    lexicon = cmudict_splits(read_cmudict())[args.split]
    words = list(lexicon)[: args.words or None]
    references = [lexicon[word] for word in words]
    n_best = model.transduce(words, beam_width=args.beam_width, num_results=args.beam_width)
    print(f"{args.checkpoint}, {args.split}, {len(words):,} words, beam {args.beam_width}\n")
    print("| n best | oracle WER, no stress | oracle PER, no stress |\n|---|---|---|")
    for n in range(1, args.beam_width + 1):
        chosen = [oracle_choice(hypotheses[:n], refs) for hypotheses, refs in zip(n_best, references)]
        scores = evaluate_g2p(chosen, references)
        print(f"| {n} | {scores['wer_no_stress']:.2%} | {scores['per_no_stress']:.2%} |")


if __name__ == "__main__":
    main()
