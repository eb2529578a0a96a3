"""Dispatch problems shared by the dispatch tests: hand cases, random cases, a realistic month."""

from __future__ import annotations

import numpy as np

from agents.devices.battery import BatteryFleet
from agents.dispatch import ParkDispatchProblem
from agents.tariff import step_price_cny_per_kwh, tariff_from_ratios

FLAT_PRICE_CNY_PER_KWH = 0.65
EXPORT_PRICE_CNY_PER_KWH = 0.3545  # above the valley price of 0.325: exercises the meter rule


def one_day_problem(
    net_load_kw: np.ndarray,
    fleet: BatteryFleet,
    *,
    renewable_kw: np.ndarray | None = None,
    demand_charge: float = 0.0,
    export_price: float = 0.0,
    grid_limit_kw: float = 1000.0,
) -> ParkDispatchProblem:
    """Hourly day under the default Shaanxi tariff at a flat price of 0.65 CNY/kWh."""
    hours = np.arange(24.0)
    tariff = tariff_from_ratios(FLAT_PRICE_CNY_PER_KWH)
    renewable = np.maximum(-net_load_kw, 0.0) if renewable_kw is None else renewable_kw
    return ParkDispatchProblem(
        dt_h=1.0,
        net_load_kw=net_load_kw,
        renewable_kw=renewable,
        import_price_cny_per_kwh=step_price_cny_per_kwh(hours, 1.0, tariff),
        export_price_cny_per_kwh=np.full(24, export_price),
        billing_period=np.zeros(24, dtype=int),
        demand_charge_cny_per_kw_month=demand_charge,
        grid_limit_kw=grid_limit_kw,
        fleet=fleet,
    )


def random_problem(seed: int) -> tuple[ParkDispatchProblem, np.ndarray]:
    """A small random problem (1-3 units, 1-2 days, 1-2 billing periods) and a start SoC."""
    rng = np.random.default_rng(seed)
    dt = float(rng.choice([0.5, 1.0]))
    n_steps = int(rng.integers(12, 49))
    hours = np.arange(n_steps) * dt
    load = rng.uniform(0.0, 100.0, n_steps)
    pv = np.maximum(np.sin(np.pi * (hours % 24 - 6) / 12), 0.0) * rng.uniform(0, 150)
    pv *= rng.uniform(0.3, 1.0, n_steps)
    if rng.random() < 0.5:
        tariff = tariff_from_ratios(
            float(rng.uniform(0.3, 1.0)),
            peak_ratio=float(rng.uniform(1.2, 2.0)),
            valley_ratio=float(rng.uniform(0.2, 0.6)),
        )
        price = step_price_cny_per_kwh(hours % 24, dt, tariff)
    else:
        price = rng.uniform(0.1, 1.2, n_steps)
    export = np.full(n_steps, float(rng.uniform(0.0, 0.5)))
    n_units = int(rng.integers(1, 4))
    fleet = BatteryFleet.from_c_rate(
        rng.uniform(20.0, 200.0, n_units),
        rng.choice([0.25, 0.5, 1.0], n_units),
        eta_charge=rng.uniform(0.85, 1.0, n_units),
        eta_discharge=rng.uniform(0.85, 1.0, n_units),
        soc_min_frac=rng.uniform(0.0, 0.2, n_units),
        soc_max_frac=rng.uniform(0.8, 1.0, n_units),
        self_discharge_per_h=rng.uniform(0.0, 0.01, n_units),
        degradation_cny_per_kwh=rng.uniform(0.0, 0.1, n_units),
    )
    split = int(rng.integers(1, n_steps)) if rng.random() < 0.5 else n_steps
    periods = (np.arange(n_steps) >= split).astype(int)
    problem = ParkDispatchProblem(
        dt_h=dt,
        net_load_kw=load - pv,
        renewable_kw=pv,
        import_price_cny_per_kwh=price,
        export_price_cny_per_kwh=export,
        billing_period=periods,
        demand_charge_cny_per_kw_month=float(rng.choice([0.0, rng.uniform(0, 40)])),
        grid_limit_kw=float(rng.uniform(60.0, 200.0)),
        fleet=fleet,
        value_of_lost_load_cny_per_kwh=200.0,
    )
    low, high = fleet.soc_min_kwh, fleet.soc_max_kwh
    return problem, low + rng.uniform(0.0, 1.0, n_units) * (high - low)


def month_problem(seed: int = 7, days: int = 30, n_units: int = 6) -> ParkDispatchProblem:
    """A realistic month for a Guanzhong manufacturing park, hourly.

    Day-shift load of 1.5-2.3 MW, 3 MWp of PV with a daily cloudiness factor, the default
    Shaanxi tariff at 0.65 CNY/kWh flat with a 32 CNY/kW-month demand charge, feed-in at the
    coal benchmark of 0.3545 CNY/kWh, and a mixed fleet of C-rate 0.25-1 batteries.
    """
    rng = np.random.default_rng(seed)
    n_steps = days * 24
    hours = np.arange(n_steps, dtype=np.float64)
    hod = hours % 24
    load = 1500.0 + 800.0 * ((hod >= 8) & (hod < 20)) + rng.normal(0.0, 100.0, n_steps)
    clear = np.maximum(np.sin(np.pi * (hod - 6.0) / 12.0), 0.0)
    pv = 3000.0 * clear * np.repeat(rng.uniform(0.3, 1.0, days), 24)
    pv = np.where(pv > 1e-9, pv, 0.0)
    tariff = tariff_from_ratios(FLAT_PRICE_CNY_PER_KWH, demand_charge_cny_per_kw_month=32.0)
    fleet = BatteryFleet.from_c_rate(
        rng.uniform(200.0, 800.0, n_units),
        rng.choice([0.25, 0.5, 1.0], n_units),
        self_discharge_per_h=0.0005,
        degradation_cny_per_kwh=0.05,
    )
    return ParkDispatchProblem(
        dt_h=1.0,
        net_load_kw=np.maximum(load, 0.0) - pv,
        renewable_kw=pv,
        import_price_cny_per_kwh=step_price_cny_per_kwh(hod, 1.0, tariff),
        export_price_cny_per_kwh=np.full(n_steps, EXPORT_PRICE_CNY_PER_KWH),
        billing_period=np.zeros(n_steps, dtype=int),
        demand_charge_cny_per_kw_month=32.0,
        grid_limit_kw=5000.0,
        fleet=fleet,
    )
