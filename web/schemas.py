"""Request and response bodies of the REST API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from web.control import MAX_SPEED, MIN_SPEED
from web.runs import RunView
from web.store import RunState


class Issue(BaseModel):
    """One problem with a request: field path, the value given and what is allowed."""

    path: str
    value: str
    allowed: str


class ErrorBody(BaseModel):
    """Body of every error response."""

    detail: str
    errors: list[Issue] = Field(default_factory=list)


class ExampleConfig(BaseModel):
    """An example scenario shipped in the configs folder."""

    name: str = Field(description="Name to start it by (the file name without .yaml).")
    file: str
    scenario: str | None = None
    description: str | None = None
    horizon_h: float | None = None
    step_h: float | None = None
    parks: list[str] = Field(default_factory=list)
    valid: bool
    errors: list[Issue] = Field(default_factory=list)


class ValidConfig(BaseModel):
    """Answer for a valid scenario."""

    valid: bool = True
    scenario: str
    horizon_h: float
    parks: list[str]


class StartRun(BaseModel):
    """Start a run from a named example or from a scenario given as JSON (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    example: str | None = Field(default=None, description="Name of an example (GET /api/configs).")
    config: dict[str, Any] | None = Field(
        default=None, description="A scenario in the same form as the YAML files."
    )
    seed: int | None = Field(default=None, ge=0, le=2**63 - 1, description="Override the seed.")
    pace_h_per_s: float | None = Field(
        default=None,
        ge=0.0,
        le=1e6,
        description="Simulated hours per wall second (0 = as fast as possible; default: server's).",
    )
    speed: float = Field(default=1.0, ge=MIN_SPEED, le=MAX_SPEED, description="Pace multiplier.")
    paused: bool = Field(
        default=False, description="Start paused (resume with POST /api/runs/{id}/resume)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> StartRun:
        if (self.example is None) == (self.config is None):
            raise ValueError("give exactly one of `example` and `config`")
        return self


class SpeedChange(BaseModel):
    """New speed multiplier of a run."""

    model_config = ConfigDict(extra="forbid")

    speed: float = Field(ge=MIN_SPEED, le=MAX_SPEED, description="Multiplier on the pace.")


class ParkInfo(BaseModel):
    """A park of a run."""

    name: str
    grid_co2_tco2_per_mwh: float | None = None


class RunStatus(BaseModel):
    """State and progress of a run."""

    id: str
    scenario: str
    source: str = Field(description="`example:<name>` or `json`.")
    state: RunState = Field(
        description="Live: queued, running, paused. Final: finished, failed, cancelled (by a "
        "user) or interrupted (the server stopped; `error` says at which hour; start it again)."
    )
    created_unix_s: float
    finished_unix_s: float | None
    horizon_h: float
    now_h: float
    progress: float = Field(description="Share of the horizon simulated (0..1).")
    last_seq: int = Field(description="Sequence number of the newest event.")
    engine_compute_s: float = Field(description="Wall time spent in the engine so far [s].")
    speed: float | None = Field(description="Speed multiplier (live runs only).")
    pace_h_per_s: float | None = Field(description="Effective pace (live runs only).")
    parks: list[ParkInfo]
    error: str | None
    has_results: bool
    stream: str = Field(description="Websocket path of the run's event stream.")

    @classmethod
    def of(cls, view: RunView) -> RunStatus:
        """Build the response from a run view."""
        return cls(
            id=view.id,
            scenario=view.scenario,
            source=view.source,
            state=view.state,
            created_unix_s=view.created_unix_s,
            finished_unix_s=view.finished_unix_s,
            horizon_h=view.horizon_h,
            now_h=view.now_h,
            progress=view.progress,
            last_seq=view.last_seq,
            engine_compute_s=view.engine_compute_s,
            speed=view.speed,
            pace_h_per_s=view.pace_h_per_s,
            parks=[ParkInfo(**p) for p in view.parks],
            error=view.error,
            has_results=view.has_results,
            stream=f"/ws/runs/{view.id}",
        )
