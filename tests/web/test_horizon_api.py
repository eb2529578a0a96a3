"""A run's time span (/api/runs/{id}/horizon): the fixed time axis of the dashboard's charts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from web.app import create_app
from web.routers.horizon import horizon_of
from web.settings import WebSettings

from .conftest import TINY_HORIZON_H, tiny_scenario
from .helpers import start_and_finish

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def client(settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _time(**fields: Any) -> dict[str, Any]:
    clock = {"start": "2025-06-02T00:00:00", "horizon_h": 72.0, "step_h": 1.0}
    clock["timezone"] = "Asia/Shanghai"
    clock.update(fields)
    return {"time": clock}


def test_span_runs_from_the_local_start_for_the_horizon() -> None:
    horizon = horizon_of(_time(horizon_h=36.0, step_h=0.25))
    assert (horizon.start, horizon.end) == ("2025-06-02T00:00:00", "2025-06-03T12:00:00")
    assert (horizon.span_h, horizon.step_h, horizon.time_zone) == (36.0, 0.25, "Asia/Shanghai")


def test_start_with_an_offset_is_read_on_the_park_clock() -> None:
    # 16:00 UTC is midnight in Shanghai (UTC+8).
    horizon = horizon_of(_time(start="2025-06-01T16:00:00+00:00", horizon_h=24.0))
    assert (horizon.start, horizon.end) == ("2025-06-02T00:00:00", "2025-06-03T00:00:00")


def test_finished_run_reports_its_horizon(client: TestClient) -> None:
    status, _ = start_and_finish(client, example="tiny")
    response = client.get(f"/api/runs/{status['id']}/horizon")
    assert response.status_code == 200
    assert tiny_scenario()["time"]["start"] == "2025-06-02T00:00:00"
    body = response.json()
    assert (body["start"], body["end"]) == ("2025-06-02T00:00:00", "2025-06-05T00:00:00")
    assert body["span_h"] == TINY_HORIZON_H


def test_unknown_run_is_404(client: TestClient) -> None:
    response = client.get("/api/runs/none/horizon")
    assert response.status_code == 404
    assert response.json()["errors"][0]["path"] == "run_id"
