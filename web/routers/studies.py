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

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from market.api import (
    ExecutionOptions,
    load_study,
    parse_study,
    plan_study,
    read_yaml,
    run_study,
)
from web.deps import get_settings
from web.errors import WebInputError
from web.schemas import Integer, RequestBody, error_responses, one_of_required, require_exactly_one
from web.settings import WebSettings

router = APIRouter(prefix="/api/studies", tags=["studies"])

_NAME_PATTERN = r"^[A-Za-z0-9_.\-]{1,64}$"
_NAME = re.compile(_NAME_PATTERN)
#: Media types of the study files, for their download answers.
STUDY_MEDIA_TYPES = {
    "summary.csv": "text/csv; charset=utf-8",
    "summary.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "runs.parquet": "application/vnd.apache.parquet",
    "firms.parquet": "application/vnd.apache.parquet",
    "report.html": "text/html; charset=utf-8",
}
STUDY_FILES = tuple(STUDY_MEDIA_TYPES)
StudyFileName = Literal[
    "summary.csv", "summary.xlsx", "runs.parquet", "firms.parquet", "report.html"
]


class StudyRequest(RequestBody):
    """Start a study: an example from ``configs/studies`` or a study body whose ``base`` names
    an example scenario (e.g. ``shaanxi_park.yaml``); exactly one of the two."""

    model_config = ConfigDict(json_schema_extra=one_of_required("example", "study"))

    example: str | SkipJsonSchema[None] = Field(
        default=None,
        description="e.g. 'quick' (a file of configs/studies); an unknown one is a 404.",
        json_schema_extra={"pattern": _NAME_PATTERN},
    )
    study: dict[str, Any] | SkipJsonSchema[None] = Field(
        default=None, description="A study as JSON; an invalid one is a 422 naming the field."
    )
    workers: Integer = Field(default=1, ge=1, le=64, description="1 = in-process; > 1 = Dask.")

    @field_validator("example")
    @classmethod
    def _example_name(cls, name: str | None) -> str | None:
        if name is not None and not _NAME.fullmatch(name):
            raise ValueError(f"a name matching {_NAME_PATTERN}")
        return name

    @model_validator(mode="after")
    def _one_source(self) -> StudyRequest:
        require_exactly_one(self, ("example", "study"))
        return self


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
        if not _NAME.fullmatch(study_id) or not meta.is_file():
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
    """Plan the requested study; a study error (a ``ConfigError``) reaches the app's handler."""
    studies_dir = settings.configs_dir / "studies"
    if body.example is not None:
        path = studies_dir / f"{body.example.removesuffix('.yaml')}.yaml"
        if not path.is_file():
            known = sorted(p.stem for p in studies_dir.glob("*.yaml"))
            raise WebInputError("example", body.example, f"one of {known}", 404)
        return load_study(path)
    study = parse_study(body.study, "study")
    base_name = Path(str(study.base)).name
    base_path = settings.configs_dir / base_name
    if not _NAME.fullmatch(base_name) or not base_path.is_file():
        raise WebInputError("study.base", study.base, "the file name of an example scenario", 422)
    return plan_study(study, read_yaml(base_path), "study", data_dir=base_path.parent)


@router.post(
    "",
    status_code=202,
    response_model=StudyStatus,
    responses=error_responses(404, 422, s404="Unknown example study."),
    summary="Start a study",
)
def start_study(
    body: StudyRequest,
    settings: Annotated[WebSettings, Depends(get_settings)],
    registry: Annotated[_Registry, Depends(_registry)],
) -> StudyStatus:
    """Plan the study (422 with field paths when it is invalid) and run it in the background."""
    plan = _plan(body, settings)
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


def _known(registry: _Registry, study_id: str) -> StudyStatus:
    status = registry.get(study_id)
    if status is None:
        raise WebInputError("study_id", study_id, "the id of a study (see GET /api/studies)", 404)
    return status


@router.get(
    "/{study_id}",
    response_model=StudyStatus,
    responses=error_responses(404, s404="Unknown study."),
    summary="Status of a study",
)
def study_status(study_id: str, registry: Annotated[_Registry, Depends(_registry)]) -> StudyStatus:
    """404 when unknown."""
    return _known(registry, study_id)


@router.get(
    "/{study_id}/files/{name}",
    response_class=FileResponse,
    responses={
        200: {"content": {media: {} for media in STUDY_MEDIA_TYPES.values()}},
        **error_responses(404, 409, s404="Unknown study.", s409="The study has not finished."),
    },
    summary="Download a study file",
)
def study_file(
    study_id: str, name: StudyFileName, registry: Annotated[_Registry, Depends(_registry)]
) -> FileResponse:
    """``summary.csv``, ``summary.xlsx``, ``runs.parquet``, ``firms.parquet`` or
    ``report.html`` of a finished study."""
    status = _known(registry, study_id)
    path = registry.root / study_id / name
    if status.status != "finished" or not path.is_file():
        raise WebInputError("status", status.status, f"a finished study with {name}", 409)
    return FileResponse(path, media_type=STUDY_MEDIA_TYPES[name])


def study_json(status: StudyStatus) -> str:
    """The status as JSON text (for logs)."""
    return json.dumps(status.model_dump(), sort_keys=True)
