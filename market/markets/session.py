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
from market.markets.carbon import (
    CARBON_AUCTION_CLEARED,
    CARBON_COMPLIANCE_SETTLED,
    CarbonMarket,
    tco2_keys,
)
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
    carbon: CarbonMarket | None = None

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
        runs_rights = config.policy.runs_energy_rights(config.markets)
        runs_carbon = config.policy.runs_carbon(config.markets)
        if not (gp_cfg.enabled or runs_rights or runs_carbon or config.investments.enabled):
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
        shared = (config.accounting, parks, runs, reference)
        years = parks[0].times.year.to_numpy()
        steps = market_steps(years, er_cfg.start_year)
        if runs_rights and steps is not None:
            first_year, base_start, base_stop = steps
            rights = EnergyRightsMarket.create(
                er_cfg, *shared, rights_rng, money, first_year, base_stop, base_start=base_start
            )
            _feed_certificates(rights, green, n_firms)
        carbon = None
        if runs_carbon:
            _, _, carbon_base_stop = market_steps(years, None) or (0, 0, years.size)
            carbon = CarbonMarket.create_carbon(
                config.markets.carbon,
                *shared,
                rng.spawn(1)[0],
                money,
                int(years[0]),
                int(carbon_base_stop),
            )
            _feed_certificates(carbon, green, n_firms)
        if rights is not None and carbon is not None:
            link_markets(rights, carbon)
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
        return cls(
            config, parks, runs, money, green, rights, bus, check_invariants, investor, carbon
        )

    # ------------------------------------------------------------------ processes
    def start(self, env: simpy.Environment) -> None:
        """Register the gate processes with the environment."""
        if self.green is not None:
            env.process(self._green_process(env))
        if self.rights is not None:
            env.process(
                self._rights_process(
                    env,
                    self.rights,
                    self.config.markets.energy_rights.auctions_per_year,
                    "energy_rights",
                    self.config.markets.energy_rights.start_year,
                )
            )
        if self.carbon is not None:
            env.process(
                self._rights_process(
                    env, self.carbon, self.config.markets.carbon.auctions_per_year, "carbon"
                )
            )
        if self.investor is not None:
            env.process(self._investment_process(env))

    def _check(self) -> None:
        if not self.check_invariants:
            return
        self.money.check_conservation()
        for market in (self.rights, self.carbon):
            if market is not None:
                market.ledger.check_conservation()
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
        for a, b in zip(starts, stops, strict=True):
            yield self._wait_until(env, a * dt, GREEN_PRIORITY)
            records = green.open_session(a, b, product, self._certificate_value_cny_per_mwh(), 1.0)
            if self.bus.wants(GREEN_POWER_CLEARED):
                for rec in records:
                    self.bus.publish(GREEN_POWER_CLEARED, a * dt, {"market": "green_power", **rec})
            yield self._wait_until(env, b * dt, GREEN_PRIORITY)
            green.settle_session(int(times[a].year))
            self._check()

    def _certificate_value_cny_per_mwh(self) -> float:
        """What a retired certificate saves a firm in the allowance markets [CNY/MWh]: the rights
        price x the renewable exclusion per MWh, plus the carbon price x the grid factor where
        certified power counts zero in covered scope 2; NaN when neither applies."""
        value = 0.0
        if self.rights is not None and math.isfinite(self.rights.last_price):
            value += self.rights.last_price * self._exclusion_tce_per_mwh()
        carbon = self.carbon
        cfg = self.config.markets.carbon
        if (
            carbon is not None
            and cfg.include_scope2
            and cfg.certificates_zero_scope2
            and math.isfinite(carbon.last_price)
        ):
            value += carbon.last_price * float(np.mean(carbon.grid_factor_tco2_per_mwh))
        return value if value > 0.0 else math.nan

    def _exclusion_tce_per_mwh(self) -> float:
        acc = self.config.accounting
        if not acc.renewable_exclusion or self.rights is None:
            return 0.0
        factors = self.rights.reference.conversion_factors()
        return float(factors.electricity_kgce_per_kwh(acc.electricity_accounting))

    def _rights_process(
        self,
        env: simpy.Environment,
        rights: EnergyRightsMarket,
        auctions_per_year: int,
        name: str,
        start_year: int | None = None,
    ) -> Generator[simpy.Event, Any, None]:
        """Open, auction and close each compliance year of an allowance market (energy-use
        rights in tce, or carbon allowances in tCO2)."""
        carbon = name == "carbon"
        units = tco2_keys if carbon else dict
        cleared = CARBON_AUCTION_CLEARED if carbon else RIGHTS_AUCTION_CLEARED
        settled = CARBON_COMPLIANCE_SETTLED if carbon else COMPLIANCE_SETTLED
        park = self.parks[0]
        dt = park.dt_h
        n = park.n_steps
        times = park.times
        years = times.year.to_numpy()
        months = (times.year * 12 + times.month).to_numpy()
        year_starts = _boundaries(years)
        year_stops = [*year_starts[1:], n]
        month_starts = _boundaries(months)
        every = 12 // auctions_per_year
        first_year = start_year if start_year is not None else int(years[0])
        for a, b in zip(year_starts, year_stops, strict=True):
            year = int(years[a])
            if year < first_year:
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
                if self.bus.wants(cleared):
                    self.bus.publish(
                        cleared,
                        s * dt,
                        units(
                            {
                                "market": name,
                                "year": year,
                                "month": int(times[s].month),
                                "time": times[s].isoformat(),
                                "price_cny_per_tce": _finite(record["price_cny_per_tce"]),
                                "volume_tce": round(float(record["volume_tce"]), 6),
                            }
                        ),
                    )
            yield self._wait_until(env, b * dt, RIGHTS_PRIORITY)
            certified = self._certified(year)
            outcome = rights.close_year(year, certified)
            self._check()
            self.bus.publish(
                settled,
                b * dt,
                {"market": name, **{k: _finite(v) for k, v in outcome.items()}},
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


def _feed_certificates(
    market: EnergyRightsMarket, green: GreenPowerMarket | None, n_firms: int
) -> None:
    """Let an allowance market see the certificates firms retire and expect to retire."""
    if green is None:
        return
    zeros = np.zeros(n_firms)
    market.certified_source = lambda year: green.certified_by_year.get(year, zeros)
    market.green_forecast = green.expected_certified_mwh


def link_markets(rights: EnergyRightsMarket, carbon: CarbonMarket) -> None:
    """Couple the two allowance markets (control of both energy and carbon).

    Abatement a firm commits for one market is physical and lowers the other's count too, at
    the firm's base-year CO2 per tce: energy saved for energy-use rights lowers covered
    emissions, and CO2 abated for carbon (offsets excluded) lowers counted energy use.
    """
    carbon.linked_source = lambda year: carbon.co2_avoided_tco2(rights, year)
    rights.linked_source = carbon.energy_saved_tce


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
