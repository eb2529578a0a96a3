"""The simulation: builds park runs from a scenario and drives them with SimPy.

``Simulation`` is the engine's public face: construct it from a validated
:class:`~market.config.ScenarioConfig`, subscribe sinks on its :attr:`bus`, then :meth:`run`
(all at once, or in chunks with ``until_h`` so a caller such as the web layer can pace it). When
:attr:`finished`, :meth:`results` returns the run's results.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np
import simpy

from agents.accounting import scope1_tco2
from market.build import ParkInputs, build_park, spawn_market_generator, spawn_park_generators
from market.config.schema import ScenarioConfig
from market.engine.bus import (
    BILLING_PERIOD,
    PARK_DAY,
    PARK_STEP,
    RUN_FINISHED,
    RUN_STARTED,
    EventBus,
)
from market.engine.park_batch import park_batches
from market.engine.park_run import ParkRun
from market.exclusion_effect import ExclusionCounterfactual
from market.markets.session import Markets
from market.reference import ReferenceData, load_reference
from market.results import RunResults, collect_results

ProgressCallback = Callable[[float], None]


class Simulation:
    """A runnable simulation of one scenario.

    Parameters
    ----------
    config
        Validated scenario.
    reference
        Reference data; default: the repository's ``configs/reference`` with the scenario's
        ``reference_overrides`` applied.
    bus
        Event bus to publish on (a new one by default).
    check_invariants
        Check the conservation of rights, certificates and money after every market event
        (raises ``LedgerInvariantError`` on a violation).
    exclusion_counterfactual
        Also step the rights market with renewable exclusion off on the same parks
        (:class:`~market.exclusion_effect.ExclusionCounterfactual`, kept in
        :attr:`counterfactual`), so the renewable-exclusion effect needs no second run of the
        scenario; ignored when the scenario has no such effect or has investments.
    batch_parks
        Step the parks of a rule-based strategy together as arrays (default); ``False`` steps
        every park on its own (same results, slower with many parks).
    """

    def __init__(
        self,
        config: ScenarioConfig,
        reference: ReferenceData | None = None,
        bus: EventBus | None = None,
        check_invariants: bool = False,
        exclusion_counterfactual: bool = False,
        batch_parks: bool = True,
    ) -> None:
        self.config = config
        base = reference if reference is not None else load_reference()
        self.reference = base.with_overrides(dict(config.reference_overrides))
        self.bus = bus if bus is not None else EventBus()
        self.env = simpy.Environment()
        generators = spawn_park_generators(config.seed, len(config.parks))
        self.parks: list[ParkInputs] = [
            build_park(config, park, k, self.reference, generators[k])
            for k, park in enumerate(config.parks)
        ]
        self.runs: list[ParkRun] = [
            ParkRun.start(inputs, generators[k]["forecast"]) for k, inputs in enumerate(self.parks)
        ]
        self.horizon_h = self.parks[0].n_steps * config.time.step_h
        self._started = False
        self._finished_parks = 0
        # Investments may change a park's equipment mid-run: then every park steps on its own.
        self.batches = park_batches(
            self.runs, allowed=batch_parks and not config.investments.enabled
        )
        self.env.process(self._parks_process())
        self.markets = Markets.create(
            config,
            self.parks,
            self.runs,
            self.reference,
            spawn_market_generator(config.seed, len(config.parks)),
            self.bus,
            check_invariants=check_invariants,
        )
        if self.markets is not None:
            self.markets.start(self.env)
        self.counterfactual = (
            ExclusionCounterfactual.attach(self) if exclusion_counterfactual else None
        )

    @property
    def finished(self) -> bool:
        """Whether every park has stepped through the whole horizon."""
        return self._finished_parks == len(self.runs)

    @property
    def now_h(self) -> float:
        """Current simulation time in hours since the start."""
        return float(self.env.now)

    def run(self, until_h: float | None = None, progress: ProgressCallback | None = None) -> None:
        """Advance the simulation to ``until_h`` (default: the end of the horizon).

        Parameters
        ----------
        until_h
            Stop when the clock reaches this time [h]; may be called again to continue.
        progress
            Called with the fraction done (0..1) after each simulated day.
        """
        if not self._started:
            self._started = True
            self.bus.publish(
                RUN_STARTED,
                0.0,
                {
                    "scenario": self.config.name,
                    "seed": self.config.seed,
                    "horizon_h": self.horizon_h,
                    "step_h": self.config.time.step_h,
                    "parks": [p.name for p in self.parks],
                },
            )
        target = self.horizon_h if until_h is None else min(float(until_h), self.horizon_h)
        day_h = 24.0
        while self.env.now < target and not self.finished:
            stop = min(target, (np.floor(self.env.now / day_h) + 1.0) * day_h)
            # Run to just past `stop` so every event scheduled at `stop` has happened.
            self.env.run(until=stop + 1e-9 if stop >= self.horizon_h else stop)
            if progress is not None:
                progress(min(1.0, self.env.now / self.horizon_h))
        if self.finished and not getattr(self, "_announced", False):
            self._announced = True
            self.bus.publish(RUN_FINISHED, self.horizon_h, {"scenario": self.config.name})

    def results(self) -> RunResults:
        """Results of the finished run (summary, time series, per-firm and market tables)."""
        return collect_results(self.runs, self.reference, self.config, self.markets)

    def _parks_process(self) -> Generator[simpy.Event, Any, None]:
        """Step every park through the horizon: batched parks together, the others one by one.

        Events come out in the order one process per park would give them: at each step, park
        by park, the close of the previous day and billing period, then the step itself.
        """
        runs = self.runs
        first = runs[0].inputs
        dt = first.dt_h
        steps_per_day = int(round(24.0 / dt))
        n = first.n_steps
        batched = np.zeros(len(runs), dtype=bool)
        for batch in self.batches:
            batched[batch.members] = True
        pending: list[list[tuple[str, float, dict[str, Any]]]] = [[] for _ in runs]
        for t in range(n):
            for batch in self.batches:
                batch.step(t)
            wants_step = self.bus.wants(PARK_STEP)
            for k, run in enumerate(runs):
                for kind, time_h, payload in pending[k]:
                    self.bus.publish(kind, time_h, payload)
                pending[k].clear()
                if not batched[k]:
                    run.step(t)
                if wants_step:
                    self.bus.publish(PARK_STEP, t * dt, self._step_payload(run, t))
            yield self.env.timeout(dt)
            # Now at the end of step t: close the day and the billing period if they end here.
            day_end = (t + 1) % steps_per_day == 0 or t == n - 1
            for k, run in enumerate(runs):
                if day_end:
                    pending[k].append(self._day_event(run, t))
                period = run.inputs.billing_period
                if t == n - 1 or period[t + 1] != period[t]:
                    pending[k].append(self._billing_event(run, t))
            if t == n - 1:
                for k in range(len(runs)):
                    for kind, time_h, payload in pending[k]:
                        self.bus.publish(kind, time_h, payload)
        for batch in self.batches:
            batch.finish()
        self._finished_parks = len(runs)

    def _day_event(self, run: ParkRun, t: int) -> tuple[str, float, dict[str, Any]]:
        """Settle the park's day ending at step ``t`` and return its ``park_day`` event."""
        inputs = run.inputs
        day_start = run.settled_until
        totals = run.settle_block(t + 1)
        emis = self.reference.emission_factors()
        w = inputs.step_weight[day_start : t + 1]
        process_tco2 = float(
            w @ (inputs.production_t[day_start : t + 1] @ inputs.firms.process_co2_tco2_per_t)
        )
        totals["co2_tco2"] = (
            float(scope1_tco2(totals["coal_kg"], totals["gas_m3"], emis))
            + process_tco2
            + totals["import_kwh"]
            / 1000.0
            * inputs.grid_co2_in_year_tco2_per_mwh(int(inputs.times[day_start].year))
        )
        return (
            PARK_DAY,
            (t + 1) * inputs.dt_h,
            {
                "park": inputs.name,
                "date": str(inputs.times[day_start].date()),
                **{k: round(v, 6) for k, v in totals.items()},
            },
        )

    def _billing_event(self, run: ParkRun, t: int) -> tuple[str, float, dict[str, Any]]:
        """The ``billing_period`` event of the park's period ending at step ``t``."""
        inputs = run.inputs
        period = int(inputs.billing_period[t])
        peak = run.period_peak_kw.get(period, 0.0)
        return (
            BILLING_PERIOD,
            (t + 1) * inputs.dt_h,
            {
                "park": inputs.name,
                "period": period,
                "month": str(inputs.times[t].strftime("%Y-%m")),
                "peak_import_kw": round(peak, 6),
                "demand_charge_cny": round(peak * inputs.tariff.demand_charge_cny_per_kw_month, 6),
            },
        )

    @staticmethod
    def _step_payload(run: ParkRun, t: int) -> dict[str, Any]:
        inputs = run.inputs
        return {
            "park": inputs.name,
            "time": inputs.times[t].isoformat(),
            "load_kw": round(float(inputs.firm_load_kw[t].sum()), 6),
            "pv_kw": round(float(inputs.firm_pv_kw[t].sum() + inputs.shared_pv_kw[t]), 6),
            "wind_kw": round(float(inputs.firm_wind_kw[t].sum() + inputs.shared_wind_kw[t]), 6),
            "heat_pump_kw": round(float(inputs.heat_pump_kw[t].sum()), 6),
            "battery_kw": round(float(run.discharge_kw[t].sum() - run.charge_kw[t].sum()), 6),
            "soc_kwh": round(float(run.soc_record_kwh[t].sum()), 6),
            "import_kw": round(float(run.import_kw[t]), 6),
            "export_kw": round(float(run.export_kw[t]), 6),
            "price_cny_per_kwh": round(float(inputs.import_price_cny_per_kwh[t]), 6),
        }
