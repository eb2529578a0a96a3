"""Bad meter files: ``validate`` and ``run`` exit 2 naming the field, file, line and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from market.cli import main
from market.config import ConfigError, parse_config
from web.app import create_app
from web.settings import WebSettings

GOOD_ROWS = [f"2025-03-03 {h:02d}:00,{100 + h},{200 + h}" for h in range(24)]
FIELD = "parks[0].firms[0].load_file.file"


def scenario(file: str = "m.csv", horizon_h: float = 24.0) -> dict[str, Any]:
    return {
        "name": "metered",
        "time": {"start": "2025-03-03T00:00:00", "horizon_h": horizon_h},
        "parks": [
            {
                "name": "p",
                "grid": {"connection_limit_kw": 100000},
                "firms": [
                    {
                        "name": "f",
                        "sector": "equipment",
                        "load_file": {"file": file, "column": "a_kw"},
                    }
                ],
            }
        ],
    }


def cli_outcome(
    folder: Path, rows: list[str], capsys: pytest.CaptureFixture[str], horizon_h: float = 24.0
) -> tuple[int, int, str]:
    """Exit codes of ``validate`` and ``run`` and the text ``validate`` printed."""
    lines = rows if rows[0].startswith("time,") else ["time,a_kw,b_kw", *rows]
    (folder / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "s.yaml"
    path.write_text(yaml.safe_dump(scenario(horizon_h=horizon_h)), encoding="utf-8")
    validate_code = main(["validate", str(path)])
    text = capsys.readouterr()
    run_code = main(["run", str(path), "--out", str(folder / "out"), "--quiet"])
    capsys.readouterr()
    return validate_code, run_code, text.out + text.err


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        (
            ["time,A kW,b_kw", *GOOD_ROWS],
            "line 1, column a_kw",
            "no column 'a_kw'",
        ),
        (
            [*GOOD_ROWS[:5], "2025-03-03 05:00,abc,1", *GOOD_ROWS[6:]],
            "line 7, column a_kw",
            "'abc': a number",
        ),
        (
            [*GOOD_ROWS[:5], "2025-03-03 05:00,-3,1", *GOOD_ROWS[6:]],
            "line 7, column a_kw",
            "a number from 0",
        ),
        ([*GOOD_ROWS[:5], GOOD_ROWS[4], *GOOD_ROWS[6:]], "line 7, column time", "duplicated"),
        ([*GOOD_ROWS[:5], "03/03/2025,1,1", *GOOD_ROWS[6:]], "line 7, column time", "time stamp"),
        ([r.replace("2025", "2024") for r in GOOD_ROWS], "column time", "do not cover the run"),
        (GOOD_ROWS[:12], "column time", "do not cover the run"),
        (
            [*GOOD_ROWS[:5], "2025-03-03 05:30,1,1", *GOOD_ROWS[6:]],
            "line 8, column time",
            "allowed intervals",
        ),
    ],
    ids=[
        "missing-column",
        "non-numeric",
        "negative",
        "duplicated-time",
        "bad-time",
        "wrong-year",
        "too-short",
        "off-grid",
    ],
)
def test_bad_meter_file_exits_2_naming_file_line_and_column(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    rows: list[str],
    where: str,
    message: str,
) -> None:
    validate_code, run_code, text = cli_outcome(tmp_path, rows, capsys)
    assert (validate_code, run_code) == (2, 2)
    assert FIELD in text
    assert f"{tmp_path / 'm.csv'}, {where}" in text
    assert message in text
    assert "Traceback" not in text


def test_good_file_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validate_code, _, text = cli_outcome(tmp_path, GOOD_ROWS, capsys, horizon_h=2.0)
    assert validate_code == 0, text


def test_a_missing_file_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(scenario("absent.csv"), base_dir=tmp_path)
    assert [issue.path for issue in raised.value.issues] == [FIELD]
    assert "an existing data file" in raised.value.issues[0].allowed


def test_a_firm_with_a_meter_is_one_firm(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("\n".join(["time,a_kw", "2025-03-03 00:00,1"]) + "\n")
    data = scenario()
    data["parks"][0]["firms"][0]["count"] = 3
    with pytest.raises(ConfigError) as raised:
        parse_config(data, base_dir=tmp_path)
    assert "parks[0].firms[0].count" in {issue.path for issue in raised.value.issues}


@pytest.mark.parametrize("file", ["/etc/passwd", "../x", "data/../../pyproject.toml"])
def test_web_requests_name_only_shipped_data_files(tmp_path: Path, file: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(scenario(file), confine_data_files=True)
    assert [issue.path for issue in raised.value.issues] == [FIELD]
    settings = WebSettings(
        port=0,
        db_path=tmp_path / "web.sqlite3",
        configs_dir=tmp_path,
        results_dir=tmp_path / "results",
        allowed_hosts=("testserver",),
    )
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/configs/validate", json=scenario(file))
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == [FIELD]


def test_web_requests_may_name_the_shipped_example_meters() -> None:
    data = scenario("data/meters/example_park_2025.csv")
    data["parks"][0]["firms"][0]["load_file"]["column"] = "food_d_kw"
    config = parse_config(data, confine_data_files=True)
    meter = config.parks[0].firms[0].load_file
    assert meter is not None and meter.file.endswith("configs/data/meters/example_park_2025.csv")
