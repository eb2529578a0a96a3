"""Run a study's tasks serially or on Dask distributed, retrying each failed run once.

By default (:func:`execute` with ``auto=True``) a study whose runs are estimated to take less
time than starting worker processes runs in this process (see
:mod:`market.studies.placement`), so a small study is never slower on Dask than serially. Local
worker processes are started once per study and warmed (each simulates one day of a small park
while the cluster starts). Both executors return the same :class:`ExecutionResult`, with
records sorted by task index, so the files written from a Dask run are identical to those of a
serial run. A run that fails is reported through a callback and resubmitted once; the other
runs carry on regardless. The task function is a parameter (default
:func:`~market.studies.tasks.run_task`), so a caller can wrap it.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from tqdm import tqdm

from market.studies.placement import choose_placement, idle_cores
from market.studies.plan import RunTask
from market.studies.tasks import RunRecord, TaskFunction, run_task

MAX_ATTEMPTS = 2
WARMUP_MODULE = "market.studies.worker_warmup"
Reporter = Callable[[str], None]


class ExecutionError(ValueError):
    """Execution options are invalid (e.g. a worker count below 1)."""


@dataclass(frozen=True, slots=True)
class RunFailure:
    """A failed attempt of a run.

    Attributes
    ----------
    index, variant, seed
        Which task failed.
    attempt
        0 for the first try, 1 for the retry.
    error
        ``ExceptionType: message``.
    """

    index: int
    variant: str
    seed: int
    attempt: int
    error: str

    def describe(self) -> str:
        """One line for the console."""
        where = f"run {self.variant} / seed {self.seed}"
        return f"{where} failed (attempt {self.attempt + 1}): {self.error}"


@dataclass(frozen=True)
class ExecutionResult:
    """What came back from executing a study's tasks.

    Attributes
    ----------
    records
        Successful runs, sorted by task index.
    failures
        Runs that failed on every attempt (their last failure).
    retried
        First-attempt failures that were retried (whatever the retry's outcome).
    placement
        Where the runs went, one line for the console (empty when the caller chose).
    """

    records: tuple[RunRecord, ...]
    failures: tuple[RunFailure, ...]
    retried: tuple[RunFailure, ...]
    placement: str = ""


def _error_text(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return "".join(lines).strip().splitlines()[-1] if lines else type(exc).__name__


class _Tracker:
    """Book-keeping shared by both executors: progress bar, reports, retries."""

    def __init__(self, total: int, report: Reporter | None, progress: bool, label: str) -> None:
        self.bar: Any = tqdm(
            total=total, desc=label, unit="run", disable=not progress, file=sys.stderr
        )
        self.report = report
        self.records: list[RunRecord] = []
        self.failures: list[RunFailure] = []
        self.retried: list[RunFailure] = []

    def say(self, message: str) -> None:
        if self.report is not None:
            self.report(message)
        else:
            tqdm.write(message, file=sys.stderr)

    def done(self, record: RunRecord) -> None:
        self.records.append(record)
        self.bar.update(1)

    def failed(self, task: RunTask, attempt: int, exc: BaseException) -> bool:
        """Record a failure; return True when the run should be retried."""
        failure = RunFailure(task.index, task.variant, task.seed, attempt, _error_text(exc))
        retry = attempt + 1 < MAX_ATTEMPTS
        if retry:
            self.retried.append(failure)
            self.say(failure.describe() + "; retrying")
        else:
            self.failures.append(failure)
            self.say(failure.describe() + "; giving up on this run")
            self.bar.update(1)
        return retry

    def result(self) -> ExecutionResult:
        self.bar.close()
        key = attrgetter("index")
        return ExecutionResult(
            records=tuple(sorted(self.records, key=key)),
            failures=tuple(sorted(self.failures, key=key)),
            retried=tuple(sorted(self.retried, key=key)),
        )


def run_serial(
    tasks: Sequence[RunTask],
    *,
    task_function: TaskFunction = run_task,
    report: Reporter | None = None,
    progress: bool = False,
) -> ExecutionResult:
    """Run the tasks one after the other in this process."""
    tracker = _Tracker(len(tasks), report, progress, "runs")
    for task in tasks:
        attempt = 0
        while True:
            try:
                record = task_function(task, attempt)
            except Exception as exc:  # a run's failure must not stop the study
                if tracker.failed(task, attempt, exc):
                    attempt += 1
                    continue
                break
            tracker.done(record)
            break
    return tracker.result()


def run_on_client(
    tasks: Sequence[RunTask],
    client: Any,
    *,
    task_function: TaskFunction = run_task,
    report: Reporter | None = None,
    progress: bool = False,
) -> ExecutionResult:
    """Run the tasks on a connected ``distributed.Client``, collecting them as they complete."""
    from distributed import as_completed

    token = uuid.uuid4().hex[:12]
    tracker = _Tracker(len(tasks), report, progress, "runs")
    pending: dict[Any, tuple[RunTask, int]] = {}

    def submit(task: RunTask, attempt: int) -> Any:
        key = f"greenmarket-run-{token}-{task.index}-{attempt}"
        future = client.submit(task_function, task, attempt, key=key, pure=False)
        pending[future] = (task, attempt)
        return future

    queue = as_completed([submit(task, 0) for task in tasks])
    for future in queue:
        task, attempt = pending.pop(future)
        try:
            record = future.result()
        except Exception as exc:  # the worker's exception, re-raised here
            if tracker.failed(task, attempt, exc):
                queue.add(submit(task, attempt + 1))
            continue
        finally:
            future.release()
        tracker.done(record)
    return tracker.result()


@contextmanager
def dask_client(
    workers: int | None = None, scheduler: str | None = None, *, processes: bool = True
) -> Iterator[Any]:
    """A ``distributed.Client``: on an existing scheduler, or on a new ``LocalCluster``.

    Parameters
    ----------
    workers
        Worker count of the local cluster (default: all cores), one thread each. Worker
        processes preload :mod:`market.studies.worker_warmup`, so the cluster is warm once it
        has started.
    scheduler
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``; its workers need
        greenmarket installed. When given, ``workers`` and ``processes`` are ignored.
    processes
        Workers as separate processes (True, the default) or threads of this process.
    """
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n < 1:
        raise ExecutionError(f"workers: got {n}; allowed: a whole number >= 1")
    # No dashboard here, so the workers' statistical profiler (a stack sample every 10 ms,
    # taken while the run holds the interpreter) would only cost time. Dask also has workers
    # hand freed memory back to the system at 64 KiB (MALLOC_TRIM_THRESHOLD_); a run's arrays
    # are allocated and freed every step, so that costs page faults (about 6 % more CPU time
    # measured on allocation_rules.yaml): the C library's own threshold is kept instead.
    environ = {
        name: value
        for name, value in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
        if name != "MALLOC_TRIM_THRESHOLD_"
    }
    settings = {
        "distributed.worker.profile.enabled": False,
        "distributed.nanny.pre-spawn-environ": environ,
    }
    with dask.config.set(settings):
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,  # failed runs are reported by the tracker
            preload=[WARMUP_MODULE] if processes else [],
        )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def execute(
    tasks: Sequence[RunTask],
    *,
    serial: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    processes: bool = True,
    auto: bool = True,
    task_function: TaskFunction = run_task,
    report: Reporter | None = None,
    progress: bool = False,
) -> ExecutionResult:
    """Run the tasks serially or on Dask distributed (see :func:`dask_client`).

    Parameters
    ----------
    serial
        Run in this process, one run after the other.
    workers
        Most local worker processes (default: all cores).
    scheduler
        Address of an existing Dask scheduler: always used when given.
    processes
        Local workers as processes (default) or as threads of this process.
    auto
        With local worker processes, first weigh the study's estimated time against their
        start-up (:func:`market.studies.placement.choose_placement`): a study too small to gain
        runs in this process instead. False: always start the workers.
    """
    if workers is not None and workers < 1:
        raise ExecutionError(f"workers: got {workers}; allowed: a whole number >= 1")
    if serial:
        return run_serial(tasks, task_function=task_function, report=report, progress=progress)
    placement = ""
    if auto and scheduler is None and processes:
        cores = os.cpu_count() or 1
        choice = choose_placement(
            tasks,
            workers if workers is not None else cores,
            free_cores=idle_cores(cores, os.getloadavg()[0]),
        )
        placement = choice.describe(len(tasks))
        if choice.in_process:
            result = run_serial(
                tasks, task_function=task_function, report=report, progress=progress
            )
            return replace(result, placement=placement)
        workers = choice.workers
    with dask_client(workers, scheduler, processes=processes) as client:
        result = run_on_client(
            tasks, client, task_function=task_function, report=report, progress=progress
        )
    return replace(result, placement=placement)
