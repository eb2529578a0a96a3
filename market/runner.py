"""Single-run orchestration: config → simulation → result files.

The scenario runner grows here: one run now; comparisons and sweeps build on
:func:`simulate`, which returns results in memory without touching the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from market.config.schema import ScenarioConfig
from market.engine.bus import PARK_STEP, EventBus, JsonlSink, Sink
from market.engine.simulation import Simulation
from market.reference import ReferenceData
from market.results import RunResults, collect_results, write_results
from market.table import format_summary_table


class RunError(ValueError):
    """A run cannot start with the given options (e.g. an out-of-range seed)."""


@dataclass(frozen=True)
class RunOutcome:
    """What :func:`run_scenario` produced."""

    results: RunResults
    files: tuple[Path, ...]
    table: str


def with_seed(config: ScenarioConfig, seed: int | None) -> ScenarioConfig:
    """Return ``config`` with its seed replaced (validated) when ``seed`` is given."""
    if seed is None:
        return config
    if not 0 <= seed < 2**63:
        raise RunError(f"--seed: got {seed}; allowed: an integer in [0, 2**63 - 1]")
    return config.model_copy(update={"seed": seed})


def simulate(
    config: ScenarioConfig,
    *,
    sinks: list[tuple[Sink, frozenset[str] | None]] | None = None,
    reference: ReferenceData | None = None,
    show_progress: bool = False,
) -> RunResults:
    """Run a scenario to the end and return its results in memory."""
    bus = EventBus()
    for sink, kinds in sinks or []:
        bus.subscribe(sink, kinds)
    sim = Simulation(config, reference=reference, bus=bus)
    bar: Any = None
    if show_progress:
        bar = tqdm(total=100, unit="%", desc=config.name, leave=False)
        done = [0]

        def progress(fraction: float) -> None:
            pct = int(fraction * 100)
            bar.update(pct - done[0])
            done[0] = pct

        sim.run(progress=progress)
        bar.close()
    else:
        sim.run()
    return collect_results(sim.runs, sim.reference, config)


def run_scenario(
    config: ScenarioConfig,
    out_dir: Path,
    *,
    seed: int | None = None,
    events: str | None = None,
    show_progress: bool = False,
) -> RunOutcome:
    """Run a scenario and write ``summary.json``, ``timeseries.parquet``, ``firms.csv`` and
    ``events.jsonl`` into ``out_dir``.
    """
    config = with_seed(config, seed)
    level = events or config.output.events
    out_dir.mkdir(parents=True, exist_ok=True)
    events_path = out_dir / "events.jsonl"
    jsonl = JsonlSink(events_path)
    kinds = (
        None
        if level == "all"
        else frozenset({"run_started", "run_finished", "park_day", "billing_period"})
    )
    if kinds is not None:
        assert PARK_STEP not in kinds
    try:
        results = simulate(config, sinks=[(jsonl, kinds)], show_progress=show_progress)
    finally:
        jsonl.close()
    paths = write_results(results, out_dir)
    files = (paths["summary"], paths["timeseries"], paths["firms"], events_path)
    return RunOutcome(results=results, files=files, table=format_summary_table(results.summary))
