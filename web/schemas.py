"""Request and response bodies of the REST API."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator
from pydantic.json_schema import SkipJsonSchema

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


#: What each error status of the API means, in the words of its OpenAPI documentation.
ERROR_MEANINGS: dict[int, str] = {
    400: "The request cannot be carried out as given.",
    401: "A token is missing or invalid.",
    403: "The token does not allow this.",
    404: "Something the request names does not exist.",
    409: "The target is not in a state that allows this.",
    413: "The body is too large.",
    422: "Invalid input: each error names the field path, the value given and what is allowed.",
    429: "Too many requests or runs in progress; retry later.",
}


def error_responses(*statuses: int, **meanings: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of error statuses, all with the :class:`ErrorBody` form.

    Parameters
    ----------
    *statuses
        HTTP statuses the operation may answer with (keys of :data:`ERROR_MEANINGS`).
    **meanings
        Operation-specific descriptions, keyed ``s404`` etc., replacing the general ones.

    Returns
    -------
    dict[int | str, dict[str, Any]]
        Mapping for the ``responses=`` argument of a route or router.
    """
    return {
        status: {
            "model": ErrorBody,
            "description": meanings.get(f"s{status}", ERROR_MEANINGS[status]),
        }
        for status in statuses
    }


def _not_bool_or_text(value: object) -> object:
    if isinstance(value, bool | str):
        raise ValueError("a whole number (not a boolean or text)")
    return value


#: Refuses booleans and texts where a number is due (before a lax whole-number check).
NOT_BOOL_OR_TEXT = BeforeValidator(_not_bool_or_text)
#: A whole number in a request body: ``3`` and ``3.0`` (both JSON Schema integers), never
#: ``true`` or ``"3"``. In an optional field, write the range first so that it is documented:
#: ``Annotated[int, Field(ge=1, le=9), Strict(False), NOT_BOOL_OR_TEXT] | None``.
Integer = Annotated[int, Strict(False), NOT_BOOL_OR_TEXT]


class RequestBody(BaseModel):
    """Base of request bodies: unknown fields are refused and types are strict (``true`` is no
    number and ``"1"`` no integer), so that the documented schema is exactly what is accepted."""

    model_config = ConfigDict(extra="forbid", strict=True)


def require_exactly_one(body: BaseModel, names: Iterable[str]) -> None:
    """Check that exactly one of the optional fields ``names`` was given, and not as ``null``.

    Raises
    ------
    ValueError
        Naming the fields, when none, several or a ``null`` one were given.
    """
    wanted = tuple(names)
    given = [name for name in wanted if name in body.model_fields_set]
    if len(given) != 1 or getattr(body, given[0]) is None:
        listed = " and ".join(f"`{name}`" for name in wanted)
        raise ValueError(f"give exactly one of {listed} (not null)")


def one_of_required(*names: str) -> dict[str, Any]:
    """JSON Schema keywords saying that exactly one of the properties ``names`` is present."""
    return {"oneOf": [{"required": [name]} for name in names]}


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


class StartRun(RequestBody):
    """Start a run from a named example or from a scenario given as JSON (exactly one)."""

    model_config = ConfigDict(json_schema_extra=one_of_required("example", "config"))

    example: str | SkipJsonSchema[None] = Field(
        default=None,
        description="Name of an example (GET /api/configs); an unknown name is a 404.",
    )
    config: dict[str, Any] | SkipJsonSchema[None] = Field(
        default=None,
        description="A scenario in the same form as the YAML files (JSON Schema: "
        "GET /api/configs/schema); a scenario breaking a rule is a 422 naming the field.",
    )
    seed: Annotated[int, Field(ge=0, le=2**63 - 1), Strict(False), NOT_BOOL_OR_TEXT] | None = Field(
        default=None, description="Override the seed."
    )
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
        require_exactly_one(self, ("example", "config"))
        return self


class SpeedChange(RequestBody):
    """New speed multiplier of a run."""

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
