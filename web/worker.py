"""The body of a run's worker thread: pace the engine in chunks, then store the results."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from market.api import RunResults, collect_results, write_results
from web.bridge import LoopBridgeSink
from web.control import RunControl
from web.pacing import chunk_hours, due_wall_s, next_chunk_end_h

#: Result files of a run, as written by the engine's results writer.
RESULT_FILES = ("summary.json", "timeseries.parquet", "firms.csv")


class RunnableSimulation(Protocol):
    """What the worker needs of a simulation (``market.api.Simulation`` has it)."""

    horizon_h: float
    runs: Any
    reference: Any

    @property
    def finished(self) -> bool: ...

    @property
    def now_h(self) -> float: ...

    def run(self, until_h: float | None = None) -> None: ...


class ProgressReport(Protocol):
    """Receives the worker's progress (the run manager's live record)."""

    def progress(self, state: str, now_h: float, last_seq: int, engine_compute_s: float) -> None:
        """Take the run's state after a chunk."""


def drive(
    sim: RunnableSimulation,
    control: RunControl,
    sink: LoopBridgeSink,
    step_h: float,
    report: ProgressReport,
) -> float:
    """Run ``sim`` to its horizon in paced chunks, honouring pause, speed and cancel.

    Returns
    -------
    float
        Wall time spent inside the engine [s] (the sink's work included, waiting excluded).
    """
    compute_s = 0.0
    version = control.version
    anchor_wall, anchor_sim = time.monotonic(), sim.now_h
    while not sim.finished and not control.cancelled:
        if control.paused:
            report.progress("paused", sim.now_h, sink.last_seq, compute_s)
            control.wait_while_paused()
            report.progress("running", sim.now_h, sink.last_seq, compute_s)
        if control.version != version:
            version = control.version
            anchor_wall, anchor_sim = time.monotonic(), sim.now_h
        if control.cancelled:
            break
        pace = control.pace_h_per_s
        end_h = next_chunk_end_h(sim.now_h, chunk_hours(pace, step_h), sim.horizon_h)
        started = time.perf_counter()
        sim.run(until_h=end_h)
        compute_s += time.perf_counter() - started
        sink.flush()
        report.progress("running", sim.now_h, sink.last_seq, compute_s)
        if pace > 0.0 and not sim.finished:
            control.sleep_until(due_wall_s(anchor_wall, anchor_sim, sim.now_h, pace), version)
    sink.flush()
    return compute_s


def save_results(
    sim: RunnableSimulation, config: Any, out_dir: Path
) -> tuple[RunResults, dict[str, bytes]]:
    """Collect a finished run's results, write its files and return them with their bytes."""
    results = collect_results(sim.runs, sim.reference, config)
    paths = write_results(results, out_dir)
    files = {path.name: path.read_bytes() for path in paths.values()}
    return results, files


OnDone = Callable[[str, str | None, dict[str, Any] | None, dict[str, bytes] | None], None]
