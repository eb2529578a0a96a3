"""Access to the classroom service and the callers' tokens from request handlers."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from market.api import (
    BidError,
    ClassroomInputError,
    GameFullError,
    GameStateError,
    PresetError,
    UnknownGameError,
)
from web.classroom.service import ClassroomService, TooManyGamesError
from web.errors import WebInputError

#: Largest request body accepted by the classroom API [bytes].
MAX_BODY_BYTES = 16 * 1024
INSTRUCTOR_HEADER = "X-Instructor-Token"


def seat_cookie(code: str) -> str:
    """Name of the seat cookie of a game."""
    return f"gm_seat_{code}"


def get_service(request: Request) -> ClassroomService:
    """The app's classroom service."""
    return cast(ClassroomService, request.app.state.classroom)


def instructor_token(request: Request) -> str | None:
    """The instructor token sent with a request (header, or ``Authorization: Bearer``)."""
    token = request.headers.get(INSTRUCTOR_HEADER)
    if token:
        return token
    auth = request.headers.get("Authorization", "")
    return auth[7:] if auth.startswith("Bearer ") else None


def check_body_size(request: Request) -> None:
    """Refuse bodies larger than :data:`MAX_BODY_BYTES` (HTTP 413) before they are parsed."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
        raise WebInputError("body", length, f"at most {MAX_BODY_BYTES} bytes", 413)


def web_error(exc: ClassroomInputError) -> WebInputError:
    """The HTTP error of a game error: 404 unknown game, 409 state or full, 422 input,
    429 too many games."""
    status = 422
    if isinstance(exc, UnknownGameError):
        status = 404
    elif isinstance(exc, GameStateError | GameFullError):
        status = 409
    elif isinstance(exc, TooManyGamesError):
        status = 429
    elif isinstance(exc, BidError | PresetError):
        status = 422
    return WebInputError(exc.field, exc.value, exc.allowed, status)
