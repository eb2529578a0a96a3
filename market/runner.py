"""Single-run orchestration: config → simulation → result files.

:func:`finish_run` is the one path from a finished simulation to its results: the CLI
(:func:`run_scenario`), the web app's run worker and the study runner (through :func:`simulate`)
all obtain their summaries and result files from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from market.config.schema import ScenarioConfig
from market.engine.bus import EventBus, JsonlSink, Sink
from market.engine.simulation import Simulation
from market.exclusion_effect import compare, exclusion_applies, without_exclusion
from market.reference import ReferenceData
from market.results import RunResults, write_results
from market.table import format_summary_table

#: Event kinds written to events.jsonl by default (everything but per-step and per-book events).
SUMMARY_EVENT_KINDS = frozenset(
    {
        "run_started",
        "run_finished",
        "park_day",
        "billing_period",
        "rights_auction_cleared",
        "compliance_settled",
        "investment_made",
    }
)


#: Every file a run can write, in the order they are listed: the summary, the per-step time
#: series, the per-firm table, the market tables (only with the market on) and the event log.
RESULT_FILES = (
    "summary.json",
    "timeseries.parquet",
    "firms.csv",
    "green_power.csv",
    "rights_auctions.csv",
    "events.jsonl",
)
EVENTS_FILE = "events.jsonl"


class RunError(ValueError):
    """A run cannot start or finish with the given options (e.g. an out-of-range seed)."""


@dataclass(frozen=True)
class FinishedRun:
    """What :func:`finish_run` produced.

    Attributes
    ----------
    results
        Summary (with the renewable-exclusion effect when it applies) and tables, in memory.
    files
        File name → path of every file written (empty when no folder was given).
    """

    results: RunResults
    files: dict[str, Path] = field(default_factory=dict)


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


def event_kinds(level: str) -> frozenset[str] | None:
    """Event kinds ``events.jsonl`` records at ``level`` (``None``: every kind)."""
    return None if level == "all" else SUMMARY_EVENT_KINDS


def open_event_log(bus: EventBus, out_dir: Path, level: str) -> JsonlSink:
    """Subscribe a new ``out_dir/events.jsonl`` to ``bus`` at detail ``level`` and return it.

    :func:`finish_run` closes it and lists it among the run's files.
    """
    sink = JsonlSink(out_dir / EVENTS_FILE)
    bus.subscribe(sink, event_kinds(level))
    return sink


def finish_run(
    sim: Simulation,
    out_dir: Path | None = None,
    *,
    event_log: JsonlSink | None = None,
    with_exclusion_effect: bool = True,
) -> FinishedRun:
    """Turn a finished simulation into its results and write every result file.

    Parameters
    ----------
    sim
        A simulation run to the end of its horizon.
    out_dir
        Folder for ``summary.json``, ``timeseries.parquet``, ``firms.csv`` and, with the
        markets on, ``green_power.csv`` and ``rights_auctions.csv``; nothing is written when
        ``None``.
    event_log
        The run's ``events.jsonl`` (from :func:`open_event_log`); closed here and listed last.
    with_exclusion_effect
        Add ``renewable_exclusion_effect`` to the summary when both markets and renewable
        exclusion are on: from the simulation's counterfactual rights market when it has one
        (see :class:`~market.exclusion_effect.ExclusionCounterfactual`), else from a second
        run with the switch off (:func:`exclusion_effect`).

    Raises
    ------
    RunError
        When the simulation has not reached the end of its horizon.
    """
    if event_log is not None:
        event_log.close()
    if not sim.finished:
        raise RunError(
            f"results: the run is at hour {sim.now_h:g} of {sim.horizon_h:g}; "
            "results exist only for a finished run"
        )
    results = sim.results()
    if with_exclusion_effect:
        counterfactual = sim.counterfactual
        without = counterfactual.summary(sim) if counterfactual is not None else None
        effect = exclusion_effect(sim.config, results, without)
        if effect is not None:
            results.summary["renewable_exclusion_effect"] = effect
    if out_dir is None:
        return FinishedRun(results)
    files = {path.name: path for path in write_results(results, out_dir).values()}
    if event_log is not None:
        files[event_log.path.name] = event_log.path
    return FinishedRun(results, files)


def _run_with_progress(sim: Simulation) -> None:
    """Run ``sim`` to the end with a progress bar on stderr."""
    from tqdm import tqdm

    bar: Any = tqdm(total=100, unit="%", desc=sim.config.name, leave=False)
    done = [0]

    def progress(fraction: float) -> None:
        pct = int(fraction * 100)
        bar.update(pct - done[0])
        done[0] = pct

    try:
        sim.run(progress=progress)
    finally:
        bar.close()


def simulate(
    config: ScenarioConfig,
    *,
    sinks: list[tuple[Sink, frozenset[str] | None]] | None = None,
    reference: ReferenceData | None = None,
    show_progress: bool = False,
    check_invariants: bool = False,
) -> RunResults:
    """Run a scenario to the end and return its results in memory (through :func:`finish_run`,
    without the renewable-exclusion effect and without files)."""
    bus = EventBus()
    for sink, kinds in sinks or []:
        bus.subscribe(sink, kinds)
    sim = Simulation(config, reference=reference, bus=bus, check_invariants=check_invariants)
    if show_progress:
        _run_with_progress(sim)
    else:
        sim.run()
    return finish_run(sim, with_exclusion_effect=False).results


def exclusion_effect(
    config: ScenarioConfig,
    with_exclusion: RunResults,
    without_summary: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The renewable-exclusion effect: the same run with the switch flipped off, compared.

    Returns ``None`` unless both markets are on and the switch is on (there is no coupling to
    show otherwise). ``without_summary`` is the summary with the switch off when the run
    already has it (its counterfactual rights market); otherwise the scenario is simulated again
    with the switch off. Same seed, so weather, demand and forecasts are identical.
    """
    if not exclusion_applies(config):
        return None
    without = (
        without_summary
        if without_summary is not None
        else simulate(without_exclusion(config)).summary
    )
    return compare(config, with_exclusion.summary, without)


def run_scenario(
    config: ScenarioConfig,
    out_dir: Path,
    *,
    seed: int | None = None,
    events: str | None = None,
    show_progress: bool = False,
    check_invariants: bool = False,
    with_exclusion_effect: bool = True,
) -> RunOutcome:
    """Run a scenario and write its result files into ``out_dir``.

    Files: ``summary.json``, ``timeseries.parquet``, ``firms.csv``, ``events.jsonl`` and, with
    markets, ``green_power.csv`` and ``rights_auctions.csv``. With both markets and renewable
    exclusion on, the summary also holds ``renewable_exclusion_effect`` from the rights market
    re-run with the switch off on the same physics (skip it with
    ``with_exclusion_effect=False``).
    """
    config = with_seed(config, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    sim = Simulation(
        config,
        check_invariants=check_invariants,
        exclusion_counterfactual=with_exclusion_effect,
    )
    event_log = open_event_log(sim.bus, out_dir, events or config.output.events)
    try:
        if show_progress:
            _run_with_progress(sim)
        else:
            sim.run()
    finally:
        event_log.close()
    finished = finish_run(
        sim, out_dir, event_log=event_log, with_exclusion_effect=with_exclusion_effect
    )
    return RunOutcome(
        results=finished.results,
        files=tuple(finished.files.values()),
        table=format_summary_table(finished.results.summary),
    )
