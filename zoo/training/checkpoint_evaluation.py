"""Score a loaded model on a user's data file with its family's metrics.

`evaluate_on_file(model, path, **options)` is what `zoo eval NAME --data
PATH` runs. Each model family reads its usual file format and reports the
metrics its recipe reports:

| family | data | metrics |
|---|---|---|
| `SequenceTagger` | CoNLL-U, or CoNLL columns (`format="conll"`) | accuracy per label column, chunk P/R/F1 for IOB labels |
| `Seq2Seq`, `RerankedSeq2Seq` (G2P) | a CMUdict-format dictionary | WER and PER, with and without stress |
| `Seq2Seq` (other) | `source<TAB>target tokens` lines | sequence and token error rates |
| `WordVectors` | word pairs with scores, or analogy questions | Spearman and Pearson, or 3CosAdd accuracy |
"""

import os

from zoo.data.cmudict_reader import read_cmudict
from zoo.data.conllu_reader import CONLLU_COLUMNS
from zoo.data.tagged_file_reader import read_tagged_file
from zoo.data.tsv_pairs_reader import read_tsv_pairs


def evaluate_on_file(model, path, format=None, token_col=0, label_cols=None,
                     beam_width=1, task=None):
    """The metrics of `model` on the data in `path`.

    Args:
        model: a loaded zoo model (`zoo.load(name)`).
        path: str or path-like. The data file.
        format: taggers: `"conllu"` (default) or `"conll"`.
        token_col: int. Taggers, CoNLL format: the token column, default 0.
        label_cols: taggers, CoNLL format: the label column indexes, one
            per label column of the tagger, in its order (default: the last
            columns of the file).
        beam_width: int. Seq2Seq: beam width, default 1 (greedy).
        task: word vectors: `"similarity"` or `"analogy"`, default guessed
            from the file (analogy files have `: section` lines and four
            words per line).

    Returns:
        `(what, metrics)`: a line saying what was evaluated, and a flat dict
        of metric name to number.

    Raises:
        FileNotFoundError: there is no such file.
        DataFormatError: the file breaks its format (names file and line).
        ValueError: options that do not fit the model, or a model family
            with no evaluation on files.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No data file {path!r}")
    for family, evaluate in EVALUATORS.items():
        if family in {cls.__name__ for cls in type(model).__mro__}:
            return evaluate(
                model, path, format=format, token_col=token_col, label_cols=label_cols,
                beam_width=beam_width, task=task,
            )
    raise ValueError(
        f"{type(model).__name__} models have no evaluation on data files; "
        f"`zoo eval` knows {', '.join(EVALUATORS)}"
    )


def _evaluate_tagger(tagger, path, format=None, token_col=0, label_cols=None, **_):
    from zoo.training.tagger_evaluation import evaluate_tagger

    names = tagger.label_names
    format = format or "conllu"
    if format == "conllu":
        unknown = [name for name in names if name not in CONLLU_COLUMNS]
        if unknown:
            raise ValueError(
                f"The tagger's label columns {unknown} are not CoNLL-U columns: "
                "use --format conll with --label-cols"
            )
        label_cols = names
    elif format == "conll":
        if label_cols is None:
            label_cols = tuple(range(-len(names), 0))
        if len(label_cols) != len(names):
            raise ValueError(
                f"--label-cols names {len(label_cols)} columns, the tagger has "
                f"{len(names)} label columns ({', '.join(names)})"
            )
    sentences = read_tagged_file(path, format, label_cols, token_col, label_names=tuple(names))
    report = evaluate_tagger(tagger, sentences)
    metrics = {"sentences": len(sentences), "tokens": sum(len(s.tokens) for s in sentences)}
    for name in names:
        for metric, value in report[name].items():
            metrics[f"{name}_{metric}"] = value
    metrics["tokens_per_second"] = report["tokens_per_second"]
    return f"{type(tagger).__name__} on {path}", metrics


def _evaluate_seq2seq(model, path, beam_width=1, **_):
    from zoo.training.g2p_metrics import evaluate_g2p
    from zoo.training.g2p_metrics import phone_error_rate
    from zoo.training.g2p_metrics import word_error_rate

    if model.normalizer == "g2p_word":
        lexicon = read_cmudict(path)
        words = list(lexicon)
        predictions = model.transduce(words, beam_width=beam_width, unknown="replace")
        scores = evaluate_g2p(predictions, [lexicon[word] for word in words])
        what = f"grapheme-to-phoneme on {path}, beam {beam_width}"
        return what, scores
    sources, references = read_tsv_pairs(path)
    predictions = model.transduce(sources, beam_width=beam_width, unknown="replace")
    references = [[reference] for reference in references]
    metrics = {
        "sequences": len(sources),
        "sequence_error_rate": word_error_rate(predictions, references),
        "token_error_rate": phone_error_rate(predictions, references),
    }
    return f"Seq2Seq on {path}, beam {beam_width}", metrics


def _evaluate_word_vectors(vectors, path, task=None, **_):
    from zoo.training.word_vector_evaluation import evaluate_analogies
    from zoo.training.word_vector_evaluation import evaluate_word_similarity

    task = task or _guess_word_vector_task(path)
    if task == "similarity":
        report = evaluate_word_similarity(vectors, path)
    elif task == "analogy":
        report = evaluate_analogies(vectors, path)
    else:
        raise ValueError(f"--task must be similarity or analogy, got {task!r}")
    metrics = {name: value for name, value in report.items() if isinstance(value, (int, float))}
    return f"word {task} on {path}", metrics


def _guess_word_vector_task(path):
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            fields = line.split()
            if not fields or line.startswith("#"):
                continue
            return "analogy" if line.startswith(":") or len(fields) == 4 else "similarity"
    return "similarity"


EVALUATORS = {
    "SequenceTagger": _evaluate_tagger,
    "Seq2Seq": _evaluate_seq2seq,
    "RerankedSeq2Seq": _evaluate_seq2seq,
    "WordVectors": _evaluate_word_vectors,
}
