"""Valid scenarios at the edges of the schema run to the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from market.cli import main
from market.config import ConfigError, parse_config

HEAT_PUMP_WITH_STORE: dict[str, Any] = {
    "time": {"horizon_h": 24, "start": "2025-06-02T00:00:00"},
    "markets": {"energy_rights": {"enabled": True}},
    "parks": [
        {
            "name": "p",
            "grid": {"connection_limit_kw": 8000},
            "firms": [
                {
                    "name": "e",
                    "sector": "electronics",
                    "output_t_per_yr": 400,
                    "assets": {
                        "heat_pump": {"capacity_kw_th": 500},
                        "thermal_storage": {"capacity_kwh_th": 500},
                    },
                }
            ],
        }
    ],
}


def run_exit_code(data: dict[str, Any], folder: Path) -> int:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return main(
        ["run", str(path), "--out", str(folder / "out"), "--quiet", "--no-exclusion-effect"]
    )


def test_heat_pump_charging_a_heat_store_under_the_rights_market(tmp_path: Path) -> None:
    """The heat pump makes more heat than the demand; the fossil heat left is zero, not negative."""
    assert run_exit_code(HEAT_PUMP_WITH_STORE, tmp_path) == 0
    assert (tmp_path / "out" / "summary.json").is_file()


@pytest.mark.parametrize("horizon_h", [1e-9, 0.1])
def test_horizon_shorter_than_one_step_is_rejected(horizon_h: float) -> None:
    data = dict(HEAT_PUMP_WITH_STORE, time={"horizon_h": horizon_h})
    with pytest.raises(ConfigError) as info:
        parse_config(data)
    assert [issue.path for issue in info.value.issues] == ["time.horizon_h"]
    assert "at least 1" in info.value.issues[0].allowed
