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
from market.engine.bus import EventBus, JsonlSink, Sink
from market.engine.simulation import Simulation
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
    check_invariants: bool = False,
) -> RunResults:
    """Run a scenario to the end and return its results in memory."""
    bus = EventBus()
    for sink, kinds in sinks or []:
        bus.subscribe(sink, kinds)
    sim = Simulation(config, reference=reference, bus=bus, check_invariants=check_invariants)
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
    return sim.results()


def exclusion_effect(config: ScenarioConfig, with_exclusion: RunResults) -> dict[str, Any] | None:
    """The renewable-exclusion effect: the same run with the switch flipped off, compared.

    Returns ``None`` unless both markets are on and the switch is on (there is no coupling to
    show otherwise). Same seed, so weather, demand and forecasts are identical.
    """
    markets = config.markets
    if not (
        markets.green_power.enabled
        and markets.energy_rights.enabled
        and config.accounting.renewable_exclusion
    ):
        return None
    accounting = config.accounting.model_copy(update={"renewable_exclusion": False})
    without = simulate(config.model_copy(update={"accounting": accounting})).summary
    with_ = with_exclusion.summary

    def rights(summary: dict[str, Any]) -> dict[str, Any]:
        return dict(summary["markets"]["energy_rights"]["years"])

    years: dict[str, Any] = {}
    for year, on in rights(with_).items():
        off = rights(without).get(year, {})
        p_on, p_off = on.get("average_price_cny_per_tce"), off.get("average_price_cny_per_tce")
        years[year] = {
            "excluded_tce": on.get("renewable_exclusion_tce"),
            "counted_use_with_tce": on.get("counted_use_tce"),
            "counted_use_without_tce": off.get("counted_use_tce"),
            "rights_price_with_cny_per_tce": p_on,
            "rights_price_without_cny_per_tce": p_off,
            "rights_price_change_cny_per_tce": (
                round(p_on - p_off, 6) if p_on is not None and p_off is not None else None
            ),
            "abatement_with_tce": on.get("abatement_tce"),
            "abatement_without_tce": off.get("abatement_tce"),
        }
    return {"rule": config.accounting.renewable_exclusion_rule, "years": years}


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
    exclusion on, the summary also holds ``renewable_exclusion_effect`` from a second run with
    the switch off (skip it with ``with_exclusion_effect=False``).
    """
    config = with_seed(config, seed)
    level = events or config.output.events
    out_dir.mkdir(parents=True, exist_ok=True)
    events_path = out_dir / "events.jsonl"
    jsonl = JsonlSink(events_path)
    kinds = None if level == "all" else SUMMARY_EVENT_KINDS
    try:
        results = simulate(
            config,
            sinks=[(jsonl, kinds)],
            show_progress=show_progress,
            check_invariants=check_invariants,
        )
    finally:
        jsonl.close()
    if with_exclusion_effect:
        effect = exclusion_effect(config, results)
        if effect is not None:
            results.summary["renewable_exclusion_effect"] = effect
    paths = write_results(results, out_dir)
    files = (*paths.values(), events_path)
    return RunOutcome(results=results, files=files, table=format_summary_table(results.summary))
