"""The markets of a simulation and the SimPy processes that open their gates.

Ordering within a simulated instant: investment decisions come first (so they apply to the
step that starts then), park processes step and settle at normal priority, the green-power gate
runs after them (priority :data:`GREEN_PRIORITY`) and the rights gate last
(:data:`RIGHTS_PRIORITY`), so a gate always sees every park's flows up to that instant and the
rights market sees the certificates retired in the same instant.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy
from simpy.events import EventPriority

from market.build import ParkInputs
from market.config.schema import ScenarioConfig
from market.engine.bus import EventBus
from market.engine.park_run import ParkRun
from market.ledgers import MoneyLedger
from market.markets.energy_rights import (
    COMPLIANCE_SETTLED,
    RIGHTS_AUCTION_CLEARED,
    EnergyRightsMarket,
)
from market.markets.green_power import GREEN_POWER_CLEARED, GreenPowerMarket
from market.markets.investment import Investor, heat_pump_option_cost
from market.reference import ReferenceData

GREEN_PRIORITY = 2
#: Investments take effect before the parks step the year's first hour (urgent priority).
INVESTMENT_PRIORITY = 0
RIGHTS_PRIORITY = 4
INVESTMENT_MADE = "investment_made"


class Gate(simpy.Event):
    """A timeout with an explicit scheduling priority (larger runs later in the same instant)."""

    def __init__(self, env: simpy.Environment, delay: float, priority: int) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, EventPriority(priority), delay)


def _boundaries(values: np.ndarray) -> list[int]:
    """Indices where ``values`` changes, with 0 first."""
    change = np.flatnonzero(np.diff(values) != 0) + 1
    return [0, *change.tolist()]


@dataclass
class Markets:
    """The enabled markets of one simulation, their ledgers and processes."""

    config: ScenarioConfig
    parks: list[ParkInputs]
    runs: list[ParkRun]
    money: MoneyLedger
    green: GreenPowerMarket | None
    rights: EnergyRightsMarket | None
    bus: EventBus
    check_invariants: bool = False
    investor: Investor | None = None

    @classmethod
    def create(
        cls,
        config: ScenarioConfig,
        parks: list[ParkInputs],
        runs: list[ParkRun],
        reference: ReferenceData,
        rng: np.random.Generator,
        bus: EventBus,
        check_invariants: bool = False,
    ) -> Markets | None:
        """Build the enabled markets, or return ``None`` when both are off."""
        gp_cfg = config.markets.green_power
        er_cfg = config.markets.energy_rights
        if not (gp_cfg.enabled or er_cfg.enabled or config.investments.enabled):
            return None
        n_firms = sum(p.firms.size for p in parks)
        n_farms = len(gp_cfg.external_farms) if gp_cfg.enabled else 0
        money = MoneyLedger(n_firms + n_farms, len(parks))
        green_rng, rights_rng = rng.spawn(2)
        green = (
            GreenPowerMarket.create(gp_cfg, parks, runs, green_rng, money)
            if gp_cfg.enabled
            else None
        )
        rights = None
        steps = market_steps(parks[0].times.year.to_numpy(), er_cfg.start_year)
        if er_cfg.enabled and steps is not None:
            first_year, base_start, base_stop = steps
            rights = EnergyRightsMarket.create(
                er_cfg,
                config.accounting,
                parks,
                runs,
                reference,
                rights_rng,
                money,
                first_year,
                base_stop,
                base_start=base_start,
            )
            if green is not None:
                zeros = np.zeros(n_firms)
                rights.certified_source = lambda year: green.certified_by_year.get(year, zeros)
                rights.green_forecast = green.expected_certified_mwh
        investor = None
        if config.investments.enabled:
            factors = reference.conversion_factors()
            investor = Investor.create(
                config.investments,
                parks,
                runs,
                reference,
                float(factors.electricity_kgce_per_kwh(config.accounting.electricity_accounting)),
            )
        return cls(config, parks, runs, money, green, rights, bus, check_invariants, investor)

    # ------------------------------------------------------------------ processes
    def start(self, env: simpy.Environment) -> None:
        """Register the gate processes with the environment."""
        if self.green is not None:
            env.process(self._green_process(env))
        if self.rights is not None:
            env.process(self._rights_process(env))
        if self.investor is not None:
            env.process(self._investment_process(env))

    def _check(self) -> None:
        if not self.check_invariants:
            return
        self.money.check_conservation()
        if self.rights is not None:
            self.rights.ledger.check_conservation()
        if self.green is not None:
            self.green.registry.check_invariants()

    def _wait_until(self, env: simpy.Environment, time_h: float, priority: int) -> Gate:
        return Gate(env, max(time_h - float(env.now), 0.0), priority)

    def _green_process(self, env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        green = self.green
        assert green is not None
        park = self.parks[0]
        dt = park.dt_h
        n = park.n_steps
        period = self.config.markets.green_power.period
        times = park.times
        if period == "monthly":
            session_key = (times.year * 12 + times.month).to_numpy()
        else:
            session_key = ((times - times[0]) // np.timedelta64(1, "D")).to_numpy()
        if period == "hourly":
            product = np.floor(np.arange(n) * dt + 1e-9).astype(np.int64)
        else:  # one product per session: a day or a month
            product = session_key.astype(np.int64)
        starts = _boundaries(session_key)
        stops = [*starts[1:], n]
        green_factor = self._exclusion_tce_per_mwh()
        for a, b in zip(starts, stops, strict=True):
            yield self._wait_until(env, a * dt, GREEN_PRIORITY)
            price = self.rights.last_price if self.rights is not None else math.nan
            records = green.open_session(a, b, product, price, green_factor)
            if self.bus.wants(GREEN_POWER_CLEARED):
                for rec in records:
                    self.bus.publish(GREEN_POWER_CLEARED, a * dt, {"market": "green_power", **rec})
            yield self._wait_until(env, b * dt, GREEN_PRIORITY)
            green.settle_session(int(times[a].year))
            self._check()

    def _exclusion_tce_per_mwh(self) -> float:
        acc = self.config.accounting
        if not acc.renewable_exclusion or self.rights is None:
            return 0.0
        factors = self.rights.reference.conversion_factors()
        return float(factors.electricity_kgce_per_kwh(acc.electricity_accounting))

    def _rights_process(self, env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        rights = self.rights
        assert rights is not None
        cfg = self.config.markets.energy_rights
        park = self.parks[0]
        dt = park.dt_h
        n = park.n_steps
        times = park.times
        years = times.year.to_numpy()
        months = (times.year * 12 + times.month).to_numpy()
        year_starts = _boundaries(years)
        year_stops = [*year_starts[1:], n]
        month_starts = _boundaries(months)
        every = 12 // cfg.auctions_per_year
        start_year = cfg.start_year if cfg.start_year is not None else int(years[0])
        for a, b in zip(year_starts, year_stops, strict=True):
            year = int(years[a])
            if year < start_year:
                continue  # before the market starts: no cap, no allocation, no compliance
            yield self._wait_until(env, a * dt, RIGHTS_PRIORITY)
            days_in_year = 366.0 if _leap(year) else 365.0
            fraction = float(park.step_weight[a:b].sum()) * dt / (24.0 * days_in_year)
            rights.start_year(year, a, b, fraction)
            self._check()
            auction_steps = [a] + [
                s for s in month_starts if a < s < b and (int(times[s].month) - 1) % every == 0
            ]
            for k, s in enumerate(auction_steps):
                yield self._wait_until(env, s * dt, RIGHTS_PRIORITY)
                record = rights.run_auction(year, s, k, len(auction_steps))
                self._check()
                if self.bus.wants(RIGHTS_AUCTION_CLEARED):
                    self.bus.publish(
                        RIGHTS_AUCTION_CLEARED,
                        s * dt,
                        {
                            "market": "energy_rights",
                            "year": year,
                            "month": int(times[s].month),
                            "time": times[s].isoformat(),
                            "price_cny_per_tce": _finite(record["price_cny_per_tce"]),
                            "volume_tce": round(float(record["volume_tce"]), 6),
                        },
                    )
            yield self._wait_until(env, b * dt, RIGHTS_PRIORITY)
            certified = self._certified(year)
            outcome = rights.close_year(year, certified)
            self._check()
            self.bus.publish(
                COMPLIANCE_SETTLED,
                b * dt,
                {"market": "energy_rights", **{k: _finite(v) for k, v in outcome.items()}},
            )

    def _investment_process(self, env: simpy.Environment) -> Generator[simpy.Event, Any, None]:
        investor = self.investor
        assert investor is not None
        park = self.parks[0]
        dt = park.dt_h
        years = park.times.year.to_numpy()
        starts = _boundaries(years)
        stops = [*starts[1:], park.n_steps]
        for a, b in list(zip(starts, stops, strict=True))[1:]:
            yield self._wait_until(env, a * dt, INVESTMENT_PRIORITY)
            year = int(years[a])
            rights = self.rights
            price = rights.last_price if rights is not None else math.nan
            hp_cost = None
            if rights is not None and rights.years:
                last = rights.years[max(rights.years)]
                hp_cost = heat_pump_option_cost(last.options)
            done = investor.decide(year, a, b, price, hp_cost)
            for record in done:
                self.bus.publish(INVESTMENT_MADE, a * dt, dict(record))

    def _certified(self, year: int) -> np.ndarray:
        n = sum(p.firms.size for p in self.parks)
        if self.green is None:
            return np.zeros(n)
        return self.green.certified_by_year.get(year, np.zeros(n))


def market_steps(years: np.ndarray, start_year: int | None) -> tuple[int, int, int] | None:
    """The first year of a market and the steps of that year (its base year).

    Parameters
    ----------
    years
        Calendar year of every step.
    start_year
        The market's first year; ``None``: the run's first year.

    Returns
    -------
    tuple or None
        ``(first_year, first_step, stop_step)``; ``None`` when no step is in or after
        ``start_year``.
    """
    first = int(years[0]) if start_year is None else start_year
    inside = np.flatnonzero(years >= first)
    if inside.size == 0:
        return None
    a = int(inside[0])
    year = int(years[a])
    after = np.flatnonzero(years[a:] != year)
    b = a + int(after[0]) if after.size else int(years.size)
    return year, a, b


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if math.isfinite(value) else None
    return value
