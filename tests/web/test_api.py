"""REST API: examples, validation, runs and their control, results, persistence, errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from market.api import ConfigError, parse_config
from web.app import create_app
from web.settings import WebSettings

from .conftest import TINY_HORIZON_H, tiny_scenario
from .helpers import drain_stream, start_and_finish, wait_for_study

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(settings: WebSettings) -> Any:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_lists_examples_with_validity(client: TestClient) -> None:
    examples = {e["name"]: e for e in client.get("/api/configs").json()}
    assert set(examples) == {"broken", "tiny", "week"}
    assert examples["tiny"]["valid"] is True
    assert examples["tiny"]["horizon_h"] == TINY_HORIZON_H
    assert examples["tiny"]["parks"] == ["xian_demo_park"]
    assert examples["broken"]["valid"] is False
    assert examples["broken"]["errors"][0]["path"] == "parks"


def test_validate_accepts_a_valid_scenario(client: TestClient) -> None:
    response = client.post("/api/configs/validate", json=tiny_scenario())
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "scenario": "tiny",
        "horizon_h": TINY_HORIZON_H,
        "parks": ["xian_demo_park"],
    }


def test_validate_reports_the_same_field_errors_as_the_cli(client: TestClient) -> None:
    bad = tiny_scenario()
    bad["time"]["horizon_h"] = -5
    bad["parks"][0]["firms"][1]["output_t_per_yr"] = "lots"
    bad["colour"] = "green"
    with pytest.raises(ConfigError) as raised:
        parse_config(bad)
    expected = [issue.as_dict() for issue in raised.value.issues]
    response = client.post("/api/configs/validate", json=bad)
    assert response.status_code == 422
    assert response.json()["errors"] == expected
    paths = {e["path"] for e in expected}
    assert {"time.horizon_h", "parks[0].firms[1].output_t_per_yr", "colour"} <= paths


@pytest.mark.parametrize("body", [[1, 2], "text", 7, None])
def test_validate_rejects_non_mappings_with_422(client: TestClient, body: Any) -> None:
    response = client.post("/api/configs/validate", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] in ("<root>", "<body>")


def test_validate_rejects_broken_json_with_422(client: TestClient) -> None:
    response = client.post(
        "/api/configs/validate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"]


def test_run_from_example_streams_and_finishes_with_results(client: TestClient) -> None:
    status, events = start_and_finish(client, example="tiny")
    assert status["state"] == "finished"
    assert status["source"] == "example:tiny"
    assert status["progress"] == pytest.approx(1.0)
    assert status["has_results"] is True
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert kinds.count("park_step") == TINY_HORIZON_H
    assert kinds.count("park_day") == TINY_HORIZON_H // 24
    assert status["last_seq"] == seqs[-1]
    assert all(isinstance(e["published_unix_s"], float) for e in events)


def test_results_summary_and_files(client: TestClient) -> None:
    status, _ = start_and_finish(client, example="tiny")
    run_id = status["id"]
    summary = client.get(f"/api/runs/{run_id}/results").json()
    assert summary["scenario"] == "tiny"
    assert set(summary["parks"]) == {"xian_demo_park"}
    raw = client.get(f"/api/runs/{run_id}/results/summary.json")
    assert raw.headers["content-type"].startswith("application/json")
    assert json.loads(raw.content) == summary
    csv = client.get(f"/api/runs/{run_id}/results/firms.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert f"{run_id}-firms.csv" in csv.headers["content-disposition"]
    firms = pd.read_csv(io.StringIO(csv.text))
    assert list(firms["firm"]) == ["electronics_a", "equipment_b", "textiles_c", "food_d"]
    parquet = client.get(f"/api/runs/{run_id}/results/timeseries.parquet")
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == TINY_HORIZON_H
    assert "pv_kw" in table.column_names


def test_run_from_json_config_with_seed(client: TestClient) -> None:
    status, _ = start_and_finish(client, config=tiny_scenario(24), seed=7)
    assert status["state"] == "finished"
    assert status["source"] == "json"
    summary = client.get(f"/api/runs/{status['id']}/results").json()
    assert summary["seed"] == 7
    assert summary["horizon_h"] == 24


def test_start_errors(client: TestClient) -> None:
    unknown = client.post("/api/runs", json={"example": "nope"})
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["path"] == "example"
    both = client.post("/api/runs", json={"example": "tiny", "config": tiny_scenario()})
    assert both.status_code == 422
    neither = client.post("/api/runs", json={})
    assert neither.status_code == 422
    bad_config = client.post("/api/runs", json={"config": {"name": "x", "parks": []}})
    assert bad_config.status_code == 422
    assert bad_config.json()["errors"][0]["path"] == "parks"
    invalid_example = client.post("/api/runs", json={"example": "broken"})
    assert invalid_example.status_code == 422
    bad_speed = client.post("/api/runs", json={"example": "tiny", "speed": 0})
    assert bad_speed.status_code == 422
    assert bad_speed.json()["errors"][0]["path"] == "speed"
    bad_seed = client.post("/api/runs", json={"example": "tiny", "seed": -1})
    assert bad_seed.status_code == 422


def test_pause_resume_speed_and_cancel(client: TestClient) -> None:
    # One simulated hour per wall second: the run stays live for the whole test.
    run = client.post("/api/runs", json={"example": "week", "pace_h_per_s": 1.0}).json()
    run_id = run["id"]
    assert run["pace_h_per_s"] == 1.0
    paused = client.post(f"/api/runs/{run_id}/pause")
    assert paused.status_code == 200 and paused.json()["state"] == "paused"
    resumed = client.post(f"/api/runs/{run_id}/resume").json()
    assert resumed["state"] in ("queued", "running")
    faster = client.post(f"/api/runs/{run_id}/speed", json={"speed": 4.0}).json()
    assert faster["speed"] == 4.0 and faster["pace_h_per_s"] == 4.0
    bad = client.post(f"/api/runs/{run_id}/speed", json={"speed": -1})
    assert bad.status_code == 422
    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 200
    events = drain_stream(client, run_id)  # ends (code 1000) once the run has stopped
    assert [e["kind"] for e in events[:1]] in ([], ["run_started"])
    final = client.get(f"/api/runs/{run_id}").json()
    assert final["state"] == "cancelled" and final["error"] is None
    assert final["now_h"] < final["horizon_h"]
    assert client.get(f"/api/runs/{run_id}/results").status_code == 409
    late = client.post(f"/api/runs/{run_id}/pause")
    assert late.status_code == 409
    assert late.json()["errors"][0]["value"] == "'cancelled'"


def test_too_many_runs_gets_429(client: TestClient, settings: WebSettings) -> None:
    ids = []
    for _ in range(settings.max_active_runs):
        response = client.post("/api/runs", json={"example": "week", "pace_h_per_s": 0.5})
        assert response.status_code == 201
        ids.append(response.json()["id"])
    refused = client.post("/api/runs", json={"example": "tiny"})
    assert refused.status_code == 429
    for run_id in ids:
        client.post(f"/api/runs/{run_id}/cancel")
    for run_id in ids:
        drain_stream(client, run_id)
    assert client.post("/api/runs", json={"example": "tiny"}).status_code == 201


def test_unknown_run_is_404_everywhere(client: TestClient) -> None:
    for method, path in [
        ("GET", "/api/runs/none"),
        ("POST", "/api/runs/none/pause"),
        ("POST", "/api/runs/none/resume"),
        ("POST", "/api/runs/none/cancel"),
        ("GET", "/api/runs/none/results"),
        ("GET", "/api/runs/none/results/firms.csv"),
    ]:
        response = client.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json()["errors"][0]["path"] == "run_id"
    assert client.get("/api/runs/x/results/secrets.txt").status_code == 422


def test_study_runs_in_the_background_and_serves_its_report(client: TestClient) -> None:
    body = {
        "study": {
            "name": "two_rules",
            "base": "tiny.yaml",
            "seeds": [1],
            "variants": [
                {"name": "self", "overrides": {"parks.0.operator.strategy": "self_consumption"}},
                {"name": "tou", "overrides": {"parks.0.operator.strategy": "tou_arbitrage"}},
            ],
        }
    }
    started = client.post("/api/studies", json=body)
    assert started.status_code == 202, started.text
    study_id = started.json()["id"]
    assert started.json()["runs"] == 2
    status = wait_for_study(client, study_id)
    assert status["status"] == "finished", status
    assert {"report.html", "summary.csv"} <= set(status["files"])
    report = client.get(f"/api/studies/{study_id}/files/report.html")
    assert report.status_code == 200 and "two_rules" in report.text
    assert [s["id"] for s in client.get("/api/studies").json()] == [study_id]


def test_study_errors_are_4xx(client: TestClient) -> None:
    assert client.post("/api/studies", json={}).status_code == 422
    assert client.post("/api/studies", json={"example": "nope"}).status_code == 404
    bad = client.post(
        "/api/studies",
        json={
            "study": {
                "name": "x",
                "base": "tiny.yaml",
                "seeds": [1],
                "variants": [{"name": "v", "overrides": {"parks.0.grid.connection_limit_kw": -1}}],
            }
        },
    )
    assert bad.status_code == 422
    assert client.get("/api/studies/unknown").status_code == 404


def test_schema_endpoint_is_the_cli_schema(client: TestClient) -> None:
    schema = client.get("/api/configs/schema").json()
    assert schema["title"] == "ScenarioConfig"
    assert schema["additionalProperties"] is False


def test_clear_endpoint_matches_the_textbook_book(client: TestClient) -> None:
    orders = [
        {"id": "b1", "side": "buy", "quantity": 10, "price": 30},
        {"id": "b2", "side": "buy", "quantity": 10, "price": 20},
        {"id": "s1", "side": "sell", "quantity": 15, "price": 10},
    ]
    answer = client.post("/api/clear", json={"orders": orders}).json()
    assert answer["price"] == 20.0 and answer["volume"] == 15.0
    assert answer["accepted"] == {"b1": 10.0, "b2": 5.0, "s1": 15.0}
    bad = client.post("/api/clear", json={"orders": [{**orders[0], "quantity": -1}]})
    assert bad.status_code == 422


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/configs",
        "/api/configs/validate",
        "/api/runs",
        "/api/runs/{run_id}",
        "/api/runs/{run_id}/pause",
        "/api/runs/{run_id}/resume",
        "/api/runs/{run_id}/speed",
        "/api/runs/{run_id}/results",
        "/api/runs/{run_id}/results/{file_name}",
        "/api/studies",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_runs_and_results_survive_a_restart(settings: WebSettings) -> None:
    with TestClient(create_app(settings)) as first:
        status, events = start_and_finish(first, example="tiny")
        run_id = status["id"]
        csv = first.get(f"/api/runs/{run_id}/results/firms.csv").content
    with TestClient(create_app(settings)) as second:
        listed = second.get("/api/runs").json()
        assert [r["id"] for r in listed] == [run_id]
        assert listed[0]["state"] == "finished"
        assert second.get(f"/api/runs/{run_id}/results/firms.csv").content == csv
        replayed = drain_stream(second, run_id)
        assert [e["seq"] for e in replayed] == [e["seq"] for e in events]
        tail = drain_stream(second, run_id, after=len(events) - 3)
        assert [e["seq"] for e in tail] == [len(events) - 2, len(events) - 1, len(events)]


def test_unfinished_runs_are_marked_interrupted_on_restart(settings: WebSettings) -> None:
    from web.store import RunStore

    store = RunStore(settings.db_path)
    store.insert_run("abc", "tiny", "json", {}, 72.0, [], 0.0)
    store.update_progress("abc", "running", 10.0, 5, 0.1)
    with TestClient(create_app(settings)) as client:
        status = client.get("/api/runs/abc").json()
    assert status["state"] == "interrupted"
    assert status["error"].startswith("the server stopped while the run was at hour 10 of 72")
    assert status["error"].endswith("; start it again")
    assert status["finished_unix_s"] is not None


def test_dashboard_and_plotly_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert '<script src="/vendor/plotly.min.js"' in page.text
    plotly = client.get("/vendor/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200


#: XML namespace names look like addresses but are never fetched.
XML_NAMESPACES = ('xmlns="http://www.w3.org/2000/svg"',)


def test_static_files_reference_no_other_host() -> None:
    static = Path(__file__).resolve().parents[2] / "web" / "static"
    for path in (p for p in static.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        for namespace in XML_NAMESPACES:
            text = text.replace(namespace, "")
        assert "http://" not in text and "https://" not in text and "//cdn" not in text, path.name
