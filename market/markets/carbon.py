"""The carbon market of a region: a national-ETS-style allowance market for covered sectors.

It is the energy-use-rights market's mechanism (:class:`~market.markets.energy_rights.
EnergyRightsMarket`: call auctions, abatement commitments, compliance, banking, make-good) with
tonnes of CO2 in place of tonnes of coal equivalent. Quantities the parent names ``*_tce`` are
tCO2 here; :func:`tco2_keys` renames them in what the market reports.

Mechanism (one compliance year = one calendar year, or the part of it the run covers)
--------------------------------------------------------------------------------------
* **Coverage.** Only firms of the covered sectors (``coverage``) hold obligations; others have no
  emissions in this market and no options.
* **Covered emissions** (:func:`agents.carbon_accounting.covered_emissions_tco2`): fuel CO2 plus
  process CO2; with ``include_scope2`` also grid electricity at the park's grid factor, less
  certificate-backed green power when ``certificates_zero_scope2`` is on (the certificates'
  deduction plays the part the renewable exclusion plays for energy use).
* **Allocation.** ``intensity``: free allowances = sector benchmark [tCO2/t] x output, handed out
  on expected output at the year's start and trued up on actual output at its end, with no
  absolute cap (the national scheme's method); the benchmarks change by
  ``benchmark_annual_change`` a year. ``auction``: the same total is sold at auction.
* **Abatement** options are the energy options converted at each firm's CO2 per tce (curtailment
  at its CO2 intensity), plus **CCER offsets** up to ``ccer_limit_frac`` of verified emissions at
  the CCER price. Offsets count for compliance but do not lower the CO2 the park emits.
* **Compliance**: surrender allowances for covered emissions less abatement and offsets; a
  shortfall pays ``penalty_multiple`` x the national average allowance price and is deducted
  from next year's allocation (make-good). Banking keeps unused allowances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from agents.abatement import AbatementOptions, OptionKind, abatement_options
from agents.accounting import scope1_tco2
from agents.carbon_accounting import (
    benchmark_year_factor,
    certificate_deductions,
    convert_abatement,
    covered_emissions_tco2,
    offset_limit_tco2,
)
from market.build import ParkInputs
from market.config.schema import (
    AccountingConfig,
    AllocationConfig,
    CarbonMarketConfig,
    EnergyRightsConfig,
    PenaltyConfig,
)
from market.engine.park_run import ParkRun
from market.ledgers import MoneyLedger
from market.markets.energy_rights import EnergyRightsMarket, _storage_free_grid_kwh
from market.reference import ReferenceData

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

CARBON_AUCTION_CLEARED = "carbon_auction_cleared"
CARBON_COMPLIANCE_SETTLED = "carbon_compliance_settled"
REFERENCE = "carbon_market"


#: Names the carbon market reports in place of the parent's energy-use names.
CARBON_NAMES = {
    "counted_use_tco2": "counted_emissions_tco2",
    "modelled_use_tco2": "verified_emissions_tco2",
    "renewable_exclusion_tco2": "certificate_deduction_tco2",
    "linked_abatement_tco2": "energy_rights_abatement_tco2",
}


def tco2_keys(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with the parent market's ``_tce`` names read as tCO2 (see
    :data:`CARBON_NAMES`)."""
    out = {}
    for key, value in record.items():
        name = key.replace("_tce", "_tco2")
        out[CARBON_NAMES.get(name, name)] = value
    return out


def sector_benchmarks_tco2_per_t(reference: ReferenceData) -> dict[str, float]:
    """Carbon benchmark of every sector that has one [tCO2/t]
    (``carbon_market.benchmark_<sector>_tco2_per_t``)."""
    out = {}
    for sector in reference.sector_names:
        key = f"{REFERENCE}.benchmark_{sector}_tco2_per_t"
        if key in reference.entries:
            out[sector] = reference.number(key)
    return out


def engine_config(carbon: CarbonMarketConfig, reference: ReferenceData) -> EnergyRightsConfig:
    """The allowance-market settings of ``carbon`` in the shared market mechanism's terms.

    The fine per tCO2 short is ``penalty_multiple`` x the national average allowance price: the
    firms of a region are price takers in the national market, so the fine does not follow the
    region's own auction prices (which would let the fine and the price chase each other).
    """
    multiple = (
        carbon.penalty_multiple
        if carbon.penalty_multiple is not None
        else reference.number(f"{REFERENCE}.penalty_price_multiple")
    )
    national = (
        carbon.national_price_cny_per_tco2
        if carbon.national_price_cny_per_tco2 is not None
        else reference.number(f"{REFERENCE}.price_2024_average_cny_per_tco2")
    )
    return EnergyRightsConfig(
        enabled=True,
        allocation=AllocationConfig(
            rule="output_based" if carbon.allocation == "intensity" else "auction",
            unlisted_benchmark_factor=1.0,
            auction_reserve_price_cny_per_tce=carbon.auction_reserve_price_cny_per_tco2,
            revenue_recycling=carbon.revenue_recycling,
        ),
        auctions_per_year=carbon.auctions_per_year,
        penalty=PenaltyConfig(
            kind="fixed",
            fixed_cny_per_tce=min(multiple * national, 1e5),
            minimum_cny_per_tce=carbon.penalty_minimum_cny_per_tco2,
        ),
        make_good=carbon.make_good,
        banking=carbon.banking,
        price_cap_cny_per_tce=carbon.price_cap_cny_per_tco2,
    )


@dataclass
class CarbonMarket(EnergyRightsMarket):
    """State of the region's carbon market over a run (quantities in tCO2)."""

    carbon: CarbonMarketConfig = field(default_factory=CarbonMarketConfig)
    covered: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    grid_factor_tco2_per_mwh: FloatArray = field(default_factory=lambda: np.zeros(0))
    base_energy_tce: FloatArray = field(default_factory=lambda: np.zeros(0))
    base_stop_step: int = 0

    @classmethod
    def create_carbon(
        cls,
        carbon: CarbonMarketConfig,
        accounting: AccountingConfig,
        parks: list[ParkInputs],
        runs: list[ParkRun],
        reference: ReferenceData,
        rng: np.random.Generator,
        money: MoneyLedger,
        first_year: int,
        base_stop: int,
    ) -> CarbonMarket:
        """Set up the carbon market; the base year is the first ``base_stop`` steps."""
        sectors = [s for p in parks for s in p.firms.sectors]
        covered = np.array([s in carbon.coverage for s in sectors], dtype=bool)
        factor = np.concatenate([np.full(p.firms.size, p.grid_co2_tco2_per_mwh) for p in parks])
        market = cls.create(
            engine_config(carbon, reference),
            accounting,
            parks,
            runs,
            reference,
            rng,
            money,
            first_year,
            base_stop,
            carbon=carbon,
            covered=covered,
            grid_factor_tco2_per_mwh=factor,
            base_stop_step=base_stop,
        )
        assert isinstance(market, CarbonMarket)
        market.base_energy_tce = market.expected_energy_tce(0, base_stop)
        return market

    # ------------------------------------------------------------------ reference settings
    def _setting(self, given: float | None, key: str) -> float:
        """A scenario setting, else its ``carbon_market.<key>`` reference value."""
        return float(given if given is not None else self.reference.number(f"{REFERENCE}.{key}"))

    @property
    def ccer_limit_frac(self) -> float:
        """Most of its verified emissions a firm may offset [-]."""
        return self._setting(self.carbon.ccer_limit_frac, "ccer_offset_limit_frac")

    @property
    def ccer_price_cny_per_tco2(self) -> float:
        """Price of CCER [CNY/tCO2]."""
        return self._setting(self.carbon.ccer_price_cny_per_tco2, "ccer_price_cny_per_tco2")

    @property
    def benchmark_annual_change(self) -> float:
        """Change of the benchmarks per year [1/yr]."""
        return self._setting(self.carbon.benchmark_annual_change, "benchmark_annual_change")

    # ------------------------------------------------------------------ emissions
    def _direct_tco2(
        self, coal_kg: FloatArray, gas_m3: FloatArray, output_t: FloatArray
    ) -> FloatArray:
        """Fuel CO2 (scope 1) plus process CO2 of every firm [tCO2]."""
        process = self._concat("process_co2_tco2_per_t") * output_t
        scope1 = np.asarray(scope1_tco2(coal_kg, gas_m3, self.reference.emission_factors()))
        out: FloatArray = scope1 + process
        return out

    def _covered(self, direct: FloatArray, grid_kwh: FloatArray) -> FloatArray:
        """Covered emissions before the certificates' deduction [tCO2] (0 for uncovered firms)."""
        gross = covered_emissions_tco2(
            direct,
            grid_kwh,
            0.0,
            self.grid_factor_tco2_per_mwh,
            include_scope2=self.carbon.include_scope2,
            certificates_zero_scope2=False,
        )
        out: FloatArray = np.where(self.covered, gross, 0.0)
        return out

    def expected_use_tce(self, a: int, b: int) -> FloatArray:
        """Expected covered emissions of every firm over steps a..b-1 before abatement [tCO2]."""
        return self._covered(*self._expected_direct_and_grid(a, b))

    def _expected_direct_and_grid(self, a: int, b: int) -> tuple[FloatArray, FloatArray]:
        """Expected direct CO2 [tCO2] and grid electricity [kWh] over steps a..b-1."""
        coal, gas, grid = [], [], []
        correction = self.storage_correction()
        for k, park in enumerate(self.parks):
            w = park.step_weight[a:b]
            lo, hi = self.firm_offset[k], self.firm_offset[k + 1]
            coal.append(w @ park.coal_kg[a:b])
            gas.append(w @ park.gas_m3[a:b])
            grid.append(_storage_free_grid_kwh(park, a, b) * correction[lo:hi])
        direct = self._direct_tco2(
            np.concatenate(coal), np.concatenate(gas), self.expected_output_t(a, b)
        )
        return direct, np.concatenate(grid)

    def expected_energy_tce(self, a: int, b: int) -> FloatArray:
        """Expected energy use over steps a..b-1 before abatement [tce] (as energy rights count)."""
        return EnergyRightsMarket.expected_use_tce(self, a, b)

    def actual_use_tce(self, delta: dict[str, FloatArray]) -> FloatArray:
        """Covered emissions from the accumulated fuels, output and grid electricity [tCO2]."""
        direct = self._direct_tco2(delta["coal_kg"], delta["gas_m3"], delta["production_t"])
        return self._covered(direct, delta["grid_kwh"])

    def exclusion_tce(self, certified_mwh: FloatArray, grid_kwh: FloatArray) -> FloatArray:
        """Scope-2 CO2 that retired certificates remove from covered emissions [tCO2]."""
        if not (self.carbon.include_scope2 and self.carbon.certificates_zero_scope2):
            return np.zeros(self.n_firms)
        _, scope2 = certificate_deductions(
            certified_mwh * 1000.0,
            grid_kwh,
            self.grid_factor_tco2_per_mwh,
            convention=self.accounting.electricity_accounting,
            factors=self.reference.conversion_factors(),
            count_in_energy=False,
            count_in_scope2=True,
        )
        out: FloatArray = np.where(self.covered, scope2, 0.0)
        return out

    def tco2_per_tce(self, combustion_only: bool = False) -> FloatArray:
        """Covered emissions per tce of energy use in the base year, per firm [tCO2/tce].

        With ``combustion_only`` process CO2 is left out: the CO2 a tce of saved fuel or
        electricity avoids (curtailing output avoids the whole ratio).
        """
        energy = self.base_energy_tce
        emissions = self.base_use_tce
        if combustion_only:
            process = self._concat("process_co2_tco2_per_t") * self.base_output_t
            emissions = np.maximum(emissions - np.where(self.covered, process, 0.0), 0.0)
        out: FloatArray = np.divide(
            emissions, energy, out=np.zeros(self.n_firms), where=energy > 0.0
        )
        return out

    # ------------------------------------------------------------------ allocation
    def _allocation_intensity(self) -> FloatArray:
        """Benchmark of each covered firm [tCO2/t] x ``benchmark_factor``; uncovered firms 0.

        The sector benchmarks cover direct emissions; with scope 2 counted a firm's benchmark
        adds its base-year grid CO2 per tonne. A covered firm of a sector without a benchmark
        gets its base-year intensity.
        """
        sectors = [s for p in self.parks for s in p.firms.sectors]
        benchmarks = sector_benchmarks_tco2_per_t(self.reference)
        published = np.array([benchmarks.get(s, math.nan) for s in sectors])
        output = self.base_output_t
        base = np.divide(self.base_use_tce, output, out=np.zeros(self.n_firms), where=output > 0)
        if self.carbon.include_scope2:
            _, grid_kwh = self._expected_direct_and_grid(0, self.base_stop_step)
            grid_tco2 = grid_kwh / 1000.0 * self.grid_factor_tco2_per_mwh
            published = published + np.divide(
                grid_tco2, output, out=np.zeros(self.n_firms), where=output > 0
            )
        chosen = np.where(np.isfinite(published), published, base) * self.carbon.benchmark_factor
        out: FloatArray = np.where(self.covered, chosen, 0.0)
        return out

    def year_cap_tce(
        self,
        year: int,
        year_fraction: float,
        expected_use_tce: FloatArray,
        expected_output_t: FloatArray,
    ) -> float:
        """Total allowances of the year [tCO2]: benchmark x expected output, with the year's
        benchmark factor (intensity-based, no absolute cap)."""
        if not self.years:
            self._first_year = year
            self._base_fraction = year_fraction
        factor = benchmark_year_factor(self.benchmark_annual_change, year - self._first_year)
        return float(expected_output_t @ self.intensity_tce_per_t) * factor

    # ------------------------------------------------------------------ abatement
    def _abatement_options(self, a: int, b: int) -> AbatementOptions:
        """The energy options in tCO2, for covered firms, plus CCER up to the offset limit."""
        options = super()._abatement_options(a, b)
        energy = self.expected_energy_tce(a, b)
        emissions = self.expected_use_tce(a, b)
        process = np.where(
            self.covered, self._concat("process_co2_tco2_per_t") * self.expected_output_t(a, b), 0.0
        )
        combustion = np.maximum(emissions - process, 0.0)
        # CO2 a saved tce avoids: fuel (and counted grid) CO2, not process CO2.
        ratio = np.divide(combustion, energy, out=np.zeros(self.n_firms), where=energy > 0.0)
        kind = options.kind
        capacity = options.capacity_tce.copy()
        cost = options.cost_cny_per_tce.copy()
        # Curtailment scales with all emissions already. The parent sizes a retrofit on all
        # emissions: keep its combustion share. Heat pumps save tce: convert at the ratio, and
        # costs per tce become costs per tCO2.
        retrofit = kind == int(OptionKind.EFFICIENCY_RETROFIT)
        share = np.divide(combustion, emissions, out=np.zeros(self.n_firms), where=emissions > 0)
        capacity = np.where(retrofit, capacity * share[:, None], capacity)
        per_energy = (kind == int(OptionKind.HEAT_PUMP)) | (kind == int(OptionKind.ELECTRIC_BOILER))
        capacity = np.where(per_energy, capacity * ratio[:, None], capacity)
        converted = per_energy | retrofit
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.where(converted & (ratio[:, None] > 0.0), cost / ratio[:, None], cost)
        capacity = np.where(self.covered[:, None], capacity, 0.0)
        capacity = np.where(converted & (ratio[:, None] <= 0.0), 0.0, capacity)
        ccer = offset_limit_tco2(emissions, self.ccer_limit_frac)
        return abatement_options(
            np.concatenate([capacity, ccer[:, None]], axis=1),
            np.concatenate(
                [cost, np.full((self.n_firms, 1), self.ccer_price_cny_per_tco2)], axis=1
            ),
            np.concatenate(
                [kind, np.full((self.n_firms, 1), int(OptionKind.OFFSET), np.int8)], axis=1
            ),
        )

    def offsets_tco2(self, year: int) -> FloatArray:
        """CCER surrendered per firm in ``year`` [tCO2]."""
        book = self.years.get(year)
        if book is None:
            return np.zeros(self.n_firms)
        out: FloatArray = (book.abated_by_slot * (book.options.kind == int(OptionKind.OFFSET))).sum(
            axis=1
        )
        return out

    def physical_abatement_tco2(self, year: int) -> FloatArray:
        """Abatement that lowers emissions (all committed options but offsets) [tCO2]."""
        book = self.years.get(year)
        if book is None:
            return np.zeros(self.n_firms)
        out: FloatArray = book.abatement_tce - self.offsets_tco2(year)
        return out

    def _converted(self, market: EnergyRightsMarket, year: int, inverse: bool) -> FloatArray:
        """Physical abatement of ``market`` in ``year`` in the other market's units."""
        book = market.years.get(year)
        if book is None:
            return np.zeros(self.n_firms)
        whole, fuel = self.tco2_per_tce(), self.tco2_per_tce(combustion_only=True)
        if inverse:
            whole = np.divide(1.0, whole, out=np.zeros_like(whole), where=whole > 0.0)
            fuel = np.divide(1.0, fuel, out=np.zeros_like(fuel), where=fuel > 0.0)
        kind = book.options.kind
        physical = np.where(kind == int(OptionKind.OFFSET), 0.0, book.abated_by_slot)
        return convert_abatement(physical, kind == int(OptionKind.CURTAIL_OUTPUT), whole, fuel)

    def energy_saved_tce(self, year: int) -> FloatArray:
        """Energy use that this market's physical abatement in ``year`` saves [tce]."""
        return self._converted(self, year, inverse=True)

    def co2_avoided_tco2(self, rights: EnergyRightsMarket, year: int) -> FloatArray:
        """Covered emissions the energy-use-rights abatement of ``year`` avoids [tCO2]."""
        out: FloatArray = np.where(self.covered, self._converted(rights, year, inverse=False), 0.0)
        return out

    def close_year(self, year: int, certified_mwh: FloatArray) -> dict[str, Any]:
        """Compliance for ``year``, with offsets held to the limit of verified emissions."""
        book = self.years[year]
        verified = self.actual_use_tce(self._year_delta())
        limit = offset_limit_tco2(verified, self.ccer_limit_frac)
        is_offset = book.options.kind == int(OptionKind.OFFSET)
        used = (book.abated_by_slot * is_offset).sum(axis=1)
        scale = np.divide(limit, used, out=np.ones(self.n_firms), where=used > limit)
        book.abated_by_slot = np.where(
            is_offset, book.abated_by_slot * scale[:, None], book.abated_by_slot
        )
        outcome = super().close_year(year, certified_mwh)
        offsets = self.offsets_tco2(year)
        book.result["offsets_tco2"] = offsets
        outcome["offsets_tco2"] = float(offsets.sum())
        outcome["covered_firms"] = int(self.covered.sum())
        return tco2_keys(outcome)
