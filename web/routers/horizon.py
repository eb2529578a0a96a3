"""Route for a run's time axis: the local start and end of its horizon.

The dashboard fixes its charts' time axes to this span, so a run with a single market event still
shows its whole horizon.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from web.deps import get_manager, get_store
from web.errors import UnknownRunError
from web.runs import RunManager
from web.schemas import error_responses
from web.store import RunStore

router = APIRouter(prefix="/api/runs", tags=["runs"])

#: The local time format of the response (the format of the events' ``time`` without its offset).
LOCAL_FORMAT = "%Y-%m-%dT%H:%M:%S"


class RunHorizon(BaseModel):
    """The calendar span a run covers, on the park clock."""

    start: str = Field(description="Local start time (`YYYY-MM-DDTHH:MM:SS`, park clock).")
    end: str = Field(description="Local end time (`YYYY-MM-DDTHH:MM:SS`, park clock).")
    time_zone: str = Field(description="IANA time zone of the park clock.")
    step_h: float = Field(description="Step length [h].")
    span_h: float = Field(
        description="Calendar hours from start to end [h]; with representative days the run "
        "simulates fewer hours (`horizon_h` of the run status)."
    )


def horizon_of(config: Mapping[str, Any]) -> RunHorizon:
    """Return the span of a run from its scenario (as stored JSON data).

    Parameters
    ----------
    config
        The scenario, as ``ScenarioConfig.model_dump(mode="json")`` gives it: ``time.start``
        (ISO 8601; naive means the park clock), ``time.horizon_h``, ``time.step_h`` and
        ``time.timezone``.

    Returns
    -------
    RunHorizon
        Start and end as naive local times; end = start + ``horizon_h`` hours.
    """
    clock = config["time"]
    zone_name = str(clock["timezone"])
    start = dt.datetime.fromisoformat(str(clock["start"]))
    if start.tzinfo is not None:
        with contextlib.suppress(ZoneInfoNotFoundError):  # else keep the given offset's clock
            start = start.astimezone(ZoneInfo(zone_name))
        start = start.replace(tzinfo=None)
    span_h = float(clock["horizon_h"])
    end = start + dt.timedelta(hours=span_h)
    return RunHorizon(
        start=start.strftime(LOCAL_FORMAT),
        end=end.strftime(LOCAL_FORMAT),
        time_zone=zone_name,
        step_h=float(clock["step_h"]),
        span_h=span_h,
    )


@router.get(
    "/{run_id}/horizon",
    response_model=RunHorizon,
    responses=error_responses(404, s404="Unknown run."),
    summary="Time span of a run",
)
def run_horizon(
    run_id: str,
    manager: Annotated[RunManager, Depends(get_manager)],
    store: Annotated[RunStore, Depends(get_store)],
) -> RunHorizon:
    """Local start and end of the run's horizon: the time axis of its charts."""
    manager.get(run_id)  # unknown run: 404
    config = store.get_config(run_id)
    if config is None:
        raise UnknownRunError(run_id)
    return horizon_of(config)
