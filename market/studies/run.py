"""Run a planned study end to end: execute the runs, then write tables and the report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from market.studies.catalogue import DEFAULT_LANGUAGE
from market.studies.execute import ExecutionResult, Reporter, RunFailure, execute
from market.studies.metrics import default_targets
from market.studies.plan import StudyPlan
from market.studies.report import ReportInputs, render_report
from market.studies.tables import (
    console_table,
    firms_frame,
    runs_frame,
    summary_frame,
    write_tables,
)
from market.studies.tasks import RunRecord, TaskFunction, run_task


@dataclass(frozen=True, slots=True)
class ExecutionOptions:
    """How to execute a study's runs.

    Attributes
    ----------
    serial
        Run in this process without Dask.
    workers
        Local cluster size (default: all cores); ignored with ``scheduler``.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:port``).
    processes
        Local workers as processes (default) or threads.
    auto
        Run a study too small to pay for starting worker processes in this process (default);
        False: always start them (see :mod:`market.studies.placement`).
    progress
        Show a progress bar on standard error.
    """

    serial: bool = False
    workers: int | None = None
    scheduler: str | None = None
    processes: bool = True
    auto: bool = True
    progress: bool = False


@dataclass(frozen=True)
class StudyOutcome:
    """What :func:`run_study` produced."""

    plan: StudyPlan
    records: tuple[RunRecord, ...]
    failures: tuple[RunFailure, ...]
    retried: tuple[RunFailure, ...]
    runs: pd.DataFrame
    summary: pd.DataFrame
    firms: pd.DataFrame
    files: tuple[Path, ...]
    table: str
    placement: str = ""


def run_study(
    plan: StudyPlan,
    out_dir: Path,
    options: ExecutionOptions | None = None,
    *,
    task_function: TaskFunction = run_task,
    report: Reporter | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> StudyOutcome:
    """Execute every run of ``plan`` and write ``summary.csv``, ``runs.parquet``,
    ``firms.parquet`` and ``report.html`` into ``out_dir``.

    Parameters
    ----------
    plan
        From :func:`~market.studies.plan.load_study` or :func:`~market.studies.plan.plan_study`.
    out_dir
        Output folder (created).
    options
        Serial or Dask execution (default: a local Dask cluster on all cores).
    task_function
        Runs one task; ``(task, attempt) -> RunRecord``.
    report
        Receives a line per failed attempt (default: printed above the progress bar).
    language
        Language of the report's and the workbook's labels (``"en"`` or ``"zh"``).
    """
    opts = options if options is not None else ExecutionOptions()
    result: ExecutionResult = execute(
        plan.tasks,
        serial=opts.serial,
        workers=opts.workers,
        scheduler=opts.scheduler,
        processes=opts.processes,
        auto=opts.auto,
        task_function=task_function,
        report=report,
        progress=opts.progress,
    )
    runs = runs_frame(result.records)
    summary = summary_frame(result.records, plan.variants)
    firms = firms_frame(result.records)
    paths = write_tables(runs, summary, firms, out_dir, language)
    page = render_report(
        ReportInputs(
            name=plan.study.name,
            description=plan.study.description,
            variants=plan.variants,
            seeds=plan.seeds,
            runs=runs,
            summary=summary,
            firms=firms,
            targets=default_targets(),
            notes=plan.notes,
            failures=result.failures,
            sweep_keys=tuple(plan.study.sweep or {}),
            sweep_points={v.name: v.sweep_point for v in plan.study.variants},
            language=language,
        )
    )
    report_path = out_dir / "report.html"
    report_path.write_text(page, encoding="utf-8")
    files = (paths["summary"], paths["workbook"], paths["runs"], paths["firms"], report_path)
    return StudyOutcome(
        plan=plan,
        records=result.records,
        failures=result.failures,
        retried=result.retried,
        runs=runs,
        summary=summary,
        firms=firms,
        files=files,
        table=console_table(summary),
        placement=result.placement,
    )
