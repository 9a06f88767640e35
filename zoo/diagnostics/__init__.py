"""Stability and gradient-flow diagnostics for recurrent layers and models.

    from zoo import diagnostics
    report = diagnostics.diagnose(model)        # every recurrent cell of a model
    print(report.summary())                     # one screen
    report.write("diagnostics_my_model")        # report.json, summary.txt, PNGs

Per cell: the spectrum of the recurrent kernel per gate
(`recurrent_spectrum`), a BIBO and saturation test with bounded random,
constant and zero inputs (`stability_test`), and how long an input is
remembered, ||dh_t/dx_0|| (`input_memory`). Per model and batch: the
gradient of the loss with respect to every state, ||dLoss/dh_t||
(`gradient_flow`), before and after training (`compare_gradient_flow`).
`zoo diagnose NAME` runs it all on a checkpoint.
"""

from zoo.diagnostics.cell_anatomy import CellAnatomy
from zoo.diagnostics.cell_anatomy import describe_cell
from zoo.diagnostics.cell_trajectory import CellTrajectory
from zoo.diagnostics.cell_trajectory import run_cell
from zoo.diagnostics.diagnose import diagnose
from zoo.diagnostics.diagnostic_report import DiagnosticReport
from zoo.diagnostics.example_batch import ExampleBatch
from zoo.diagnostics.example_batch import example_batch
from zoo.diagnostics.find_recurrent_cells import FoundCell
from zoo.diagnostics.find_recurrent_cells import find_recurrent_cells
from zoo.diagnostics.find_recurrent_cells import find_rnn_layers
from zoo.diagnostics.gradient_flow import compare_gradient_flow
from zoo.diagnostics.gradient_flow import gradient_flow
from zoo.diagnostics.input_memory import input_memory
from zoo.diagnostics.spectrum import matrix_spectrum
from zoo.diagnostics.spectrum import recurrent_spectrum
from zoo.diagnostics.stability_test import stability_test
