"""Routes for scenarios: list the examples, validate a scenario."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends

from market.api import ScenarioConfig, parse_config
from web.deps import get_settings
from web.examples import describe_examples
from web.schemas import ExampleConfig, ValidConfig, error_responses
from web.settings import WebSettings

router = APIRouter(prefix="/api/configs", tags=["configs"])


@router.get("/schema", summary="JSON Schema of scenarios (as `greenmarket schema`)")
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema that scenarios are validated against."""
    return ScenarioConfig.model_json_schema()


@router.get("", response_model=list[ExampleConfig], summary="List the example scenarios")
def list_examples(settings: Annotated[WebSettings, Depends(get_settings)]) -> list[ExampleConfig]:
    """Every ``*.yaml`` file of the configs folder, with its validation result."""
    return describe_examples(settings.configs_dir)


@router.post(
    "/validate",
    response_model=ValidConfig,
    responses=error_responses(422, s422="The scenario is invalid: every error with its path."),
    summary="Validate a scenario",
)
def validate_config(
    config: Annotated[
        dict[str, Any],
        Body(
            description="A scenario, in the same form as the YAML files (JSON Schema: "
            "GET /api/configs/schema).",
            json_schema_extra={"required": ["parks"]},
        ),
    ],
) -> ValidConfig:
    """Validate a scenario given as JSON; 422 lists every error with its field path, the value
    given and what is allowed (the same errors as ``greenmarket validate``)."""
    scenario = parse_config(config, confine_data_files=True)
    return ValidConfig(
        scenario=scenario.name,
        horizon_h=scenario.time.horizon_h,
        parks=[p.name for p in scenario.parks],
    )
