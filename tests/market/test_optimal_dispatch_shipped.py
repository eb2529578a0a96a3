"""The shipped park scenario with its noisy forecast: the optimal operator saves money and
never raises a month's peak import above the uncontrolled one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from market.config import ConfigError, parse_config
from market.runner import simulate

SHIPPED = Path(__file__).resolve().parents[2] / "configs" / "shaanxi_park.yaml"
PARK = "xian_guanzhong_park"
#: January to March of the shipped start year [h].
THREE_MONTHS_H = (31 + 28 + 31) * 24


def run_with(shipped: dict[str, Any], strategy: str) -> tuple[float, pd.Series]:
    data = copy.deepcopy(shipped)
    data["time"]["horizon_h"] = THREE_MONTHS_H
    if strategy != "optimal":
        data["parks"][0]["operator"] = {"strategy": strategy}
    results = simulate(parse_config(data))
    total_cny = float(results.summary["parks"][PARK]["cost_cny"]["total"])
    series = results.timeseries[results.timeseries["park"] == PARK]
    month = pd.to_datetime(series["time"]).dt.month
    return total_cny, series.groupby(month)["import_kw"].max()


@pytest.mark.slow
def test_shipped_optimal_with_noisy_forecast_costs_least_and_lowers_every_monthly_peak() -> None:
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    operator = shipped["parks"][0]["operator"]
    assert operator["strategy"] == "optimal" and operator["forecast"] == "noisy"
    runs = {name: run_with(shipped, name) for name in ("none", "tou_arbitrage", "optimal")}
    cost = {name: total for name, (total, _) in runs.items()}
    assert cost["optimal"] <= cost["tou_arbitrage"] <= cost["none"]
    peaks_none, peaks_optimal = runs["none"][1], runs["optimal"][1]
    assert list(peaks_optimal.index) == [1, 2, 3]
    assert (peaks_optimal <= peaks_none + 1e-6).all(), (peaks_optimal, peaks_none)


def test_shipped_noisy_forecast_run_is_byte_for_byte_reproducible() -> None:
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    shipped["time"]["horizon_h"] = 96
    runs = [simulate(parse_config(copy.deepcopy(shipped))).timeseries for _ in range(2)]
    first, again = (r[r["park"] == PARK] for r in runs)
    assert first["battery_charge_kw"].abs().sum() > 0.0
    for column in ("import_kw", "battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh"):
        assert first[column].to_numpy().tobytes() == again[column].to_numpy().tobytes(), column


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("load_forecast_error_frac", -0.01, "greater than or equal to 0"),
        ("pv_forecast_error_frac", 1.5, "less than or equal to 1"),
        ("forecast_error_autocorrelation_per_h", 1.0, "less than or equal to 0.999"),
        ("forecast_error_growth_per_day", 11, "less than or equal to 10"),
    ],
)
def test_forecast_fields_out_of_range_name_the_path_and_the_range(
    field: str, value: float, allowed: str
) -> None:
    shipped = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    shipped["parks"][0]["operator"][field] = value
    with pytest.raises(ConfigError) as caught:
        parse_config(shipped)
    message = str(caught.value)
    assert f"parks[0].operator.{field}" in message
    assert allowed in message
