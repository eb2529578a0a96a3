"""Comparison studies over HTTP: start one (an example study or a study body), follow it, and
download its report and tables.

A study runs in a background thread, in-process (serial) by default so that the server does not
start a cluster behind the user's back; ``workers`` > 1 runs it on a local Dask cluster.
Finished studies are folders under ``<results_dir>/studies/<id>``; the server lists them again
after a restart.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from market.api import (
    ExecutionOptions,
    StudyError,
    load_study,
    parse_study,
    plan_study,
    read_yaml,
    run_study,
)
from web.deps import get_settings
from web.settings import WebSettings

router = APIRouter(prefix="/api/studies", tags=["studies"])

STUDY_FILES = ("summary.csv", "runs.parquet", "firms.parquet", "report.html")
_NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class StudyRequest(BaseModel):
    """Start a study: an example from ``configs/studies`` or a study body whose ``base`` names
    an example scenario (e.g. ``shaanxi_park.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    example: str | None = Field(default=None, max_length=64, description="e.g. 'quick'")
    study: dict[str, Any] | None = Field(default=None, description="A study as JSON.")
    workers: int = Field(default=1, ge=1, le=64, description="1 = in-process; > 1 = Dask.")


class StudyStatus(BaseModel):
    """State of a study."""

    id: str
    name: str
    status: Literal["running", "finished", "failed"]
    runs: int
    failed_runs: int = 0
    error: str | None = None
    files: list[str] = []


class _Registry:
    """Studies known to this server process, plus those found on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.Lock()
        self.status: dict[str, StudyStatus] = {}

    def get(self, study_id: str) -> StudyStatus | None:
        with self.lock:
            known = self.status.get(study_id)
        if known is not None:
            return known
        return self._from_disk(study_id)

    def _from_disk(self, study_id: str) -> StudyStatus | None:
        meta = self.root / study_id / "study.json"
        if not _NAME.match(study_id) or not meta.is_file():
            return None
        return StudyStatus.model_validate_json(meta.read_text(encoding="utf-8"))

    def all(self) -> list[StudyStatus]:
        ids = {p.name for p in self.root.glob("*") if (p / "study.json").is_file()}
        with self.lock:
            ids |= set(self.status)
        found = [self.get(i) for i in sorted(ids)]
        return [s for s in found if s is not None]

    def put(self, status: StudyStatus) -> None:
        with self.lock:
            self.status[status.id] = status
        folder = self.root / status.id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "study.json").write_text(status.model_dump_json(), encoding="utf-8")


def _registry(
    request: Request, settings: Annotated[WebSettings, Depends(get_settings)]
) -> _Registry:
    state = request.app.state
    if not hasattr(state, "studies"):
        state.studies = _Registry(settings.results_dir / "studies")
    registry: _Registry = state.studies
    return registry


def _plan(body: StudyRequest, settings: WebSettings) -> Any:
    if (body.example is None) == (body.study is None):
        raise HTTPException(422, "give exactly one of 'example' or 'study'")
    studies_dir = settings.configs_dir / "studies"
    if body.example is not None:
        if not _NAME.match(body.example):
            raise HTTPException(422, f"example: {body.example!r} is not a valid name")
        path = studies_dir / f"{body.example.removesuffix('.yaml')}.yaml"
        if not path.is_file():
            known = sorted(p.stem for p in studies_dir.glob("*.yaml"))
            raise HTTPException(404, f"example study {body.example!r} unknown; known: {known}")
        return load_study(path)
    study = parse_study(body.study, "study")
    base_name = Path(str(study.base)).name
    base_path = settings.configs_dir / base_name
    if not _NAME.match(base_name) or not base_path.is_file():
        raise HTTPException(422, f"study.base: {study.base!r} must name an example scenario")
    return plan_study(study, read_yaml(base_path), "study")


@router.post("", status_code=202, response_model=StudyStatus, summary="Start a study")
def start_study(
    body: StudyRequest,
    settings: Annotated[WebSettings, Depends(get_settings)],
    registry: Annotated[_Registry, Depends(_registry)],
) -> StudyStatus:
    """Plan the study (422 with field paths when it is invalid) and run it in the background."""
    try:
        plan = _plan(body, settings)
    except StudyError as exc:
        raise HTTPException(
            422, {"detail": str(exc).splitlines()[0], "errors": [i.as_dict() for i in exc.issues]}
        ) from None
    study_id = uuid.uuid4().hex[:12]
    status = StudyStatus(id=study_id, name=plan.study.name, status="running", runs=len(plan.tasks))
    registry.put(status)
    out_dir = registry.root / study_id
    options = ExecutionOptions(serial=body.workers == 1, workers=body.workers, progress=False)

    def work() -> None:
        try:
            outcome = run_study(plan, out_dir, options, report=lambda line: None)
            done = status.model_copy(
                update={
                    "status": "finished",
                    "failed_runs": len(outcome.failures),
                    "files": [p.name for p in outcome.files],
                }
            )
        except Exception as exc:  # reported to the client, never raised into the server
            done = status.model_copy(update={"status": "failed", "error": str(exc)[:500]})
        registry.put(done)

    threading.Thread(target=work, name=f"study-{study_id}", daemon=True).start()
    return status


@router.get("", response_model=list[StudyStatus], summary="List studies")
def list_studies(registry: Annotated[_Registry, Depends(_registry)]) -> list[StudyStatus]:
    """Every study of this server, newest state first by id."""
    return registry.all()


@router.get("/{study_id}", response_model=StudyStatus, summary="Status of a study")
def study_status(study_id: str, registry: Annotated[_Registry, Depends(_registry)]) -> StudyStatus:
    """404 when unknown."""
    status = registry.get(study_id)
    if status is None:
        raise HTTPException(404, f"study {study_id!r} unknown")
    return status


@router.get("/{study_id}/files/{name}", summary="Download a study file")
def study_file(
    study_id: str, name: str, registry: Annotated[_Registry, Depends(_registry)]
) -> FileResponse:
    """``summary.csv``, ``runs.parquet``, ``firms.parquet`` or ``report.html`` of a finished
    study."""
    status = registry.get(study_id)
    if status is None:
        raise HTTPException(404, f"study {study_id!r} unknown")
    if name not in STUDY_FILES:
        raise HTTPException(404, f"file {name!r} unknown; files: {list(STUDY_FILES)}")
    path = registry.root / study_id / name
    if status.status != "finished" or not path.is_file():
        raise HTTPException(409, f"study {study_id!r} is {status.status}; {name} not ready")
    return FileResponse(path)


def study_json(status: StudyStatus) -> str:
    """The status as JSON text (for logs)."""
    return json.dumps(status.model_dump(), sort_keys=True)
