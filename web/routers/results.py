"""Routes for a finished run's results: the summary and the result files.

The files are those ``greenmarket run`` writes for the same config and seed (``RESULT_FILES``);
the market tables exist only when their market is on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response

from market.api import RESULT_FILES
from web.deps import get_manager, get_store
from web.errors import RunStateError, WebInputError
from web.runs import RunManager
from web.schemas import ErrorBody
from web.store import RunStore

router = APIRouter(prefix="/api/runs/{run_id}/results", tags=["results"])

MEDIA_TYPES = {
    "summary.json": "application/json",
    "timeseries.parquet": "application/vnd.apache.parquet",
    "firms.csv": "text/csv; charset=utf-8",
    "green_power.csv": "text/csv; charset=utf-8",
    "rights_auctions.csv": "text/csv; charset=utf-8",
    "events.jsonl": "application/jsonl",
}
FileName = Literal[
    "summary.json",
    "timeseries.parquet",
    "firms.csv",
    "green_power.csv",
    "rights_auctions.csv",
    "events.jsonl",
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown run."},
    409: {"model": ErrorBody, "description": "The run has no results (not finished)."},
}


def _require_results(run_id: str, manager: RunManager) -> None:
    view = manager.get(run_id)
    if not view.has_results:
        raise RunStateError("reading results", view.state, ("finished",))


@router.get("", responses=_ERRORS, summary="Summary of a finished run")
def summary(
    run_id: str,
    manager: Annotated[RunManager, Depends(get_manager)],
    store: Annotated[RunStore, Depends(get_store)],
) -> dict[str, Any]:
    """The run's ``summary.json`` as JSON: totals, per park and per firm figures."""
    _require_results(run_id, manager)
    data = store.get_summary(run_id)
    return data if data is not None else {}


@router.get("/files", responses=_ERRORS, summary="Names of a finished run's result files")
def file_names(
    run_id: str,
    manager: Annotated[RunManager, Depends(get_manager)],
    store: Annotated[RunStore, Depends(get_store)],
) -> list[str]:
    """The files the run wrote, in the order of ``RESULT_FILES`` (market tables only with their
    market on)."""
    _require_results(run_id, manager)
    stored = set(store.list_files(run_id))
    return [name for name in RESULT_FILES if name in stored]


@router.get(
    "/{file_name}",
    responses={**_ERRORS, 200: {"content": {t: {} for t in MEDIA_TYPES.values()}}},
    response_class=Response,
    summary="Download a result file",
)
def download(
    run_id: str,
    file_name: FileName,
    manager: Annotated[RunManager, Depends(get_manager)],
    store: Annotated[RunStore, Depends(get_store)],
) -> Response:
    """One of the run's files: ``summary.json``, ``timeseries.parquet``, ``firms.csv``,
    ``green_power.csv``, ``rights_auctions.csv`` (with that market on) or ``events.jsonl``."""
    _require_results(run_id, manager)
    content = store.get_file(run_id, file_name)
    if content is None:
        written = [name for name in RESULT_FILES if name in set(store.list_files(run_id))]
        raise WebInputError("file_name", file_name, f"a file this run wrote: {written}", 404)
    return Response(
        content,
        media_type=MEDIA_TYPES[file_name],
        headers={"Content-Disposition": f'attachment; filename="{run_id}-{file_name}"'},
    )
