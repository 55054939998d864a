"""Evaluation (评估): the plan's indicators of a year with progress, warnings, department scorecards and
the LMDI decomposition of the CO2 change, each stored as a calculation run with lineage.

Modules, each importing only those above it (no cycle):

- :mod:`.inputs` — what an evaluation reads (inventory results, fuels, approved report rows) as frames;
- :mod:`.kernels` — an indicator's measure per year or month from the inputs; the :data:`KERNELS` registry;
- :mod:`.series` — one numeric indicator's annual rows: value, status, lights, completion, forecast;
- :mod:`.milestones` — milestones from approved evidence;
- :mod:`.values` — every indicator's rows of a year (:func:`compute_values`);
- :mod:`.alerts` — warnings: detect (by kind, one module each), store and resolve, list;
- :mod:`.scorecards` — department scorecards;
- :mod:`.run` — :func:`evaluate` (the use case) and the stored ``evaluate --json`` payload;
- :mod:`.decomposition` — :func:`decompose`, LMDI-I between two years' inventories;
- :mod:`.views` — the evaluation as the web pages and the stage report show it (cached per data version).

The statistics behind the anomaly warnings are in :mod:`transcarbon.methods.anomaly`, the progress rules in
:mod:`transcarbon.methods.progress`, forecasts in :mod:`transcarbon.methods.forecast`, LMDI in
:mod:`transcarbon.methods.lmdi`.
"""

from transcarbon.services.evaluation.alerts import (
    SEVERITY_ORDER,
    Found,
    list_warnings,
    open_warnings_json,
    readable,
    warning_json,
)
from transcarbon.services.evaluation.decomposition import Decomposition, DecompositionError, decompose
from transcarbon.services.evaluation.inputs import Inputs, load_inputs
from transcarbon.services.evaluation.kernels import KERNELS
from transcarbon.services.evaluation.run import (
    LIGHTS,
    Evaluation,
    evaluate,
    evaluation_payload,
    latest_evaluation_run,
    stored_values,
    target_key,
)
from transcarbon.services.evaluation.scorecards import compute_scorecards, stored_scorecards
from transcarbon.services.evaluation.values import compute_values
from transcarbon.services.evaluation.views import decomposition_between, department_scorecards, year_evaluation

__all__ = [
    "KERNELS",
    "LIGHTS",
    "SEVERITY_ORDER",
    "Decomposition",
    "DecompositionError",
    "Evaluation",
    "Found",
    "Inputs",
    "compute_scorecards",
    "compute_values",
    "decompose",
    "decomposition_between",
    "department_scorecards",
    "evaluate",
    "evaluation_payload",
    "latest_evaluation_run",
    "list_warnings",
    "load_inputs",
    "open_warnings_json",
    "readable",
    "stored_scorecards",
    "stored_values",
    "target_key",
    "warning_json",
    "year_evaluation",
]
