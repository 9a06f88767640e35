"""without_start_up_lines: TensorFlow's start-up notes (lines as TensorFlow 2.21
writes them from C++ to file descriptor 2) are dropped, every other line is
passed on in order, and stderr is restored even when the block raises."""

import os

import pytest

from zoo.cli.quiet_start_up import without_start_up_lines

START_UP_NOTES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796684865.942513    9479 port.cc:153] oneDNN custom operations are on. "
    "You may see slightly different numerical results due to floating-point round-off errors",
    "I0000 00:00:1796684865.976843    9479 cpu_feature_guard.cc:227] This TensorFlow binary is "
    "optimized to use available CPU instructions in performance-critical operations.",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild "
    "TensorFlow with the appropriate compiler flags.",
]
OTHER_LINES = [
    "E0000 00:00:1758131045.203198 3722035 cuda_dnn.cc:8579] Unable to register cuDNN factory",
    "W0000 00:00:1758131045.228000 3722035 port.cc:99] a warning from the same file",
    "Traceback (most recent call last): a real error",
]


def write_lines(lines):
    for line in lines:
        os.write(2, (line + "\n").encode())


def test_only_the_start_up_notes_are_dropped(capfd):
    with without_start_up_lines():
        write_lines([START_UP_NOTES[0], OTHER_LINES[0], *START_UP_NOTES[1:], *OTHER_LINES[1:]])
    assert capfd.readouterr().err.splitlines() == OTHER_LINES


def test_stderr_is_restored_and_the_lines_kept_when_the_block_raises(capfd):
    with pytest.raises(ImportError, match="no backend"):
        with without_start_up_lines():
            write_lines([START_UP_NOTES[1], OTHER_LINES[2]])
            raise ImportError("no backend")
    os.write(2, b"after\n")
    assert capfd.readouterr().err.splitlines() == [OTHER_LINES[2], "after"]
