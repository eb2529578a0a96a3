"""The OpenAPI document is what the server does: schemathesis generates requests for every
operation (schema-valid and schema-invalid ones) against a real server on 127.0.0.1 and checks
each answer against the document, plus the error form and method lists the document cannot say."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given
from hypothesis.errors import Unsatisfiable
from hypothesis import settings as hypothesis_settings
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
from tests.web.conftest import LiveServer, start_server, tiny_scenario
from web.settings import WebSettings

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
