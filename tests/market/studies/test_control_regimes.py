"""The shipped control-regime study, shortened: energy rights, carbon, both, one joint market."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from market.cli import main

STUDY = Path(__file__).resolve().parents[3] / "configs" / "studies" / "control_regimes.yaml"


@pytest.mark.slow
def test_control_regimes_study_runs_and_the_regimes_differ(tmp_path: Path) -> None:
    data = yaml.safe_load(STUDY.read_text(encoding="utf-8"))
    data["base"] = str((STUDY.parent / data["base"]).resolve())
    data["seeds"] = [1]
    data["years"] = {"start": 2025, "end": 2026}
    data["representative_days_per_month"] = 1
    study = tmp_path / "control_regimes.yaml"
    study.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", str(study), "--out", str(out), "--serial"]) == 0

    summary = pd.read_csv(out / "summary.csv").set_index("variant")
    assert list(summary.index) == ["energy_rights", "carbon", "both_separate", "joint"]
    mean = {
        name: summary[f"{name}_mean"]
        for name in (
            "rights_price_cny_per_tce",
            "carbon_price_cny_per_tco2",
            "carbon_offsets_tco2",
            "carbon_certificate_deduction_tco2",
            "counted_energy_use_tce",
            "co2_tco2",
            "carbon_compliance_rate_pct",
            "total_cost_cny",
        )
    }
    # Each regime runs the markets it names, and only those.
    assert mean["rights_price_cny_per_tce"].notna().tolist() == [True, False, True, False]
    assert mean["carbon_price_cny_per_tco2"].notna().tolist() == [False, True, True, True]
    # Energy control cuts counted energy use more than carbon control of four sectors does.
    assert (
        mean["counted_energy_use_tce"]["energy_rights"] < mean["counted_energy_use_tce"]["carbon"]
    )
    # With both, energy saved for the rights market lowers covered emissions: fewer offsets.
    assert mean["carbon_offsets_tco2"]["both_separate"] < mean["carbon_offsets_tco2"]["carbon"]
    # Only the joint market counts electricity, so only there do certificates lower CO2 owed.
    assert mean["carbon_certificate_deduction_tco2"]["carbon"] == 0.0
    assert mean["carbon_certificate_deduction_tco2"]["joint"] > 0.0
    assert mean["co2_tco2"]["joint"] < mean["co2_tco2"]["carbon"]
    assert mean["total_cost_cny"].notna().all()

    book = load_workbook(out / "summary.xlsx", read_only=True)
    header = [cell.value for cell in next(book["summary"].iter_rows(max_row=1))]
    assert {"carbon_price_cny_per_tco2_mean", "carbon_compliance_rate_pct_mean"} <= set(header)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "carbon allowances [CNY" in report  # the carbon price chart
