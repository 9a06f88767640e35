"""`import_keras_quietly`: Keras and its backend loaded without TensorFlow's start-up log lines."""

import contextlib
import importlib
import os
import re
import sys
import tempfile

# What TensorFlow's C++ code writes to file descriptor 2 while it loads, before
# TF_CPP_MIN_LOG_LEVEL takes effect (TensorFlow 2.21 prints it at any level):
# the oneDNN and CPU-instruction notes and absl's note about its own logging.
START_UP_LINE = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called"
    r"|^I\d{4} [\d:.]+ +\d+ (port|cpu_feature_guard)\.cc:\d+\]"
    r"|^To enable the following instructions:"
)


@contextlib.contextmanager
def without_start_up_lines():
    """Hold back what native code writes to stderr inside the block, then
    pass on every line except TensorFlow's start-up notes (`START_UP_LINE`)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(True) if not START_UP_LINE.search(line)]
            sys.stderr.write("".join(kept))
            sys.stderr.flush()


def import_keras_quietly():
    """Import Keras (and so its backend) once, dropping only TensorFlow's
    start-up notes; warnings and errors written while loading still show."""
    if "keras" in sys.modules:
        return
    with without_start_up_lines():
        importlib.import_module("keras")
