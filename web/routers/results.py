"""Routes for a finished run's results: the summary and the result files."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response

from web.deps import get_manager, get_store
from web.errors import RunStateError
from web.runs import RunManager
from web.schemas import ErrorBody
from web.store import RunStore

router = APIRouter(prefix="/api/runs/{run_id}/results", tags=["results"])

MEDIA_TYPES = {
    "summary.json": "application/json",
    "timeseries.parquet": "application/vnd.apache.parquet",
    "firms.csv": "text/csv; charset=utf-8",
}
FileName = Literal["summary.json", "timeseries.parquet", "firms.csv"]
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
    """One of the run's files: ``summary.json``, ``timeseries.parquet`` or ``firms.csv``."""
    _require_results(run_id, manager)
    content = store.get_file(run_id, file_name)
    if content is None:
        raise RunStateError("reading results", "finished without files", ("finished",))
    return Response(
        content,
        media_type=MEDIA_TYPES[file_name],
        headers={"Content-Disposition": f'attachment; filename="{run_id}-{file_name}"'},
    )
