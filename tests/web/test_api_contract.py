"""The OpenAPI document is what the server does: schemathesis generates requests for every
operation (schema-valid and schema-invalid ones) against a real server on 127.0.0.1 and checks
each answer against the document, plus the error form and method lists the document cannot say."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from market.api import ScenarioConfig, Simulation
from web.app import create_app
from web.settings import WebSettings

from .conftest import LiveServer, start_server, tiny_scenario

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

#: Requests generated per operation and generation mode (schema-valid, schema-invalid).
EXAMPLES_PER_OPERATION = 25
#: Horizon of any run the fuzzer manages to start [h]: keeps started runs tiny.
FUZZ_HORIZON_H = 24.0

# Excluded operations: none of the OpenAPI document. The websockets (/ws/...) and the HTML
# pages are not in the document (they cannot be described by OpenAPI), so nothing else is left
# out. Where a body carries something whose rules go beyond JSON Schema (a scenario, a study, an
# order book, a bid within the round's limits, rule changes checked across fields), a
# schema-valid request may still get the documented 422 that names the broken rule; for those
# operations 422 is an expected answer to schema-valid data.
CONFIG = """
[[operations]]
include-operation-id-regex = "^(validate_config|start_run|start_study|clear_orders|bid|params)_"
[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422", "429"]
"""


def short_simulation(config: ScenarioConfig) -> Simulation:
    """The engine's simulation of ``config`` cut to :data:`FUZZ_HORIZON_H`."""
    horizon_h = min(config.time.horizon_h, FUZZ_HORIZON_H)
    return Simulation(
        config.model_copy(update={"time": config.time.model_copy(update={"horizon_h": horizon_h})})
    )


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server with a temporary database and results folder, one small example."""
    root = tmp_path_factory.mktemp("contract")
    configs = root / "configs"
    configs.mkdir()
    (configs / "tiny.yaml").write_text(yaml.safe_dump(tiny_scenario(24)), encoding="utf-8")
    settings = WebSettings(
        port=0,
        db_path=root / "web.sqlite3",
        configs_dir=configs,
        results_dir=root / "results",
        pace_h_per_s=0.0,
        max_active_runs=2,
    )
    server = start_server(settings, simulation_factory=short_simulation)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(contract_server: LiveServer) -> OpenApiSchema:
    """The served document, loaded by schemathesis."""
    config = SchemathesisConfig.from_str(CONFIG)
    return schemathesis.openapi.from_url(f"{contract_server.http}/openapi.json", config=config)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    positive_data_acceptance,
    negative_data_rejection,
]


def contract_failures(operation: APIOperation, mode: GenerationMode, base_url: str) -> str | None:
    """The first failed check of ``EXAMPLES_PER_OPERATION`` generated requests, or ``None``."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Case) -> None:
        case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=10)

    try:
        check()
    except Unsatisfiable:  # no schema-invalid request exists (no parameters, or only text)
        return None
    except (Exception, BaseExceptionGroup) as exc:  # a failed check, named with the operation
        return f"{operation.label} [{mode.value}]: {exc}"
    return None


@pytest.mark.slow
def test_every_operation_answers_as_documented(
    api_schema: OpenApiSchema, contract_server: LiveServer
) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := contract_failures(operation, mode, contract_server.http)) is not None
    ]
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def client(settings: WebSettings) -> Iterator[TestClient]:
    """An in-process client of an app with a fresh database and the test examples."""
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def assert_error_body(response: Any, status: int) -> dict[str, Any]:
    """Check the status and the one error form; return the body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str), body
    assert all(set(issue) == {"path", "value", "allowed"} for issue in body["errors"]), body
    return body


def test_document_names_error_body_for_every_error(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    errors = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    errors += 1
                    assert answer["content"] == {"application/json": {"schema": error_ref}}, (
                        method,
                        path,
                        status,
                    )
            if path.startswith(("/api/classroom/games/", "/api/studies/", "/api/runs/")):
                assert "404" in operation["responses"], (method, path)
    assert errors > 60


def test_start_bodies_say_which_source_is_required(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["StartRun"]["oneOf"] == [{"required": ["example"]}, {"required": ["config"]}]
    assert schemas["StudyRequest"]["oneOf"] == [{"required": ["example"]}, {"required": ["study"]}]
    for body in ({}, {"example": "tiny", "config": {}}, {"example": None, "config": {}}):
        body_errors = assert_error_body(client.post("/api/runs", json=body), 422)
        assert "exactly one of" in body_errors["errors"][0]["allowed"]
    assert_error_body(client.post("/api/runs", json={"example": "tiny", "seed": True}), 422)
    assert_error_body(client.post("/api/runs", json={"example": "tiny", "speed": "2"}), 422)


def test_study_errors_have_the_one_error_form(client: TestClient) -> None:
    assert_error_body(client.post("/api/studies", json={}), 422)
    assert_error_body(client.post("/api/studies", json={"example": "../x"}), 422)
    assert_error_body(client.post("/api/studies", json={"example": "nope"}), 404)
    bad_study = {"study": {"name": "x", "base": "tiny.yaml", "seeds": "many"}}
    body = assert_error_body(client.post("/api/studies", json=bad_study), 422)
    assert body["errors"], body
    assert_error_body(client.get("/api/studies/unknown"), 404)
    assert_error_body(client.get("/api/studies/unknown/files/report.html"), 404)
    assert_error_body(client.get("/api/studies/unknown/files/other.txt"), 422)


def test_options_and_405_list_every_method_of_a_path(client: TestClient) -> None:
    options = client.options("/api/runs")
    assert options.status_code == 204
    assert options.headers["allow"] == "GET, OPTIONS, POST"
    assert client.options("/api/runs/abc/pause").headers["allow"] == "OPTIONS, POST"
    refused = client.delete("/api/runs")
    assert_error_body(refused, 405)
    assert refused.headers["allow"] == "GET, OPTIONS, POST"
    static = client.options("/static/nowhere.js")
    assert_error_body(static, 405)
    assert static.headers["allow"] == "GET, HEAD, OPTIONS"
    assert_error_body(client.options("/api/nowhere"), 404)
    assert_error_body(client.get("/api/nowhere"), 404)


def test_clear_errors_have_the_one_error_form(client: TestClient) -> None:
    order = {"id": "b1", "side": "buy", "quantity": True, "price": 30}
    assert_error_body(client.post("/api/clear", json={"orders": [order]}), 422)
