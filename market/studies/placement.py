"""Where a study's runs go: in this process, or on Dask worker processes.

Starting worker processes costs seconds (a new interpreter each, importing the engine), so it
pays only when the runs take much longer than that. :func:`estimated_run_s` estimates one run's
time from its scenario (simulated steps, parks and firms); :func:`choose_placement` weighs the
study's estimated serial time against the start-up of the workers and picks the faster, with
no more workers than cores left free by other work (:func:`idle_cores`, from the load average):
workers sharing busy cores run no faster than this process. Pure functions: nothing here starts
or times anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from market.studies.plan import RunTask

RUN_FIXED_S = 0.05
"""Time of a run besides its steps (building the simulation, summarising) [s].

The three constants are fitted to the CPU time of runs of the shipped studies on the 2-core
reference machine (``quick``: 0.15-0.28 s a run, ``battery_pv_sizing``: 0.35 s,
``allocation_rules``: 3.6 s)."""

PARK_STEP_S = 5e-4
"""Time per park and simulated step (dispatch, markets, accounting) [s]."""

FIRM_STEP_S = 2.5e-5
"""Time per firm and simulated step [s]."""

WORKER_STARTUP_S = 4.0
"""Starting the workers and importing the engine in each [s]; measured (3-5 s for 2 workers on
the 2-core reference machine)."""

SPEED_UP_MARGIN = 1.25
"""Workers are used only when the estimated serial time exceeds this times their estimated
wall time (start-up included), so an estimate that is somewhat off never makes a study slower."""

DAYS_PER_YEAR = 365.25
MONTHS_PER_YEAR = 12


@dataclass(frozen=True, slots=True)
class Placement:
    """Where to run a study's tasks.

    Attributes
    ----------
    workers
        Worker processes to start; 0 means in this process, one run after the other.
    estimated_serial_s
        Estimated time of all runs one after the other [s].
    estimated_parallel_s
        Estimated wall time on ``max(workers, 1)`` workers, their start-up included [s].
    usable_workers
        Workers the study could have had (cores free and allowed, at most one per run).
    """

    workers: int
    estimated_serial_s: float
    estimated_parallel_s: float
    usable_workers: int = 0

    @property
    def in_process(self) -> bool:
        """True when the runs go in this process."""
        return self.workers == 0

    def describe(self, runs: int) -> str:
        """One line for the console."""
        if self.in_process and self.usable_workers < 2:
            return (
                f"running {runs} run(s) in this process: about {self.estimated_serial_s:.0f} s "
                "of work, and fewer than 2 cores are free (or allowed) for workers"
            )
        if self.in_process:
            return (
                f"running {runs} run(s) in this process: about {self.estimated_serial_s:.0f} s "
                f"of work, too little to pay for starting workers (about "
                f"{WORKER_STARTUP_S:.0f} s)"
            )
        return (
            f"running {runs} runs on {self.workers} worker processes: about "
            f"{self.estimated_serial_s:.0f} s of work, about {self.estimated_parallel_s:.0f} s "
            "with start-up"
        )


def simulated_steps(time: Mapping[str, Any]) -> float:
    """Steps a run simulates: the horizon in steps, scaled down for representative days."""
    step_h = float(time.get("step_h", 1.0))
    steps = float(time.get("horizon_h", 24.0 * 7)) / step_h
    days = time.get("representative_days_per_month")
    if days:
        steps *= min(1.0, MONTHS_PER_YEAR * int(days) / DAYS_PER_YEAR)
    return steps


def estimated_run_s(scenario: Mapping[str, Any]) -> float:
    """Estimated time of one run of a validated scenario (as a plain mapping) [s]."""
    parks = scenario.get("parks", [])
    firms = sum(len(park.get("firms", [])) for park in parks)
    steps = simulated_steps(scenario.get("time", {}))
    return RUN_FIXED_S + steps * (PARK_STEP_S * len(parks) + FIRM_STEP_S * firms)


def idle_cores(cores: int, load_average: float) -> int:
    """Cores other work leaves free: the cores less the load average, counting this process's
    own share (one runnable process) as free, rounded to the nearest whole core."""
    return max(0, min(cores, round(cores - load_average + 1.0)))


def choose_placement(
    tasks: Sequence[RunTask], max_workers: int, free_cores: int | None = None
) -> Placement:
    """Run in this process or on up to ``max_workers`` worker processes, whichever is faster.

    Parameters
    ----------
    tasks
        The study's runs.
    max_workers
        Most worker processes to start (the cores, or the user's ``--workers``).
    free_cores
        Cores not busy with other work (:func:`idle_cores`); workers beyond them would only
        share the same cores. None: all of ``max_workers``.
    """
    serial_s = sum(estimated_run_s(task.scenario) for task in tasks)
    usable = max_workers if free_cores is None else min(max_workers, free_cores)
    workers = min(usable, len(tasks))
    if workers < 2:
        return Placement(0, serial_s, serial_s, workers)
    # Runs are whole: the slowest worker gets ceil(runs / workers) of them.
    rounds = -(-len(tasks) // workers)
    parallel_s = WORKER_STARTUP_S + serial_s * rounds / len(tasks)
    if serial_s > SPEED_UP_MARGIN * parallel_s:
        return Placement(workers, serial_s, parallel_s, workers)
    return Placement(0, serial_s, parallel_s, workers)
