"""Access to the classroom service and the callers' tokens from request handlers."""

from __future__ import annotations

from typing import cast

from fastapi import Request
from starlette.requests import HTTPConnection

from market.api import (
    BidError,
    ClassroomInputError,
    GameFullError,
    GameStateError,
    PresetError,
    UnknownGameError,
)
from web.classroom.security import normalise_code
from web.classroom.service import ClassroomService, TooManyGamesError
from web.errors import WebInputError
from web.security import RateLimits

#: Largest request body accepted by the classroom API [bytes] (enforced by the app's
#: body size middleware).
MAX_BODY_BYTES = 16 * 1024
INSTRUCTOR_HEADER = "X-Instructor-Token"


def seat_cookie(code: str) -> str:
    """Name of the seat cookie of a game."""
    return f"gm_seat_{code}"


def get_service(request: HTTPConnection) -> ClassroomService:
    """The app's classroom service."""
    return cast(ClassroomService, request.app.state.classroom)


def instructor_token(request: Request) -> str | None:
    """The instructor token sent with a request (header, or ``Authorization: Bearer``)."""
    token = request.headers.get(INSTRUCTOR_HEADER)
    if token:
        return token
    auth = request.headers.get("Authorization", "")
    return auth[7:] if auth.startswith("Bearer ") else None


def get_limits(request: HTTPConnection) -> RateLimits:
    """The app's per-client rate limits."""
    return cast(RateLimits, request.app.state.rate_limits)


def client_key(request: HTTPConnection) -> str:
    """The address a request comes from (the key of its client's rate limits)."""
    return request.client.host if request.client else "unknown"


def count_code_guess(request: HTTPConnection, code: str) -> None:
    """Count a look-up of an unknown join code against the client's join limit (429 beyond).

    Guessing codes through any route is as limited as guessing them by joining.
    """
    if normalise_code(code) not in get_service(request).games:
        limits = get_limits(request)
        limits.hit("join", limits.join, client_key(request))


def guard_join_codes(request: Request) -> None:
    """Router dependency: limit look-ups of unknown join codes in the path."""
    code = request.path_params.get("code")
    if isinstance(code, str):
        count_code_guess(request, code)


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
