"""The shipped 2020-2035 Shaanxi study, reduced in time only: the plan's two questions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from market.studies import ExecutionOptions, load_study, run_study
from market.studies.metrics import default_targets

STUDY = Path(__file__).resolve().parents[3] / "configs" / "studies" / "shaanxi_2020_2035.yaml"
#: Last simulated year of the reduced study (the shipped one runs to 2035).
REDUCED_END = 2026

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:.*dayofyear.*")]


def reduced_study(folder: Path) -> Path:
    data = yaml.safe_load(STUDY.read_text(encoding="utf-8"))
    assert data["years"] == {"start": 2020, "end": 2035}
    data["base"] = str((STUDY.parent / data["base"]).resolve())
    data["years"]["end"] = REDUCED_END
    path = folder / "study.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_intensity_against_the_base_year_and_a_policy_dependent_peak(tmp_path: Path) -> None:
    outcome = run_study(
        load_study(reduced_study(tmp_path)), tmp_path / "out", ExecutionOptions(serial=True)
    )
    assert not outcome.failures
    summary = outcome.summary.set_index("variant")
    targets = default_targets()
    assert (targets.base_year, targets.target_year) == (2020, 2025)
    for variant, row in summary.iterrows():
        # 2020 -> 2025, checked against the plan's -13.5 % (read from the reference).
        assert row["energy_intensity_target_change_pct_mean"] == targets.energy_intensity_change_pct
        change = row["energy_intensity_change_pct_mean"]
        assert -60.0 < change < 0.0, variant
        base = row["energy_intensity_base_tce_per_10k_cny_mean"]
        in_2025 = row["energy_intensity_target_year_tce_per_10k_cny_mean"]
        if row["energy_intensity_change_pct_p05"] == row["energy_intensity_change_pct_p95"]:
            assert change == pytest.approx(100.0 * (in_2025 / base - 1.0))
        assert row["base_year_mean"] == 2020.0
        assert row["base_year_co2_tco2_mean"] > 0.0
    # The base year is before any market: every variant has the same 2020 figures.
    for name in ("base_year_co2_tco2_mean", "base_year_energy_use_tce_mean"):
        assert summary[name].nunique() == 1
    peaks = summary["co2_peak_year_mean"]
    # Without the market emissions rise with coal-chemical growth; the market bends them down.
    assert peaks["rights_from_2025"] <= 2024.0 < peaks["no_rights_market"]
    assert peaks["rights_from_2021"] < peaks["rights_from_2025"]
    assert peaks.nunique() == 3
    # The peak level is the CO2 of the peak year.
    runs = outcome.runs
    for (variant, seed), group in runs.groupby(["variant", "seed"]):
        top = group.loc[group["co2_tco2"].idxmax()]
        assert group["run.co2_peak_year"].iloc[0] == top["year"], variant
        assert group["run.co2_peak_tco2"].iloc[0] == top["co2_tco2"], (variant, seed)
