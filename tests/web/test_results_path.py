"""A run through the HTTP API and ``greenmarket run`` give the same result files, byte for byte.

Every example the web app offers (``configs/*.yaml``) is run both ways, cut to a few days with
its markets left on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from market.api import EVENTS_FILE, RESULT_FILES
from market.cli import main as greenmarket
from web.app import create_app
from web.examples import example_paths
from web.routers.results import MEDIA_TYPES
from web.settings import WebSettings, default_configs_dir

from .conftest import tiny_scenario
from .helpers import start_and_finish

#: Horizon the examples are cut to [h]: long enough for market clearings, short enough to be quick.
SHORT_HORIZON_H = 48
#: Pace of the web runs [h/s]: chunks of 10 h, so the web engine stops and resumes mid-day
#: while the CLI runs straight through.
WEB_PACE_H_PER_S = 40.0
EXAMPLES = sorted(example_paths(default_configs_dir()))


def _shortened(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["time"]["horizon_h"] = SHORT_HORIZON_H
    return data


@pytest.fixture(scope="module")
def short_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The configs folder's examples, each cut to ``SHORT_HORIZON_H`` hours."""
    folder = tmp_path_factory.mktemp("configs")
    for name, path in example_paths(default_configs_dir()).items():
        text = yaml.safe_dump(_shortened(path), sort_keys=False)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    # The examples' data files sit where their relative paths point.
    (folder / "data").symlink_to(default_configs_dir() / "data", target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def web_files(
    short_examples: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[dict[str, Any], dict[str, bytes]]]:
    """Example name → (results JSON, file name → bytes) of a run through the HTTP API."""
    data = tmp_path_factory.mktemp("web")
    settings = WebSettings(
        port=0,
        db_path=data / "web.sqlite3",
        configs_dir=short_examples,
        results_dir=data / "results",
        pace_h_per_s=0.0,
        max_active_runs=1,
        allowed_hosts=("testserver",),  # the in-process client's host name
    )
    out: dict[str, tuple[dict[str, Any], dict[str, bytes]]] = {}
    with TestClient(create_app(settings)) as client:
        for name in EXAMPLES:
            status, _ = start_and_finish(client, example=name, pace_h_per_s=WEB_PACE_H_PER_S)
            assert status["state"] == "finished", status
            run = f"/api/runs/{status['id']}/results"
            names = client.get(f"{run}/files").json()
            files = {}
            for file_name in names:
                response = client.get(f"{run}/{file_name}")
                assert response.status_code == 200, response.text
                assert response.headers["content-type"].startswith(
                    MEDIA_TYPES[file_name].split(";")[0]
                )
                files[file_name] = response.content
            out[name] = (client.get(run).json(), files)
    return out


def test_the_web_offers_every_example_and_serves_every_result_file() -> None:
    assert EXAMPLES, "configs/ holds no example"
    assert tuple(MEDIA_TYPES) == RESULT_FILES


@pytest.mark.parametrize("name", EXAMPLES)
def test_web_and_cli_runs_write_identical_files(
    name: str,
    short_examples: Path,
    web_files: dict[str, tuple[dict[str, Any], dict[str, bytes]]],
    tmp_path: Path,
) -> None:
    summary, served = web_files[name]
    out_dir = tmp_path / "cli"
    code = greenmarket(["run", str(short_examples / f"{name}.yaml"), "--out", str(out_dir)])
    assert code == 0
    written = {path.name: path.read_bytes() for path in sorted(out_dir.iterdir())}

    assert sorted(served) == sorted(written)
    assert {"green_power.csv", "rights_auctions.csv"} <= set(written)  # markets stay on
    assert len(written["rights_auctions.csv"].splitlines()) > 1  # an auction cleared
    for file_name in sorted(written):
        assert served[file_name] == written[file_name], f"{name}: {file_name} differs"
    assert summary == json.loads(written["summary.json"])
    events = [json.loads(line) for line in written[EVENTS_FILE].decode().splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))


@pytest.mark.parametrize("name", EXAMPLES)
def test_web_results_hold_the_markets_and_each_firms_market_figures(
    name: str, web_files: dict[str, tuple[dict[str, Any], dict[str, bytes]]]
) -> None:
    summary, _ = web_files[name]
    assert set(summary["markets"]) >= {"green_power", "energy_rights"}
    firms = [f for park in summary["parks"].values() for f in park["firms_detail"].values()]
    assert firms
    for firm in firms:
        assert isinstance(firm["rights"], dict) and "counted_use_tce" in firm["rights"]
        assert isinstance(firm["green_power"], dict)
    assert "renewable_exclusion_effect" in summary


def test_without_markets_the_market_tables_are_absent_and_asking_for_one_is_404(
    settings: WebSettings,
) -> None:
    scenario = tiny_scenario(24)
    scenario["markets"] = {"green_power": {"enabled": False}, "energy_rights": {"enabled": False}}
    with TestClient(create_app(settings)) as client:
        status, _ = start_and_finish(client, config=scenario, pace_h_per_s=0)
        assert status["state"] == "finished", status
        run = f"/api/runs/{status['id']}/results"
        names = client.get(f"{run}/files").json()
        missing = client.get(f"{run}/green_power.csv")
        summary = client.get(run).json()
    assert names == ["summary.json", "timeseries.parquet", "firms.csv", "events.jsonl"]
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["path"] == "file_name"
    assert summary["markets"] is None
