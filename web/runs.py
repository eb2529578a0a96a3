"""The run manager: starts runs on worker threads and answers for their state.

Live runs are held in memory with their controls; every run is also recorded in the
:class:`~web.store.RunStore`, so finished runs outlive the server process.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from market.api import JsonlSink, ScenarioConfig, Simulation, open_event_log
from web.bridge import LoopBridgeSink
from web.control import RunControl
from web.errors import RunStateError, TooManyRunsError, UnknownRunError
from web.hub import StreamHub
from web.store import LIVE_STATES, RunRecord, RunState, RunStore, interruption_reason
from web.worker import drive, save_results

SimulationFactory = Callable[[ScenarioConfig], Simulation]


def _simulation(config: ScenarioConfig) -> Simulation:
    """The engine's simulation, with the counterfactual rights market its results path reads
    for the renewable-exclusion effect (no second run of the scenario)."""
    return Simulation(config, exclusion_counterfactual=True)


@dataclass(frozen=True, slots=True)
class RunView:
    """A run's state as the API reports it."""

    id: str
    scenario: str
    source: str
    state: RunState
    created_unix_s: float
    finished_unix_s: float | None
    horizon_h: float
    now_h: float
    last_seq: int
    engine_compute_s: float
    parks: list[dict[str, Any]]
    error: str | None
    has_results: bool
    speed: float | None
    pace_h_per_s: float | None

    @property
    def progress(self) -> float:
        """Share of the horizon simulated (0..1)."""
        return min(1.0, self.now_h / self.horizon_h) if self.horizon_h > 0 else 0.0

    @classmethod
    def from_record(cls, record: RunRecord) -> RunView:
        """Build the view of a stored (not live) run."""
        return cls(
            id=record.id,
            scenario=record.scenario,
            source=record.source,
            state=record.state,
            created_unix_s=record.created_unix_s,
            finished_unix_s=record.finished_unix_s,
            horizon_h=record.horizon_h,
            now_h=record.now_h,
            last_seq=record.last_seq,
            engine_compute_s=record.engine_compute_s,
            parks=record.parks,
            error=record.error,
            has_results=record.has_summary,
            speed=None,
            pace_h_per_s=None,
        )


@dataclass
class LiveRun:
    """A run in progress: its control, thread and latest progress."""

    id: str
    scenario: str
    source: str
    created_unix_s: float
    horizon_h: float
    parks: list[dict[str, Any]]
    control: RunControl
    state: RunState = "queued"
    now_h: float = 0.0
    last_seq: int = 0
    engine_compute_s: float = 0.0
    thread: threading.Thread | None = field(default=None, repr=False)
    store: RunStore | None = field(default=None, repr=False)
    server_stopped_unix_s: float | None = None

    def progress(
        self, state: RunState, now_h: float, last_seq: int, engine_compute_s: float
    ) -> None:
        """Record progress after a chunk (worker thread) and store it."""
        self.state, self.now_h, self.last_seq = state, now_h, last_seq
        self.engine_compute_s = engine_compute_s
        if self.store is not None:
            self.store.update_progress(self.id, state, now_h, last_seq, engine_compute_s)

    def view(self) -> RunView:
        """Return the run's current state."""
        state = self.state
        if state in ("queued", "running", "paused"):  # the control is ahead of the worker
            state = "paused" if self.control.paused else ("running" if state == "paused" else state)
        return RunView(
            id=self.id,
            scenario=self.scenario,
            source=self.source,
            state=state,
            created_unix_s=self.created_unix_s,
            finished_unix_s=None,
            horizon_h=self.horizon_h,
            now_h=self.now_h,
            last_seq=self.last_seq,
            engine_compute_s=self.engine_compute_s,
            parks=self.parks,
            error=None,
            has_results=False,
            speed=self.control.speed,
            pace_h_per_s=self.control.pace_h_per_s,
        )


def park_descriptions(sim: Any, config: ScenarioConfig) -> list[dict[str, Any]]:
    """Return each park's name and grid CO2 factor [tCO2/MWh] for the dashboard."""
    built = getattr(sim, "parks", None) or []
    out = []
    for k, park in enumerate(config.parks):
        factor = getattr(built[k], "grid_co2_tco2_per_mwh", None) if k < len(built) else None
        if factor is None:
            factor = park.grid.co2_factor_tco2_per_mwh
        out.append({"name": park.name, "grid_co2_tco2_per_mwh": factor})
    return out


class RunManager:
    """Start, control and look up runs.

    Parameters
    ----------
    store
        Persistence of runs, events and results.
    hub
        Live event streams.
    loop
        The server's event loop (events are handed to it from the worker threads).
    results_dir
        Each finished run's files go to ``results_dir/<run id>/``.
    max_active_runs
        Runs allowed in progress at once.
    simulation_factory
        Builds the simulation of a scenario (``Simulation`` by default).
    """

    def __init__(
        self,
        store: RunStore,
        hub: StreamHub,
        loop: asyncio.AbstractEventLoop,
        results_dir: Path,
        max_active_runs: int,
        simulation_factory: SimulationFactory | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.loop = loop
        self.results_dir = results_dir
        self.max_active_runs = max_active_runs
        self.simulation_factory: SimulationFactory = simulation_factory or _simulation
        self._live: dict[str, LiveRun] = {}
        self._lock = threading.Lock()

    def start(
        self,
        config: ScenarioConfig,
        source: str,
        pace_h_per_s: float,
        speed: float = 1.0,
        *,
        paused: bool = False,
    ) -> RunView:
        """Build a simulation of ``config`` and start it on a worker thread.

        With ``paused`` the run waits for :meth:`resume` before its first step.

        Raises
        ------
        TooManyRunsError
            When ``max_active_runs`` runs are already in progress.
        ConfigError
            When the scenario cannot be built.
        """
        control = RunControl(pace_h_per_s, 1.0)
        control.set_speed(speed)
        if paused:
            control.pause()
        with self._lock:
            if len(self._live) >= self.max_active_runs:
                raise TooManyRunsError(self.max_active_runs)
            run_id = uuid.uuid4().hex[:12]
            sim = self.simulation_factory(config)
            event_log = open_event_log(sim.bus, self.results_dir / run_id, config.output.events)
            live = LiveRun(
                id=run_id,
                scenario=config.name,
                source=source,
                created_unix_s=time.time(),
                horizon_h=float(sim.horizon_h),
                parks=park_descriptions(sim, config),
                control=control,
                store=self.store,
            )
            self._live[run_id] = live
        self.store.insert_run(
            run_id,
            config.name,
            source,
            config.model_dump(mode="json"),
            live.horizon_h,
            live.parks,
            live.created_unix_s,
        )
        self.hub.open(run_id)
        sink = LoopBridgeSink(
            self.loop,
            deliver=lambda batch: self.hub.publish(run_id, batch),
            persist=lambda batch: self.store.append_events(
                run_id, [(i.seq, i.kind, i.text) for i in batch]
            ),
        )
        sim.bus.subscribe(sink)
        live.thread = threading.Thread(
            target=self._work,
            args=(live, sim, config, sink, event_log),
            name=f"run-{run_id}",
            daemon=True,
        )
        live.thread.start()
        return live.view()

    def _work(
        self,
        live: LiveRun,
        sim: Simulation,
        config: ScenarioConfig,
        sink: LoopBridgeSink,
        event_log: JsonlSink,
    ) -> None:
        state: RunState = "finished"
        error: str | None = None
        summary: dict[str, Any] | None = None
        files: dict[str, bytes] | None = None
        try:
            live.progress("running", sim.now_h, sink.last_seq, 0.0)
            drive(sim, live.control, sink, float(config.time.step_h), live)
            if live.control.cancelled and not sim.finished:
                state = "cancelled"
                if live.server_stopped_unix_s is not None:
                    state = "interrupted"
                    error = interruption_reason(
                        sim.now_h, live.horizon_h, stopped_unix_s=live.server_stopped_unix_s
                    )
            else:
                finished, files = save_results(sim, self.results_dir / live.id, event_log)
                summary = finished.results.summary
        except Exception as exc:  # the run fails; the server goes on
            state = "failed"
            error = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        finally:
            event_log.close()
        try:
            sink.flush()
            # The final state is shown only with the summary and files stored (one transaction).
            live.progress(live.state, sim.now_h, sink.last_seq, live.engine_compute_s)
            self.store.finish_run(live.id, state, error, summary, files)
        finally:
            with self._lock:
                self._live.pop(live.id, None)
            with contextlib.suppress(RuntimeError):  # loop closed: the server is stopping
                self.loop.call_soon_threadsafe(self.hub.close, live.id)

    def _live_run(self, run_id: str, action: str) -> LiveRun:
        with self._lock:
            live = self._live.get(run_id)
        if live is None:
            record = self.store.get_run(run_id)
            if record is None:
                raise UnknownRunError(run_id)
            raise RunStateError(action, record.state, LIVE_STATES)
        return live

    def get(self, run_id: str) -> RunView:
        """Return a run's state.

        Raises
        ------
        UnknownRunError
            When no run has this id.
        """
        with self._lock:
            live = self._live.get(run_id)
        if live is not None:
            return live.view()
        record = self.store.get_run(run_id)
        if record is None:
            raise UnknownRunError(run_id)
        return RunView.from_record(record)

    def list(self, limit: int = 100) -> list[RunView]:
        """Return the most recent runs, newest first (live ones with live progress)."""
        with self._lock:
            live = dict(self._live)
        return [
            live[r.id].view() if r.id in live else RunView.from_record(r)
            for r in self.store.list_runs(limit)
        ]

    def pause(self, run_id: str) -> RunView:
        """Pause a running run."""
        live = self._live_run(run_id, "pause")
        live.control.pause()
        return live.view()

    def resume(self, run_id: str) -> RunView:
        """Resume a paused run."""
        live = self._live_run(run_id, "resume")
        live.control.resume()
        return live.view()

    def set_speed(self, run_id: str, speed: float) -> RunView:
        """Change a run's speed multiplier."""
        live = self._live_run(run_id, "changing the speed")
        live.control.set_speed(speed)
        return live.view()

    def cancel(self, run_id: str) -> RunView:
        """Stop a run after its current chunk at the user's request (it ends ``cancelled``)."""
        live = self._live_run(run_id, "cancel")
        live.control.cancel()
        return live.view()

    def shutdown(self, timeout_s: float = 10.0) -> None:
        """Stop every live run as ``interrupted`` and wait for the worker threads to end.

        Each run ends after its current chunk with the reason (when and at which hour the server
        stopped it). A run whose worker does not end within ``timeout_s`` (e.g. still writing
        its results) is recorded as interrupted at once; its worker may still finish it.
        """
        stopped_unix_s = time.time()
        with self._lock:
            lives = list(self._live.values())
        for live in lives:
            if not live.control.cancelled:  # a user's cancel already under way stays a cancel
                live.server_stopped_unix_s = stopped_unix_s
            live.control.cancel()
        deadline = time.monotonic() + timeout_s
        for live in lives:
            if live.thread is not None:
                live.thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            stuck = [live for live in lives if live.id in self._live]
        for live in stuck:
            reason = interruption_reason(live.now_h, live.horizon_h, stopped_unix_s=stopped_unix_s)
            self.store.interrupt_run(live.id, reason)
