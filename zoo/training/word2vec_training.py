"""The training loop of `SkipGram` and `CBOW`: linear learning-rate decay, words/s."""

import queue
import threading
import time

import keras
import numpy as np

from zoo.argument_checks import check_positive_integer
from zoo.models.skip_gram import SkipGram
from zoo.training.distribution import distribution_active
from zoo.training.word2vec_batches import Word2VecBatches


def train_word2vec(
    model,
    corpus,
    epochs=5,
    batch_size=1024,
    steps_per_execution=8,
    window=5,
    negative=5,
    sample=1e-3,
    learning_rate=None,
    min_learning_rate=1e-4,
    seed=None,
    jit_compile=True,
    verbose=1,
    callbacks=None,
):
    """Train a `SkipGram` or `CBOW` on a `TextCorpus`, as word2vec does.

    The learning rate decays linearly with the words processed, from
    `learning_rate` at the start to `min_learning_rate` at the end of the
    last epoch (word2vec's and gensim's schedule). Batches are made in a
    background thread (`Word2VecBatches`, as backend tensors) while the
    compiled step runs; the step compiles once per batch width. One call
    of the compiled step runs `steps_per_execution` SGD steps of
    `batch_size` center words, in order (stacked inputs, see
    `Word2VecModel`), as Keras' `steps_per_execution` does for `fit`:
    the same updates, without a return to Python after each.
    The progress bar counts corpus words and shows the loss and words/s.

    Args:
        model: a `SkipGram` or `CBOW` whose `vocabulary_size` is the
            corpus's.
        corpus: `zoo.data.TextCorpus`.
        epochs: int. Passes over the corpus, default 5.
        batch_size: int. Center words per step, default 1024.
        steps_per_execution: int. Steps per call of the compiled step,
            default 8. Under a distribution (`--distribute`) it is 1: each
            step's batch is split over the devices.
        window: int. Largest context distance, default 5.
        negative: int. Noise words per center word, default 5.
        sample: float. Subsampling threshold of frequent words, default
            1e-3 (0: keep all).
        learning_rate: float or None. Initial SGD step, default the
            model's (0.025).
        min_learning_rate: float. The step at the end, default 1e-4.
        seed: int or None. Seeds subsampling, windows and noise words.
        jit_compile: bool. Compile the step with XLA, default True.
        verbose: 0 (silent) or 1 (progress bar), default 1.
        callbacks: list of `keras.callbacks.Callback`, called as `fit`
            calls them with the batch and epoch `loss` (so
            `NonFiniteLossStop` and `TensorBoard` work); one that sets
            `model.stop_training` stops training after the batch. As in
            `fit`, a `keras.callbacks.BackupAndRestore` (or
            `PeriodicBackupAndRestore`) restores its saved tables and
            training goes on after its last saved epoch, the learning rate
            where that epoch left it.

    Returns:
        A dict of per-epoch lists over the epochs this call trained: `loss`
        (mean over the epoch's batches), `words_per_second` and `seconds`;
        and `initial_epoch`, the epochs a backup had already done.
    """
    if model.vocabulary_size != corpus.vocabulary_size:
        raise ValueError(
            f"The model has vocabulary_size {model.vocabulary_size} but the corpus "
            f"has {corpus.vocabulary_size} words; build the model with "
            "`vocabulary_size=corpus.vocabulary_size`"
        )
    check_positive_integer("epochs", epochs)
    check_positive_integer("steps_per_execution", steps_per_execution)
    # Skip-gram's pairs train independently, so a center's contexts may be
    # split over rows: at most `window` a row keeps the pairs of a batch
    # near the average (see `Word2VecBatches`).
    max_width = window if isinstance(model, SkipGram) else None
    steps = 1 if distribution_active() else steps_per_execution
    batches = Word2VecBatches(
        corpus, batch_size * steps, window, negative, sample, seed, max_width=max_width
    )
    start_rate = model.learning_rate if learning_rate is None else float(learning_rate)
    if not model.compiled:
        # The model updates its own embeddings; the optimizer has no weights.
        model.compile(optimizer="sgd", jit_compile=jit_compile)
    total_words = batches.words_per_epoch * epochs
    progress = keras.utils.Progbar(
        total_words, verbose=verbose, unit_name="word", stateful_metrics=["words/s"]
    )
    history = {"loss": [], "words_per_second": [], "seconds": [], "initial_epoch": 0}
    if not model.built:
        model.build()
    callbacks = keras.callbacks.CallbackList(
        list(callbacks or ()), model=model, epochs=epochs, verbose=verbose
    )
    model.stop_training = False
    callbacks.on_train_begin()
    # Where a BackupAndRestore callback left off, as `fit` reads it.
    initial_epoch = min(model._initial_epoch or 0, epochs)
    model._initial_epoch = None
    history["initial_epoch"] = initial_epoch
    words_done = float(initial_epoch * batches.words_per_epoch)
    step = 0
    if initial_epoch:
        progress.update(int(words_done))
    for epoch in range(initial_epoch, epochs):
        callbacks.on_epoch_begin(epoch)
        started = time.perf_counter()
        losses = []
        for batch, words in _prefetched(_as_tensors(batches.epoch(), steps)):
            # Each step's rate where its share of the call's words begins.
            fraction = (words_done + words * np.arange(steps) / steps) / total_words
            rate = start_rate - (start_rate - min_learning_rate) * np.minimum(fraction, 1.0)
            rate = np.maximum(rate, min_learning_rate).astype(np.float32)
            batch["learning_rate"] = np.repeat(rate[:, None], batch_size, axis=1)
            if steps == 1:
                batch["learning_rate"] = batch["learning_rate"][0]
            losses.append(float(model.train_on_batch(batch)))
            words_done += words
            elapsed = time.perf_counter() - started
            epoch_words = words_done - epoch * batches.words_per_epoch
            progress.update(
                min(int(words_done), total_words),
                [("loss", losses[-1]), ("words/s", int(epoch_words / elapsed))],
            )
            callbacks.on_train_batch_end(step, {"loss": losses[-1]})
            step += 1
            if model.stop_training:
                break
        seconds = time.perf_counter() - started
        if not losses and not model.stop_training:
            raise ValueError(
                f"An epoch of {corpus} produced no training pairs: subsampling "
                f"(sample={sample}) dropped nearly every word of this small corpus; "
                "use sample=0 or a larger corpus"
            )
        history["loss"].append(float(np.mean(losses)) if losses else float("nan"))
        history["words_per_second"].append(batches.words_per_epoch / seconds)
        history["seconds"].append(seconds)
        callbacks.on_epoch_end(epoch, {"loss": history["loss"][-1]})
        if model.stop_training:
            break
    callbacks.on_train_end()
    return history


def _as_tensors(batches, steps):
    """The batches' arrays as backend tensors, converted in `_prefetched`'s
    thread instead of in `train_on_batch`; with `steps` > 1 stacked as
    `steps` batches ([steps, batch_size, ...])."""
    for batch, words in batches:
        if steps > 1:
            batch = {name: array.reshape(steps, -1, *array.shape[1:]) for name, array in batch.items()}
        yield {name: keras.ops.convert_to_tensor(array) for name, array in batch.items()}, words


def _prefetched(iterator, depth=4):
    """Run `iterator` in a background thread, `depth` items ahead.

    Closing the generator early (a `break` in the consumer) stops the
    thread instead of leaving it blocked on a full queue.
    """
    items = queue.Queue(maxsize=depth)
    done = object()
    failure = []
    closed = threading.Event()

    def put(item):
        while not closed.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def produce():
        try:
            for item in iterator:
                if not put(item):
                    return
        except BaseException as error:  # re-raised in the consumer
            failure.append(error)
        finally:
            put(done)

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is done:
                break
            yield item
    finally:
        closed.set()
        thread.join()
    if failure:
        raise failure[0]
