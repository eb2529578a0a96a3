"""The energy-use-rights market of a region: cap, allocation, call auctions, compliance.

Mechanism (one compliance year = one calendar year, or the part of it the run covers)
--------------------------------------------------------------------------------------
* **Cap.** The first year's cap is ``cap_tce`` or ``cap_factor ×`` the firms' base-year energy use
  (their modelled use over that year before any abatement); later years follow
  ``cap_annual_change``. A year the run covers only in part gets the matching part of the cap.
* **Allocation** at the start of the year (see :mod:`market.rights.allocation`):
  ``grandfathering`` (base-year use × factor), ``benchmark`` (expected output × the sector's
  benchmark or baseline intensity; sectors without one use their base intensity ×
  ``unlisted_benchmark_factor``), ``output_based`` (actual output × the same intensities scaled
  each year so that the expected allocation equals the cap, handed out ex post at the year's
  end), ``auction`` (nothing free, the cap is sold), ``hybrid`` (a free
  share declining each year, the rest sold). Free allocations are scaled down to the cap when they
  exceed it. Make-good debts from last year are deducted first.
* **Call auctions** (``auctions_per_year``, at the start of each period): each firm bids from its
  position (rights held plus expected free allocation minus expected counted use) and its marginal
  abatement cost curve for the rest of the year, with its bidding strategy. Primary sales (auction
  and hybrid rules) are offered by the auctioneer at the reserve price in the year's first
  auction; unsold volume rolls over to the next. A price corridor, when set, adds the reserve's
  orders at the floor and ceiling.
  The book clears through :func:`clearing.clear` at a uniform price.
* **Banking expectation** (``banking_expectation``). ``perfect_foresight``: at each year's start
  the price path to the run's end is solved (:func:`market.rights.price_path.foresight_price_path`)
  and firms commit the year's abatement of every option cheaper than the year's price, value a
  right they keep at that price in every auction, and bid at it for their share of unsold
  primary volume. ``myopic``: a kept right is worth the last auction price.
* **Abatement.** After each auction a firm commits the abatement its position requires, cheapest
  options first and only options cheaper than the penalty. Abatement acts on the accounts: it
  reduces the year's counted energy use (and CO2 in proportion) at its cost; curtailment also
  reduces output and value added. The hourly power flows are not re-simulated.
* **Compliance** at the year's end: counted use = modelled use − committed abatement − renewable
  exclusion (certificates retired for green power bought, when the switch is on). Firms surrender
  rights up to their counted use; a shortfall pays the penalty (fixed, or a multiple of the year's
  average price) and, with make-good, is deducted from next year's allocation. Without banking,
  unused rights expire. Auction revenue is recycled by the configured rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from agents.abatement import (
    AbatementOptions,
    OptionKind,
    abatement_options,
    curtailment_option,
    heat_electrification_option,
    retrofit_option,
    stack_options,
)
from agents.accounting import energy_use_tce, renewable_exclusion_tce
from agents.bidding import (
    MarketOutcome,
    MarketView,
    fills_from_clearing,
    make_bidding_strategy,
    rights_bidder_state,
    to_orders,
)
from agents.bidding.protocol import BiddingStrategy
from agents.devices.boilers import coal_kg_from_energy_kwh, gas_m3_from_energy_kwh
from agents.expected_grid import expected_firm_grid_kwh
from clearing import MarketSpec, Order, Side, clear
from market.build import ParkInputs
from market.config.schema import AccountingConfig, EnergyRightsConfig
from market.engine.park_run import ParkRun
from market.ledgers import MoneyLedger, RightsLedger
from market.reference import ReferenceData
from market.rights import (
    CompliancePolicy,
    PenaltyRule,
    PriceCorridor,
    corridor_orders,
    recycle_revenue,
    reserve_fills,
    settle_compliance,
)
from market.rights.price_path import (
    PricePath,
    abatement_by_slot_at_price,
    foresight_price_path,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

RIGHTS_AUCTION_CLEARED = "rights_auction_cleared"
COMPLIANCE_SETTLED = "compliance_settled"
KGCE_PER_TCE = 1000.0
HEAT_PUMP_MAX_SINK_C = 150.0
HEAT_PUMP_MEAN_COP = 3.0
#: Lost-margin multipliers of the four curtailment tranches (assumed).
CURTAILMENT_MARGIN_STEPS = (1.0, 1.5, 2.5, 4.0)
OPTION_NAMES = {int(k): k.name.lower() for k in OptionKind}
#: Relative amount by which a right to keep is valued below the perfect-foresight price [-].
KEEP_TIE_BREAK = 1e-9


@dataclass
class YearBook:
    """What happened in one compliance year."""

    year: int
    first_step: int
    stop_step: int
    cap_tce: float
    free_tce: FloatArray
    primary_tce: float
    options: AbatementOptions
    abated_by_slot: FloatArray
    bought_tce: FloatArray
    sold_tce: FloatArray
    paid_cny: FloatArray
    received_cny: FloatArray
    prices: list[float] = field(default_factory=list)
    volumes: list[float] = field(default_factory=list)
    primary_sold_tce: float = 0.0
    revenue_cny: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    expected_price_cny_per_tce: float = math.nan
    expected_bank_tce: float = math.nan

    @property
    def abatement_tce(self) -> FloatArray:
        """Committed abatement per firm [tce]."""
        out: FloatArray = self.abated_by_slot.sum(axis=1)
        return out

    @property
    def abatement_cost_cny(self) -> FloatArray:
        """Cost of the committed abatement per firm [CNY]."""
        cost = np.where(
            np.isfinite(self.options.cost_cny_per_tce), self.options.cost_cny_per_tce, 0.0
        )
        out: FloatArray = (self.abated_by_slot * cost).sum(axis=1)
        return out


@dataclass(frozen=True)
class YearSpan:
    """The steps of one compliance year in the run and the share of the calendar year they
    stand for."""

    year: int
    first_step: int
    stop_step: int
    fraction: float


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def year_spans(park: ParkInputs) -> list[YearSpan]:
    """The compliance years of a run: their steps and the covered share of each year [-]."""
    years = park.times.year.to_numpy()
    starts = [0, *(np.flatnonzero(np.diff(years) != 0) + 1).tolist()]
    stops = [*starts[1:], years.size]
    out = []
    for a, b in zip(starts, stops, strict=True):
        year = int(years[a])
        days = 366.0 if _leap(year) else 365.0
        fraction = float(park.step_weight[a:b].sum()) * park.dt_h / (24.0 * days)
        out.append(YearSpan(year, a, b, fraction))
    return out


def pair_trades(
    seller: IntArray, sell_qty: FloatArray, buyer: IntArray, buy_qty: FloatArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Match sellers to buyers of a cleared call auction in list order (both totals equal).

    Returns ``(seller, buyer, amount)`` triples; any consistent matching settles a uniform-price
    auction, since every unit trades at the same price.
    """
    s_cum = np.cumsum(sell_qty)
    b_cum = np.cumsum(buy_qty)
    cuts = np.unique(np.concatenate(([0.0], s_cum, b_cum)))
    total = min(float(s_cum[-1]) if s_cum.size else 0.0, float(b_cum[-1]) if b_cum.size else 0.0)
    cuts = cuts[cuts <= total + 1e-12]
    if cuts.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    mids = 0.5 * (cuts[:-1] + cuts[1:])
    amount = np.diff(cuts)
    s_idx = np.minimum(np.searchsorted(s_cum, mids), s_cum.size - 1)
    b_idx = np.minimum(np.searchsorted(b_cum, mids), b_cum.size - 1)
    keep = amount > 1e-12
    return seller[s_idx[keep]], buyer[b_idx[keep]], amount[keep]


def fill_in_merit_order(amount: FloatArray, capacity: FloatArray) -> FloatArray:
    """Spread each firm's ``amount`` over its option slots in column order, within capacity."""
    cum = np.cumsum(capacity, axis=1)
    before = cum - capacity
    out: FloatArray = np.clip(amount[:, None] - before, 0.0, capacity)
    return out


def _storage_free_grid_kwh(park: ParkInputs, a: int, b: int) -> FloatArray:
    """Each firm's grid electricity over steps a..b-1 without storage dispatch [kWh]."""
    return expected_firm_grid_kwh(
        park.firm_load_kw[a:b],
        park.firm_pv_kw[a:b] + park.firm_wind_kw[a:b],
        park.shared_pv_kw[a:b] + park.shared_wind_kw[a:b],
        park.grid_limit_kw,
        park.step_weight[a:b],
        park.dt_h,
    )


@dataclass
class EnergyRightsMarket:
    """State of the region's energy-use-rights market over a run."""

    config: EnergyRightsConfig
    accounting: AccountingConfig
    parks: list[ParkInputs]
    runs: list[ParkRun]
    reference: ReferenceData
    rng: np.random.Generator
    money: MoneyLedger
    ledger: RightsLedger
    firm_offset: IntArray
    strategies: dict[str, BiddingStrategy]
    strategy_members: dict[str, IntArray]
    base_use_tce: FloatArray
    base_output_t: FloatArray
    intensity_tce_per_t: FloatArray
    years: dict[int, YearBook] = field(default_factory=dict)
    auctions: list[dict[str, Any]] = field(default_factory=list)
    make_good_owed: FloatArray = field(default_factory=lambda: np.zeros(0))
    last_price: float = math.nan
    _year_start_totals: dict[str, FloatArray] = field(default_factory=dict)
    _auction_seq: int = 0
    _base_cap_per_year: float = 0.0
    _gross_free: FloatArray = field(default_factory=lambda: np.zeros(0))
    _first_year: int = 0
    _base_fraction: float = 1.0
    price_path: PricePath | None = None
    _path_first_year: int = 0

    @property
    def n_firms(self) -> int:
        """Number of firms in the region."""
        return int(self.firm_offset[-1])

    # ------------------------------------------------------------------ set-up
    @classmethod
    def create(
        cls,
        config: EnergyRightsConfig,
        accounting: AccountingConfig,
        parks: list[ParkInputs],
        runs: list[ParkRun],
        reference: ReferenceData,
        rng: np.random.Generator,
        money: MoneyLedger,
        first_year: int,
        base_stop: int,
        *,
        base_start: int = 0,
        **extra: Any,
    ) -> EnergyRightsMarket:
        """Set up the market; its base year is steps ``base_start`` to ``base_stop`` - 1 (the
        market's first year).

        ``extra`` sets the further fields of a subclass (e.g. the carbon market's coverage)
        before the base year is measured.
        """
        sizes = [p.firms.size for p in parks]
        offset = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        n_firms = int(offset[-1])
        bidding = [name for p in parks for name in p.firms.bidding]
        strategies: dict[str, BiddingStrategy] = {}
        members: dict[str, IntArray] = {}
        for name in sorted(set(bidding)):
            strategies[name] = make_bidding_strategy("truthful" if name == "human" else name)
            members[name] = np.array([i for i, b in enumerate(bidding) if b == name], np.int64)
        market = cls(
            config=config,
            accounting=accounting,
            parks=parks,
            runs=runs,
            reference=reference,
            rng=rng,
            money=money,
            ledger=RightsLedger(n_firms, first_year),
            firm_offset=offset,
            strategies=strategies,
            strategy_members=members,
            base_use_tce=np.zeros(n_firms),
            base_output_t=np.zeros(n_firms),
            intensity_tce_per_t=np.zeros(n_firms),
            **extra,
        )
        market.make_good_owed = np.zeros(n_firms)
        market.base_use_tce = market.expected_use_tce(base_start, base_stop)
        market.base_output_t = market.expected_output_t(base_start, base_stop)
        market.intensity_tce_per_t = market._allocation_intensity()
        if config.reserve_tce > 0.0:
            market.ledger.fund_reserve(config.reserve_tce, first_year)
        return market

    def _concat(self, name: str) -> FloatArray:
        return np.concatenate([np.asarray(getattr(p.firms, name), dtype=float) for p in self.parks])

    def _electricity_kgce_per_kwh(self) -> float:
        factors = self.reference.conversion_factors()
        return float(factors.electricity_kgce_per_kwh(self.accounting.electricity_accounting))

    def expected_use_tce(self, a: int, b: int) -> FloatArray:
        """Expected energy use of every firm over steps a..b-1 before abatement [tce].

        Electricity is the firm's expected grid electricity: the pooled-bus share of the park's
        expected flows with its own and the park's shared PV and wind and no storage dispatch
        (:func:`agents.expected_grid.expected_firm_grid_kwh`), times what the firm's meter has
        taught it about storage (:meth:`storage_correction`); it is taken at the configured
        convention, fuels at their coefficients. Without a battery in the park the forecast
        equals what compliance later counts.
        """
        factors = self.reference.conversion_factors()
        convention = self.accounting.electricity_accounting
        correction = self.storage_correction()
        out = []
        for k, park in enumerate(self.parks):
            w = park.step_weight[a:b]
            lo, hi = self.firm_offset[k], self.firm_offset[k + 1]
            grid_kwh = _storage_free_grid_kwh(park, a, b) * correction[lo:hi]
            fuel_frac = park.firms.counted_fuel_frac
            out.append(
                np.asarray(
                    energy_use_tce(
                        grid_kwh,
                        (w @ park.coal_kg[a:b]) * fuel_frac,
                        (w @ park.gas_m3[a:b]) * fuel_frac,
                        convention=convention,
                        factors=factors,
                    ),
                    dtype=float,
                )
            )
        return np.concatenate(out)

    def storage_correction(self) -> FloatArray:
        """Counted ÷ storage-free grid electricity over the steps settled so far, per firm [-].

        Batteries (the firm's own and the park's shared one) shift grid electricity in time and
        add their losses; a firm learns their net effect from its metered history. 1 before any
        step is settled and for a firm whose storage-free forecast is zero.
        """
        out = []
        for park, run in zip(self.parks, self.runs, strict=True):
            settled = run.settled_until
            ratio = np.ones(park.firms.size)
            if settled > 0:
                forecast = _storage_free_grid_kwh(park, 0, settled)
                np.divide(run.firm.grid_kwh, forecast, out=ratio, where=forecast > 0.0)
            out.append(ratio)
        return np.concatenate(out)

    def expected_output_t(self, a: int, b: int) -> FloatArray:
        """Planned output of every firm over steps a..b-1 [t]."""
        return np.concatenate([p.step_weight[a:b] @ p.production_t[a:b] for p in self.parks])

    def _allocation_intensity(self) -> FloatArray:
        """Benchmark (or baseline) intensity per firm [tce/t]; base intensity × factor if none."""
        alloc = self.config.allocation
        name = (
            "benchmark_kgce_per_t"
            if alloc.benchmark_level == "benchmark"
            else ("baseline_kgce_per_t")
        )
        published = self._concat(name) / KGCE_PER_TCE
        base = np.divide(
            self.base_use_tce,
            self.base_output_t,
            out=np.zeros(self.n_firms),
            where=self.base_output_t > 0,
        )
        out: FloatArray = np.where(
            np.isfinite(published), published, base * alloc.unlisted_benchmark_factor
        )
        return out

    # ------------------------------------------------------------------ actual accounts
    def actual_totals(self) -> dict[str, FloatArray]:
        """Cumulative grid electricity, fuels and output of every firm so far."""
        return {
            "grid_kwh": np.concatenate([r.firm.grid_kwh for r in self.runs]),
            "coal_kg": np.concatenate([r.firm.coal_kg for r in self.runs]),
            "gas_m3": np.concatenate([r.firm.gas_m3 for r in self.runs]),
            "production_t": np.concatenate([r.firm.production_t for r in self.runs]),
        }

    def _year_delta(self) -> dict[str, FloatArray]:
        now = self.actual_totals()
        return {k: now[k] - self._year_start_totals.get(k, 0.0) for k in now}

    def actual_use_tce(self, delta: dict[str, FloatArray]) -> FloatArray:
        """Modelled energy use from accumulated grid electricity and fuels [tce] (feedstock left
        out when ``accounting.exclude_feedstock`` is on)."""
        fuel_frac = self._concat("counted_fuel_frac")
        return np.asarray(
            energy_use_tce(
                delta["grid_kwh"],
                delta["coal_kg"] * fuel_frac,
                delta["gas_m3"] * fuel_frac,
                convention=self.accounting.electricity_accounting,
                factors=self.reference.conversion_factors(),
            ),
            dtype=float,
        )

    def exclusion_tce(self, certified_mwh: FloatArray, grid_kwh: FloatArray) -> FloatArray:
        """Renewable-exclusion deduction for certified green power [tce] (0 when off)."""
        if not self.accounting.renewable_exclusion:
            return np.zeros(self.n_firms)
        return np.asarray(
            renewable_exclusion_tce(
                certified_mwh * 1000.0,
                grid_electricity_kwh=grid_kwh,
                convention=self.accounting.electricity_accounting,
                rule=self.accounting.renewable_exclusion_rule,
                factors=self.reference.conversion_factors(),
            ),
            dtype=float,
        )

    # ------------------------------------------------------------------ the year
    def _abatement_options(self, a: int, b: int) -> AbatementOptions:
        """Annual abatement options of every firm for the year's steps a..b-1."""
        use = self.expected_use_tce(a, b)
        output = self.expected_output_t(a, b)
        intensity = np.divide(use, output, out=np.zeros_like(use), where=output > 0)
        cut_t = self._concat("max_output_cut_frac") * output
        margin = self._concat("margin_cny_per_t")
        if self.config.allocation.rule == "output_based":
            # Curtailing also forfeits the allocation of the lost output.
            saved_per_t = np.maximum(intensity - self.oba_intensity_tce_per_t, 1e-9)
        else:
            saved_per_t = np.maximum(intensity, 1e-9)
        # Deeper cuts idle more profitable lines: the cut is offered in equal tranches whose lost
        # margin rises by CURTAILMENT_MARGIN_STEPS (an assumed shape of the curtailment MAC).
        tranches = [
            curtailment_option(cut_t / len(CURTAILMENT_MARGIN_STEPS), margin * k, saved_per_t)
            for k in CURTAILMENT_MARGIN_STEPS
        ]
        retrofit = retrofit_option(
            self._concat("retrofit_saving_frac") * use,
            self._concat("retrofit_saving_frac") * use * self._concat("retrofit_cost_cny_per_tce"),
        )
        heat_kwh = []
        fuel_price = []
        boiler_eff = []
        elec_price = []
        prices = self.reference
        # Fuel price per kWh of fuel energy, through the boiler module's calorific values.
        coal_cny_per_kwh = (
            prices.number("fuel_prices.coal_cny_per_t") / 1000.0 * coal_kg_from_energy_kwh(1.0)
        )
        gas_cny_per_kwh = prices.number("fuel_prices.natural_gas_cny_per_m3") * (
            gas_m3_from_energy_kwh(1.0)
        )
        for park in self.parks:
            firms = park.firms
            movable = (
                firms.heat_pump_option
                & (firms.heat_sink_temperature_c <= HEAT_PUMP_MAX_SINK_C)
                & ~firms.heat_electric
            )
            fossil = (park.step_weight[a:b] * park.dt_h) @ (
                park.heat_demand_kw_th[a:b] - park.heat_pump_heat_kw_th[a:b]
            )
            # A heat pump that also charges a heat store can make more heat than the demand.
            heat_kwh.append(np.where(movable, np.maximum(fossil, 0.0), 0.0))
            fuel_price.append(
                firms.heat_gas_share * gas_cny_per_kwh
                + (1.0 - firms.heat_gas_share) * coal_cny_per_kwh
            )
            boiler_eff.append(firms.boiler_efficiency)
            elec_price.append(np.full(firms.size, float(park.import_price_cny_per_kwh.mean())))
        heat = np.concatenate(heat_kwh)
        heat_pump = heat_electrification_option(
            heat,
            np.concatenate(boiler_eff),
            np.concatenate(fuel_price),
            HEAT_PUMP_MEAN_COP,
            np.concatenate(elec_price),
            self._electricity_kgce_per_kwh(),
            annualised_capex_cny_per_yr=heat * self._concat("heat_pump_capex_cny_per_kwh_th"),
        )
        return stack_options(*tranches, heat_pump, retrofit)

    def start_year(self, year: int, a: int, b: int, year_fraction: float) -> dict[str, Any]:
        """Open compliance year ``year`` (steps a..b-1): cap and free allocation."""
        cfg = self.config
        alloc = cfg.allocation
        self._year_start_totals = self.actual_totals()
        expected_use = self.expected_use_tce(a, b)
        expected_output = self.expected_output_t(a, b)
        cap = self.year_cap_tce(year, year_fraction, expected_use, expected_output)
        free, self.oba_intensity_tce_per_t = self._free_allocation(
            year, year_fraction, cap, expected_output
        )
        self._gross_free = free.copy()
        owed = np.minimum(self.make_good_owed, free)
        free = free - owed
        self.make_good_owed = self.make_good_owed - owed
        if self.ledger.year != year:
            self.ledger.year = year
        nonzero = np.flatnonzero(free > 0)
        if nonzero.size:
            self.ledger.allocate(nonzero, free[nonzero], year, kind="free")
        primary = 0.0
        if alloc.rule in ("auction", "hybrid"):
            primary = max(cap - float(free.sum()) - float(owed.sum()), 0.0)
        n = self.n_firms
        self.years[year] = YearBook(
            year=year,
            first_step=a,
            stop_step=b,
            cap_tce=cap,
            free_tce=free.copy(),
            primary_tce=primary,
            options=self._abatement_options(a, b),
            abated_by_slot=np.zeros((n, 3)),
            bought_tce=np.zeros(n),
            sold_tce=np.zeros(n),
            paid_cny=np.zeros(n),
            received_cny=np.zeros(n),
        )
        self.years[year].abated_by_slot = np.zeros_like(self.years[year].options.capacity_tce)
        if cfg.banking_expectation == "perfect_foresight":
            self._plan_year(self.years[year])
        return {"year": year, "cap_tce": cap, "free_tce": float(free.sum()), "primary_tce": primary}

    def year_cap_tce(
        self,
        year: int,
        year_fraction: float,
        expected_use_tce: FloatArray,
        expected_output_t: FloatArray,
    ) -> float:
        """Cap of compliance year ``year`` [tce]: the first year's cap, changed each year by
        ``cap_annual_change``, for the part ``year_fraction`` of the year the run covers."""
        cfg = self.config
        if not self.years:
            base_cap = (
                cfg.cap_tce
                if cfg.cap_tce is not None
                else cfg.cap_factor * float(expected_use_tce.sum())
            )
            self._base_cap_per_year = base_cap / max(year_fraction, 1e-9)
            self._first_year = year
            self._base_fraction = year_fraction
        return self._year_cap(year, year_fraction)

    def _year_cap(self, year: int, year_fraction: float) -> float:
        """The cap of ``year`` [tce] (set once the first year has opened)."""
        return (
            self._base_cap_per_year
            * (1.0 + self.config.cap_annual_change) ** (year - self._first_year)
            * year_fraction
        )

    def _free_allocation(
        self, year: int, year_fraction: float, cap: float, expected_output: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Gross free allocation of every firm for ``year`` [tce] (scaled to the cap), and the
        output-based intensity of the year [tce/t]."""
        cfg = self.config
        alloc = cfg.allocation
        basis = self.base_use_tce / max(float(self.base_use_tce.sum()), 1e-12) * cap
        # Output-based allocation updates its benchmark each year so that the expected
        # allocation equals the cap (the usual cap-consistent design of output-based schemes).
        expected_oba = float(expected_output @ self.intensity_tce_per_t)
        oba_intensity = self.intensity_tce_per_t * (
            cap / expected_oba if expected_oba > 0.0 else 0.0
        )
        if alloc.rule == "grandfathering":
            free = (
                self.base_use_tce
                * alloc.grandfathering_factor
                * (year_fraction / max(self._base_fraction, 1e-9))
                * (1.0 + cfg.cap_annual_change) ** (year - self._first_year)
            )
        elif alloc.rule == "benchmark":
            free = expected_output * self.intensity_tce_per_t
        elif alloc.rule == "output_based":
            # Provisional allocation on expected output, trued up on actual output at year end.
            free = expected_output * oba_intensity
        elif alloc.rule == "hybrid":
            share = max(
                0.0,
                alloc.hybrid_free_share_start
                - alloc.hybrid_free_share_decline_per_yr * (year - self._first_year),
            )
            free = basis * share
        else:  # auction
            free = np.zeros(self.n_firms)
        total_free = float(free.sum())
        if total_free > cap > 0.0:
            free = free * (cap / total_free)
        return free, oba_intensity

    # ------------------------------------------------------------------ perfect foresight
    def _price_ceiling(self) -> float:
        """Highest price a right can fetch [CNY/tce]: the fixed penalty (firms may stay short
        and pay it) or, for a penalty in proportion to the price, the market's price cap."""
        cap = self.config.price_cap_cny_per_tce
        if self.config.penalty.kind == "fixed":
            return max(min(self.penalty_rate(), cap), 1e-9)
        return cap

    def _plan_year(self, book: YearBook) -> None:
        """Solve the price path from ``book``'s year to the run's end and commit the year's
        abatement at the year's price (every option cheaper, the path's share of those costing
        exactly the price)."""
        spans = [s for s in year_spans(self.parks[0]) if s.year >= book.year]
        position, _, _ = self._position(book, book.first_step)
        # This year: rights held (the bank and the free allocation), rights still due under
        # output-based allocation and the primary sale, against the expected counted use.
        held = float(self.ledger.held_tce.sum()) + float(self._oba_due_tce(book).sum())
        supply = [held + book.primary_tce]
        use = [max(held - float(position.sum()), 0.0)]
        options = [book.options]
        rule = self.config.allocation.rule
        for span in spans[1:]:
            a, b = span.first_step, span.stop_step
            cap = self.year_cap_tce(
                span.year, span.fraction, self.expected_use_tce(a, b), self.expected_output_t(a, b)
            )
            if rule in ("auction", "hybrid", "output_based"):
                supply.append(cap)
            else:
                free, _ = self._free_allocation(
                    span.year, span.fraction, cap, self.expected_output_t(a, b)
                )
                supply.append(float(free.sum()))
            use.append(float(self._expected_counted_use(span.year, a, b).sum()))
            options.append(self._abatement_options(a, b))
        path = foresight_price_path(
            np.maximum(supply, 0.0),
            use,
            options,
            self._price_ceiling(),
            self.config.banking_discount_rate,
            banking=self.config.banking,
            price_hint_cny_per_tce=self.expected_price(book.year),
        )
        self.price_path = path
        self._path_first_year = book.year
        book.expected_price_cny_per_tce = float(path.price_cny_per_tce[0])
        book.expected_bank_tce = float(path.bank_tce[0])
        book.abated_by_slot = abatement_by_slot_at_price(
            book.options, book.expected_price_cny_per_tce, float(path.marginal_share[0])
        )

    def expected_price(self, year: int) -> float:
        """The perfect-foresight price of ``year`` [CNY/tce]; ``nan`` without a path."""
        path = self.price_path
        k = year - self._path_first_year
        if path is None or not 0 <= k < path.price_cny_per_tce.size:
            return math.nan
        return float(path.price_cny_per_tce[k])

    def _expected_counted_use(self, year: int, a: int, b: int) -> FloatArray:
        """Counted use every firm expects over steps a..b-1 of a coming ``year`` before
        abatement [tce]: the forecast less the expected renewable exclusion."""
        use = self.expected_use_tce(a, b)
        if self.green_forecast is not None:
            green = self.green_forecast(year, a, b)
            use = use - self.exclusion_tce(green, np.full(self.n_firms, 1e12))
        out: FloatArray = np.maximum(use, 0.0)
        return out

    def penalty_rate(self) -> float:
        """Penalty per tce a firm expects now [CNY/tce]."""
        pen = self.config.penalty
        if pen.kind == "fixed" or not math.isfinite(self.last_price):
            return max(pen.fixed_cny_per_tce, pen.minimum_cny_per_tce)
        return max(self.penalty_multiple() * self.last_price, pen.minimum_cny_per_tce)

    def penalty_multiple(self) -> float:
        """Multiple of the average price a ``price_multiple`` penalty charges [-]: the scenario's,
        else the reference's ``markets.penalty_multiple_shenzhen``."""
        given = self.config.penalty.multiple
        if given is not None:
            return float(given)
        return self.reference.number("markets.penalty_multiple_shenzhen")

    def _position(self, book: YearBook, t: int) -> tuple[FloatArray, float, FloatArray]:
        """Position per firm [tce], the remaining share of the year, and certified green."""
        a, b = book.first_step, book.stop_step
        elapsed = (t - a) / max(b - a, 1)
        delta = self._year_delta()
        use = self.actual_use_tce(delta) + self.expected_use_tce(t, b)
        certified = self._certified(book.year)
        if self.green_forecast is not None:
            expected_green = self.green_forecast(book.year, t, b)
            expected_excl = self.exclusion_tce(expected_green, delta["grid_kwh"] + 1e12)
        else:
            excl = self.exclusion_tce(certified, delta["grid_kwh"])
            expected_excl = excl / elapsed if elapsed > 0.05 else excl
        future = self._oba_due_tce(book, t)
        held = self.ledger.held_tce
        counted = use - book.abatement_tce - self.linked_abatement_tce(book.year) - expected_excl
        return held + future - counted, 1.0 - elapsed, certified

    def _oba_due_tce(self, book: YearBook, t: int | None = None) -> FloatArray:
        """Output-based rights still due for the year when standing at step ``t`` [tce]: the
        expected true-up of actual output × intensity over the provisional allocation."""
        if self.config.allocation.rule != "output_based":
            return np.zeros(self.n_firms)
        t = book.first_step if t is None else t
        delta = self._year_delta()
        output = delta["production_t"] + self.expected_output_t(t, book.stop_step)
        out: FloatArray = output * self.oba_intensity_tce_per_t - self._gross_free
        return out

    certified_source: Any = None
    #: Another market's committed abatement in this market's units, by year (control of both
    #: energy and carbon): ``year -> per-firm array``; ``None`` when this market runs alone.
    linked_source: Any = None

    def linked_abatement_tce(self, year: int) -> FloatArray:
        """Abatement committed in the linked market that lowers this market's count [tce]."""
        return self._from_source(self.linked_source, year)

    def _from_source(self, source: Any, year: int) -> FloatArray:
        """``source(year)``, or zeros for every firm without a source."""
        if source is None:
            return np.zeros(self.n_firms)
        out: FloatArray = source(year)
        return out

    oba_intensity_tce_per_t: FloatArray = field(default_factory=lambda: np.zeros(0))
    green_forecast: Any = None

    def _certified(self, year: int) -> FloatArray:
        return self._from_source(self.certified_source, year)

    def run_auction(self, year: int, t: int, auction_index: int, n_auctions: int) -> dict[str, Any]:
        """One call auction at step ``t``; commits abatement afterwards."""
        book = self.years[year]
        cfg = self.config
        position, remaining, _ = self._position(book, t)
        left = np.maximum(book.options.capacity_tce * remaining - book.abated_by_slot, 0.0)
        options = abatement_options(left, book.options.cost_cny_per_tce, book.options.kind)
        penalty = self.penalty_rate()
        surplus_value, bank_demand = self._keep_value(book, auction_index, n_auctions)
        cap = cfg.price_cap_cny_per_tce
        view = MarketView(
            price_floor=0.0,
            price_cap=cap,
            last_price=self.last_price,
            period=self._auction_seq,
        )
        orders: list[Order] = []
        group_orders = {}
        for name, strategy in self.strategies.items():
            idx = self.strategy_members[name]
            sub = abatement_options(
                options.capacity_tce[idx], options.cost_cny_per_tce[idx], options.kind[idx]
            )
            state = rights_bidder_state(
                position[idx],
                sub,
                min(penalty, cap),
                surplus_value_cny_per_tce=surplus_value,
                bank_demand_tce=None if bank_demand is None else bank_demand[idx],
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                arrays = strategy.orders(state, view, self.rng)
            arrays = _sells_within_holdings(arrays, self.ledger.held_tce[idx])
            prefix = f"{name}-"
            names = [f"firm{i}" for i in idx]
            group_orders[name] = (arrays, prefix)
            orders.extend(to_orders(arrays, 0, "default", "rights", prefix, agent_names=names))
        # The primary volume is offered at the year's first auction; what does not sell at the
        # reserve price is offered again at the next one.
        primary = max(book.primary_tce - book.primary_sold_tce, 0.0)
        if primary > 1e-9:
            orders.append(
                Order(
                    "primary",
                    "auctioneer",
                    Side.SELL,
                    primary,
                    min(cfg.allocation.auction_reserve_price_cny_per_tce, cap),
                    product="rights",
                    sequence=len(orders),
                )
            )
        corridor = self._corridor()
        if corridor is not None:
            orders.extend(
                corridor_orders(corridor, self.ledger.reserve_held_tce, orders, product="rights")
            )
        self._auction_seq += 1
        record: dict[str, Any] = {"year": year, "auction": auction_index, "step": t}
        if not orders:
            record.update(price_cny_per_tce=math.nan, volume_tce=0.0)
            self.auctions.append(record)
            return record
        result = clear(orders, MarketSpec(price_floor=0.0, price_cap=cap))
        price = float(result.prices.get(("rights", "default", 0), math.nan))
        self._settle_auction(book, result, group_orders, price, primary)
        volume = float(result.volume)
        if volume > 0 and math.isfinite(price):
            self.last_price = price
            book.prices.append(price)
            book.volumes.append(volume)
        self._commit_abatement(book, t)
        record.update(price_cny_per_tce=price, volume_tce=volume)
        self.auctions.append(record)
        return record

    def _keep_value(
        self, book: YearBook, auction_index: int, n_auctions: int
    ) -> tuple[float, FloatArray | None]:
        """What a right a firm keeps is worth to it [CNY/tce], and how much each firm would buy
        at that value to keep [tce] (``None``: no such bids).

        Myopic: with banking the last price (the best estimate of the future price), else 0.
        Perfect foresight: the year's price on the path (a kept right is sold or used later in
        the year, or banked at the discounted next-year price, equal while the bank is
        positive); without banking 0 at the year's last auction. Primary sales would clear at
        the reserve price while the path banks rights, so under perfect foresight each firm
        also bids for its base-use share of the unsold primary volume at the year's price.
        Both are placed a hair (:data:`KEEP_TIE_BREAK`) below the path price, so that at the
        path price a firm that needs a right to avoid abatement is served before a firm that
        would only keep it: the year then abates what the path plans, no more.
        """
        cfg = self.config
        if cfg.banking_expectation == "myopic":
            keep = self.last_price if cfg.banking and math.isfinite(self.last_price) else 0.0
            return keep, None
        price = self.expected_price(book.year)
        last = auction_index >= n_auctions - 1
        keep = price * (1.0 - KEEP_TIE_BREAK) if math.isfinite(price) else 0.0
        if last and not cfg.banking:
            keep = 0.0
        # Always one bank step (perhaps of 0 tce), so a learning strategy sees schedules of one
        # shape in every auction.
        primary = max(book.primary_tce - book.primary_sold_tce, 0.0)
        if primary <= 1e-9 or keep <= 0.0:
            return keep, np.zeros(self.n_firms)
        share = self.base_use_tce / max(float(self.base_use_tce.sum()), 1e-12)
        return keep, primary * share

    def _corridor(self) -> PriceCorridor | None:
        cfg = self.config
        if cfg.price_floor_cny_per_tce is None and cfg.price_ceiling_cny_per_tce is None:
            return None
        floor = cfg.price_floor_cny_per_tce or 0.0
        ceiling = cfg.price_ceiling_cny_per_tce or cfg.price_cap_cny_per_tce
        return PriceCorridor(floor, ceiling)

    def _settle_auction(
        self,
        book: YearBook,
        result: Any,
        group_orders: dict[str, Any],
        price: float,
        primary_offered: float,
    ) -> None:
        n = self.n_firms
        bought = np.zeros(n)
        sold = np.zeros(n)
        for name, (arrays, prefix) in group_orders.items():
            idx = self.strategy_members[name]
            fills = fills_from_clearing(arrays, result.accepted, result.payments, prefix)
            if len(fills):
                qty = fills.quantity
                firm = idx[fills.firm]
                np.add.at(bought, firm[fills.is_buy], qty[fills.is_buy])
                np.add.at(sold, firm[~fills.is_buy], qty[~fills.is_buy])
            with np.errstate(invalid="ignore", divide="ignore"):
                self.strategies[name].observe(MarketOutcome(fills=fills, price=price))
        net = bought - sold
        buyers = np.flatnonzero(net > 1e-12)
        sellers = np.flatnonzero(net < -1e-12)
        primary_sold = float(result.accepted.get("primary", 0.0))
        reserve = reserve_fills(result, product="rights")
        # Sources in order: primary sale, reserve sale, firms; sinks: firms, then the reserve.
        src = np.concatenate(([-1, -2], sellers)).astype(np.int64)
        src_qty = np.concatenate(([primary_sold, reserve.sold_tce], -net[sellers]))
        dst = np.concatenate((buyers, [-3])).astype(np.int64)
        dst_qty = np.concatenate((net[buyers], [reserve.bought_tce]))
        s, d, amount = pair_trades(src, src_qty, dst, dst_qty)
        year = book.year
        layout = self.money.layout
        mo, treasury = layout.market_operator, layout.treasury
        for kind_src in (-1, -2):
            m = (s == kind_src) & (d >= 0)
            if np.any(m):
                if kind_src == -1:
                    self.ledger.allocate(d[m], amount[m], year, kind="auction")
                else:
                    self.ledger.reserve_sell(d[m], amount[m])
                self.money.post(
                    d[m], treasury, amount[m] * price, "rights_purchase", "auction_revenue"
                )
        m = (s >= 0) & (d >= 0)
        if np.any(m):
            self.ledger.transfer(s[m], d[m], amount[m])
            self.money.post(d[m], mo, amount[m] * price, "rights_purchase")
            self.money.post(mo, s[m], amount[m] * price, "rights_sale")
        m = (s >= 0) & (d == -3)
        if np.any(m):
            self.ledger.reserve_buy(s[m], amount[m])
            self.money.post(treasury, s[m], amount[m] * price, "auction_revenue", "rights_sale")
        book.primary_sold_tce += primary_sold
        if not math.isfinite(price):
            return  # nothing traded
        book.revenue_cny += (primary_sold + reserve.sold_tce - reserve.bought_tce) * price
        book.bought_tce += np.maximum(net, 0.0)
        book.sold_tce += np.maximum(-net, 0.0)
        book.paid_cny += np.maximum(net, 0.0) * price
        book.received_cny += np.maximum(-net, 0.0) * price

    def _commit_abatement(self, book: YearBook, t: int) -> None:
        """Each short firm commits the abatement it needs, cheapest options below the penalty."""
        position, remaining, _ = self._position(book, t)
        need = np.maximum(-position, 0.0)
        penalty = self.penalty_rate()
        usable = book.options.cost_cny_per_tce < penalty
        left = np.where(
            usable,
            np.maximum(book.options.capacity_tce * remaining - book.abated_by_slot, 0.0),
            0.0,
        )
        book.abated_by_slot = book.abated_by_slot + fill_in_merit_order(need, left)

    def close_year(self, year: int, certified_mwh: FloatArray) -> dict[str, Any]:
        """Compliance for ``year``: ex-post allocation, surrender, penalties, recycling."""
        cfg = self.config
        book = self.years[year]
        delta = self._year_delta()
        if cfg.allocation.rule == "output_based":
            # True-up: actual output × benchmark minus the provisional allocation. A positive
            # difference is allocated; a negative one is cancelled from holdings, and what the
            # firm no longer holds is owed from next year's allocation.
            true_up = delta["production_t"] * self.oba_intensity_tce_per_t - self._gross_free
            extra = np.maximum(true_up, 0.0)
            nz = np.flatnonzero(extra > 1e-12)
            if nz.size:
                self.ledger.allocate(nz, extra[nz], year, kind="free")
            claw = np.maximum(-true_up, 0.0)
            take = np.minimum(claw, self.ledger.held_tce)
            nz = np.flatnonzero(take > 1e-12)
            if nz.size:
                self.ledger.cancel(nz, take[nz], year)
            self.make_good_owed = self.make_good_owed + (claw - take)
            book.free_tce = book.free_tce + extra - take
        modelled = self.actual_use_tce(delta)
        exclusion = self.exclusion_tce(certified_mwh, delta["grid_kwh"])
        abatement = np.minimum(book.abatement_tce, modelled)
        linked = np.minimum(self.linked_abatement_tce(year), modelled - abatement)
        counted = np.maximum(modelled - abatement - linked - exclusion, 0.0)
        avg_price = (
            float(np.average(book.prices, weights=book.volumes)) if book.volumes else math.nan
        )
        pen = cfg.penalty
        policy = CompliancePolicy(
            penalty=PenaltyRule(
                kind=pen.kind,
                fixed_cny_per_tce=pen.fixed_cny_per_tce,
                multiple=self.penalty_multiple(),
                minimum_cny_per_tce=pen.minimum_cny_per_tce,
                fallback_price_cny_per_tce=pen.fixed_cny_per_tce,
            ),
            make_good=cfg.make_good,
            banking=cfg.banking,
        )
        result = settle_compliance(self.ledger, counted, policy, avg_price)
        layout = self.money.layout
        payers = np.flatnonzero(result.penalty_cny > 0)
        if payers.size:
            self.money.post(payers, layout.treasury, result.penalty_cny[payers], "penalty")
        if cfg.make_good:
            self.make_good_owed = self.make_good_owed + result.make_good_tce
        output = self.expected_output_t(book.first_step, book.stop_step)
        recycled = np.zeros(self.n_firms)
        if book.revenue_cny > 0.0 and cfg.allocation.revenue_recycling in (
            "lump_sum_equal",
            "output_based",
        ):
            recycling = recycle_revenue(
                book.revenue_cny, cfg.allocation.revenue_recycling, self.n_firms, output
            )
            recycled = np.asarray(recycling.to_firms_cny, dtype=float)
            nz = np.flatnonzero(recycled > 0)
            if nz.size:
                self.money.post(layout.treasury, nz, recycled[nz], "recycling")
        book.result = {
            "modelled_use_tce": modelled,
            "abatement_tce": abatement,
            "linked_abatement_tce": linked,
            "exclusion_tce": exclusion,
            "counted_use_tce": counted,
            "surrendered_tce": np.asarray(result.surrendered_tce, dtype=float),
            "shortfall_tce": np.asarray(result.shortfall_tce, dtype=float),
            "penalty_cny": np.asarray(result.penalty_cny, dtype=float),
            "compliant": np.asarray(result.compliant, dtype=bool),
            "expired_tce": np.asarray(result.expired_tce, dtype=float),
            "recycled_cny": recycled,
            "average_price_cny_per_tce": avg_price,
            "penalty_rate_cny_per_tce": float(result.penalty_rate_cny_per_tce),
            "output_t": delta["production_t"],
        }
        return {
            "year": year,
            "counted_use_tce": float(counted.sum()),
            "cap_tce": book.cap_tce,
            "shortfall_tce": float(result.shortfall_tce.sum()),
            "penalties_cny": float(result.penalty_cny.sum()),
            "compliance_rate_pct": float(100.0 * np.mean(result.compliant)),
            "average_price_cny_per_tce": avg_price,
            "renewable_exclusion_tce": float(exclusion.sum()),
        }


def _sells_within_holdings(arrays: Any, held_tce: FloatArray) -> Any:
    """Trim each firm's sell orders, in their order, to the rights it holds now.

    A firm may expect rights later (output-based allocation comes ex post) but can only deliver
    what it holds when the auction settles.
    """
    if not len(arrays):
        return arrays
    sell = ~arrays.is_buy
    qty = arrays.quantity.copy()
    firm = arrays.firm
    remaining = held_tce.astype(float).copy()
    for k in np.flatnonzero(sell):
        give = min(float(qty[k]), max(float(remaining[firm[k]]), 0.0))
        remaining[firm[k]] -= give
        qty[k] = give
    keep = ~sell | (qty > 1e-12)
    trimmed = type(arrays)(
        firm=firm,
        side=arrays.side,
        step=arrays.step,
        quantity=np.where(keep, qty, 1.0),
        price=arrays.price,
        limit_price=arrays.limit_price,
    )
    return trimmed.select(keep)
