"""The body of a run's worker thread: pace the engine in chunks, then store the results.

Results come from the engine's one results path (``market.api.finish_run``), so a run started
here writes the same files, byte for byte, as ``greenmarket run`` with the same config and seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from market.api import FinishedRun, JsonlSink, Simulation, finish_run
from web.bridge import LoopBridgeSink
from web.control import RunControl
from web.pacing import chunk_hours, due_wall_s, next_chunk_end_h
from web.store import RunState


class RunnableSimulation(Protocol):
    """What the worker needs of a simulation (``market.api.Simulation`` has it)."""

    horizon_h: float

    @property
    def finished(self) -> bool: ...

    @property
    def now_h(self) -> float: ...

    def run(self, until_h: float | None = None) -> None: ...


class ProgressReport(Protocol):
    """Receives the worker's progress (the run manager's live record)."""

    def progress(
        self, state: RunState, now_h: float, last_seq: int, engine_compute_s: float
    ) -> None:
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
    sim: Simulation, out_dir: Path, event_log: JsonlSink | None = None
) -> tuple[FinishedRun, dict[str, bytes]]:
    """Finish a run through the engine's results path and return its files' bytes too.

    Returns
    -------
    tuple
        The finished run (results and file paths) and file name → content of every file.
    """
    finished = finish_run(sim, out_dir, event_log=event_log)
    files = {name: path.read_bytes() for name, path in finished.files.items()}
    return finished, files


OnDone = Callable[[str, str | None, dict[str, Any] | None, dict[str, bytes] | None], None]
