"""Route reserved for comparison studies (not available yet: answers 501)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from web.schemas import ErrorBody

router = APIRouter(prefix="/api/studies", tags=["studies"])


@router.post(
    "",
    status_code=501,
    response_model=ErrorBody,
    responses={501: {"model": ErrorBody, "description": "Studies are not available yet."}},
    summary="Start a comparison study (not available yet)",
)
def start_study() -> JSONResponse:
    """Comparison studies will run here once the engine's study runner exists; until then this
    answers 501 Not Implemented."""
    body = ErrorBody(
        detail="comparison studies are not available yet; start single runs with POST /api/runs"
    )
    return JSONResponse(body.model_dump(), status_code=501)
