"""``greenmarket run / validate / schema`` from the command line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from market.cli import main

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "configs" / "quickstart.yaml"
OUTPUT_FILES = ("summary.json", "timeseries.parquet", "firms.csv", "events.jsonl")


def digests(folder: Path) -> dict[str, str]:
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in OUTPUT_FILES}


def test_run_writes_files_and_reruns_are_byte_identical(tmp_path: Path) -> None:
    assert main(["run", str(QUICKSTART), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["run", str(QUICKSTART), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    park = summary["parks"]["xian_demo_park"]
    for key in (
        "energy_use_tce",
        "co2_tco2",
        "cost_cny",
        "self_consumption_pct",
        "self_sufficiency_pct",
        "peak_grid_import_kw",
        "pv_specific_yield_kwh_per_kwp",
        "curtailment_kwh",
    ):
        assert key in park
        for firm in park["firms_detail"].values():
            assert key in firm
    series = pd.read_parquet(tmp_path / "a" / "timeseries.parquet")
    assert len(series) == 336
    assert {"import_kw", "pv_kw", "battery_soc_kwh", "price_cny_per_kwh"} <= set(series.columns)
    events = [
        json.loads(line) for line in (tmp_path / "a" / "events.jsonl").read_text().splitlines()
    ]
    assert events[0]["kind"] == "run_started" and events[-1]["kind"] == "run_finished"
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert sum(e["kind"] == "park_day" for e in events) == 14


def test_seed_option_changes_results(tmp_path: Path) -> None:
    assert main(["run", str(QUICKSTART), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert (
        main(["run", str(QUICKSTART), "--out", str(tmp_path / "b"), "--quiet", "--seed", "7"]) == 0
    )
    a = json.loads((tmp_path / "a" / "summary.json").read_text())
    b = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert a["seed"] == 42 and b["seed"] == 7
    assert a["totals"]["energy_use_tce"] != b["totals"]["energy_use_tce"]


def test_run_with_all_events_records_every_step(tmp_path: Path) -> None:
    out = tmp_path / "all"
    assert main(["run", str(QUICKSTART), "--out", str(out), "--quiet", "--events", "all"]) == 0
    kinds = [json.loads(x)["kind"] for x in (out / "events.jsonl").read_text().splitlines()]
    assert kinds.count("park_step") == 336


def test_broken_config_exits_2_with_field_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        QUICKSTART.read_text()
        .replace("connection_limit_kw: 8000", "connection_limit_kw: -8")
        .replace("sector: food", "sector: bakery"),
        encoding="utf-8",
    )
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "parks[0].grid.connection_limit_kw: got -8" in err
    assert "parks[0].firms[3].sector: got 'bakery'" in err
    assert main(["run", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert not (tmp_path / "x" / "summary.json").exists()


def test_validate_ok_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(QUICKSTART)]) == 0
    assert capsys.readouterr().out.strip() == "OK"
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ScenarioConfig"


def test_console_script_never_prints_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("parks: [", encoding="utf-8")
    exe = Path(sys.executable).with_name("greenmarket")
    proc = subprocess.run(
        [str(exe), "validate", str(bad)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "valid YAML" in proc.stderr
    proc = subprocess.run(
        [str(exe), "run", str(QUICKSTART), "--seed", "-1", "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--seed" in proc.stderr
