"""Routes for runs: start, list, status, pause, resume, speed, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from market.api import parse_config, with_seed
from web.deps import get_manager, get_settings
from web.examples import load_example
from web.runs import RunManager
from web.schemas import RunStatus, SpeedChange, StartRun, error_responses
from web.settings import WebSettings

router = APIRouter(prefix="/api/runs", tags=["runs"])

Manager = Annotated[RunManager, Depends(get_manager)]
_ERRORS = error_responses(404, 409, s404="Unknown run.")


@router.post(
    "",
    status_code=201,
    response_model=RunStatus,
    responses=error_responses(
        404, 422, 429, s404="Unknown example.", s422="Invalid scenario or options."
    ),
    summary="Start a run",
)
def start_run(
    body: StartRun, manager: Manager, settings: Annotated[WebSettings, Depends(get_settings)]
) -> RunStatus:
    """Start a run from a named example or a scenario given as JSON. Watch it on the websocket
    ``/ws/runs/{id}``."""
    if body.example is not None:
        config = load_example(settings.configs_dir, body.example)
        source = f"example:{body.example}"
    else:
        config = parse_config(body.config, confine_data_files=True)
        source = "json"
    config = with_seed(config, body.seed)
    pace = settings.pace_h_per_s if body.pace_h_per_s is None else body.pace_h_per_s
    return RunStatus.of(manager.start(config, source, pace, body.speed, paused=body.paused))


@router.get("", response_model=list[RunStatus], summary="List runs")
def list_runs(
    manager: Manager, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[RunStatus]:
    """The most recent runs, newest first, including those of earlier server processes."""
    return [RunStatus.of(v) for v in manager.list(limit)]


@router.get("/{run_id}", response_model=RunStatus, responses=_ERRORS, summary="Run status")
def run_status(run_id: str, manager: Manager) -> RunStatus:
    """State and progress of one run."""
    return RunStatus.of(manager.get(run_id))


@router.post("/{run_id}/pause", response_model=RunStatus, responses=_ERRORS, summary="Pause")
def pause_run(run_id: str, manager: Manager) -> RunStatus:
    """Pause a run after its current chunk."""
    return RunStatus.of(manager.pause(run_id))


@router.post("/{run_id}/resume", response_model=RunStatus, responses=_ERRORS, summary="Resume")
def resume_run(run_id: str, manager: Manager) -> RunStatus:
    """Resume a paused run."""
    return RunStatus.of(manager.resume(run_id))


@router.post("/{run_id}/speed", response_model=RunStatus, responses=_ERRORS, summary="Speed")
def set_speed(run_id: str, body: SpeedChange, manager: Manager) -> RunStatus:
    """Change the pace multiplier of a live run."""
    return RunStatus.of(manager.set_speed(run_id, body.speed))


@router.post("/{run_id}/cancel", response_model=RunStatus, responses=_ERRORS, summary="Cancel")
def cancel_run(run_id: str, manager: Manager) -> RunStatus:
    """Stop a run after its current chunk; it ends in state ``cancelled`` without results."""
    return RunStatus.of(manager.cancel(run_id))
