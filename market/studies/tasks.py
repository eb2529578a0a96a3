"""The unit of work of a study: simulate one variant on one seed and reduce it to metrics.

:func:`run_task` runs in a Dask worker (or in-process for serial studies). It returns a small,
picklable :class:`RunRecord`; the run's full time series never leave the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from market.studies.metrics import FirmCost, Metrics, firm_costs, run_metrics, yearly_metrics
from market.studies.plan import RunTask


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Metrics of one finished run.

    Attributes
    ----------
    index, variant, seed
        Which task this is (see :class:`~market.studies.plan.RunTask`).
    metrics
        Whole-run metrics (:func:`~market.studies.metrics.run_metrics`).
    years
        Per-year metrics, each with ``year`` (:func:`~market.studies.metrics.yearly_metrics`).
    firms
        Size and cost per firm.
    """

    index: int
    variant: str
    seed: int
    metrics: Metrics
    years: tuple[Metrics, ...]
    firms: tuple[FirmCost, ...]


#: Signature of a task function: ``(task, attempt) -> record``; ``attempt`` counts from 0.
TaskFunction = Callable[[RunTask, int], RunRecord]


def run_task(task: RunTask, attempt: int = 0) -> RunRecord:
    """Simulate ``task``'s scenario and return its metrics.

    Parameters
    ----------
    task
        The variant scenario and seed.
    attempt
        0 for the first try, 1 for the retry (the result does not depend on it).
    """
    from market.config import parse_config
    from market.native_output import load_highs_quietly
    from market.runner import simulate

    load_highs_quietly()
    base_dir = None if task.data_dir is None else Path(task.data_dir)
    config = parse_config(
        task.scenario, source=f"{task.variant} (seed {task.seed})", base_dir=base_dir
    )
    summary = simulate(config).summary
    return RunRecord(
        index=task.index,
        variant=task.variant,
        seed=task.seed,
        metrics=run_metrics(summary),
        years=tuple(yearly_metrics(summary)),
        firms=tuple(firm_costs(summary)),
    )
