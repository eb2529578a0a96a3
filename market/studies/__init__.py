"""Policy studies: variants of a base scenario on common seeds, metrics, report.

``greenmarket compare STUDY.yaml`` is built from these parts: :func:`load_study` plans the runs,
:func:`run_study` executes them (serially or on Dask distributed) and writes ``summary.csv``,
``runs.parquet``, ``firms.parquet`` and ``report.html``.
"""

from market.studies.errors import OverrideError, StudyError
from market.studies.execute import (
    ExecutionError,
    ExecutionResult,
    RunFailure,
    dask_client,
    execute,
    run_on_client,
    run_serial,
)
from market.studies.measures import (
    Burden,
    Interval,
    Peak,
    gini,
    interval,
    peak,
    smallest_share_burden,
)
from market.studies.metrics import (
    FirmCost,
    PlanTargets,
    default_targets,
    firm_costs,
    run_metrics,
    yearly_metrics,
)
from market.studies.overrides import apply_overrides
from market.studies.plan import RunTask, StudyPlan, load_study, parse_study, plan_study
from market.studies.report import ReportInputs, render_report
from market.studies.run import ExecutionOptions, StudyOutcome, run_study
from market.studies.schema import StudyConfig, VariantConfig
from market.studies.tasks import RunRecord, run_task

__all__ = [
    "Burden",
    "ExecutionError",
    "ExecutionOptions",
    "ExecutionResult",
    "FirmCost",
    "Interval",
    "OverrideError",
    "Peak",
    "PlanTargets",
    "ReportInputs",
    "RunFailure",
    "RunRecord",
    "RunTask",
    "StudyConfig",
    "StudyError",
    "StudyOutcome",
    "StudyPlan",
    "VariantConfig",
    "apply_overrides",
    "dask_client",
    "default_targets",
    "execute",
    "firm_costs",
    "gini",
    "interval",
    "load_study",
    "parse_study",
    "peak",
    "plan_study",
    "render_report",
    "run_metrics",
    "run_on_client",
    "run_serial",
    "run_study",
    "run_task",
    "smallest_share_burden",
    "yearly_metrics",
]
