"""REST API of the classroom game (``/api/classroom``).

Players act with the seat token in their HttpOnly cookie (``gm_seat_<code>``): without a valid
one the answer is 401, and a token acting for another seat gets 403. Instructor actions need the
instructor token in the ``X-Instructor-Token`` header (401 without it). Bad input gets 422 with
the field, the value and what is allowed; too many bids from one seat get 429.

On a server open to a network, each client has limits (429 with ``Retry-After`` beyond): join
attempts and look-ups of unknown join codes, seats taken in one game, games created. An
instructor deletes their own game with ``DELETE /api/classroom/games/{code}``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.responses import PlainTextResponse
from fastapi.security import APIKeyHeader, HTTPBearer

from market.api import ClassroomInputError, Game, debrief_view, export_csv
from web.classroom.channel import Subscriber
from web.classroom.deps import (
    INSTRUCTOR_HEADER,
    client_key,
    get_limits,
    get_service,
    guard_join_codes,
    instructor_token,
    seat_cookie,
    web_error,
)
from web.classroom.qr import qr_svg
from web.classroom.schemas import (
    BidIn,
    ControlIn,
    CreateGame,
    HideIn,
    JoinGame,
    ParamsIn,
    ReassignIn,
    SwitchIn,
)
from web.classroom.service import ClassroomService, to_json
from web.errors import WebInputError
from web.schemas import error_responses
from web.security import RateLimitedError, RateLimits

router = APIRouter(
    prefix="/api/classroom",
    tags=["classroom"],
    dependencies=[Depends(guard_join_codes)],
    responses=error_responses(413, 429),
)
#: Errors of operations on one game: unknown join code, and invalid path or body fields.
_GAME = (404, 422)
#: ... that need the instructor token.
_INSTRUCTOR = (*_GAME, 401)
#: How the instructor token may be sent, for the OpenAPI document (either one; the routes check
#: it with :func:`require_instructor`).
INSTRUCTOR_AUTH = [
    Security(
        APIKeyHeader(
            name=INSTRUCTOR_HEADER,
            scheme_name="InstructorToken",
            description="The instructor token of the game (from the instructor link).",
            auto_error=False,
        )
    ),
    Security(
        HTTPBearer(
            scheme_name="InstructorBearer",
            description="The instructor token as `Authorization: Bearer <token>`.",
            auto_error=False,
        )
    ),
]
ExportTable = Literal["bids", "trades", "allocations", "payoffs"]
Service = Annotated[ClassroomService, Depends(get_service)]
Limits = Annotated[RateLimits, Depends(get_limits)]
#: Lifetime of a seat cookie [s].
SEAT_COOKIE_S = 12 * 3600


@contextmanager
def game_errors() -> Iterator[None]:
    """Turn game errors into HTTP errors."""
    try:
        yield
    except ClassroomInputError as exc:
        raise web_error(exc) from None


def _game(service: ClassroomService, code: str) -> Game:
    with game_errors():
        return service.game(code)


def require_instructor(service: ClassroomService, game: Game, request: Request) -> None:
    """Raise 401 unless the request carries the game's instructor token."""
    token = instructor_token(request)
    if not service.is_instructor(game, token):
        raise WebInputError(
            "X-Instructor-Token",
            "<missing>" if not token else "<invalid>",
            "the instructor token of this game (from the instructor link)",
            401,
        )


def require_seat(service: ClassroomService, game: Game, request: Request, seat: int | None) -> int:
    """The caller's seat from the cookie: 401 without a valid token, 403 for another seat."""
    found = service.seat_of(game, request.cookies.get(seat_cookie(game.code)))
    if found is None:
        raise WebInputError(
            "seat token", "<missing or invalid>", "join the game first at /join", 401
        )
    if seat is not None and found != seat:
        raise WebInputError("seat", seat, "your own seat only", 403)
    return found


def _links(game: Game, token: str) -> dict[str, str]:
    return {
        "join_url": f"/join?code={game.code}",
        "instructor_url": f"/classroom/console/{game.code}#token={token}",
        "projector_url": f"/classroom/projector/{game.code}",
        "debrief_url": f"/classroom/debrief/{game.code}",
    }


@router.get("/presets", summary="Presets a game can start from")
async def presets(service: Service) -> list[dict[str, Any]]:
    """Name, title, description, market, unit and defaults of every preset."""
    return [
        {
            "name": p.name,
            "title": p.title,
            "description": p.description,
            "market": p.market.kind,
            "unit": p.unit,
            "rounds": p.rounds,
            "round_seconds": p.round_seconds,
            "default_seats": p.default_seats,
            "bot_strategy": p.bot_strategy,
            "values_status": p.values_status,
        }
        for p in service.presets().values()
    ]


@router.post(
    "/games",
    status_code=201,
    responses=error_responses(404, 422, 429, s404="Unknown preset."),
    summary="Create a game",
)
async def create_game(
    body: CreateGame, request: Request, service: Service, limits: Limits
) -> dict[str, Any]:
    """Create a game; the answer holds the join code and the instructor token (shown once)."""
    limits.hit("games", limits.create, client_key(request))
    known = service.presets()
    if body.preset not in known:
        raise WebInputError("preset", body.preset, f"one of {sorted(known)}", 404)
    with game_errors():
        game, token = service.create(
            body.preset,
            seats=body.seats,
            rounds=body.rounds,
            round_seconds=body.round_seconds,
            bot_strategy=body.bot_strategy,
            bots_enabled=body.bots_enabled,
            practice_round=body.practice_round,
        )
    return {"code": game.code, "instructor_token": token, **_links(game, token)}


@router.get("/games/{code}", responses=error_responses(*_GAME), summary="Public view of a game")
async def public(code: str, service: Service) -> Response:
    """What the projector shows: state, countdown, last round's price and curves, price path."""
    game = _game(service, code)
    return Response(service.view_text(game, _public_sub()), media_type="application/json")


def _public_sub() -> Any:
    return Subscriber("spectator")


@router.get(
    "/games/{code}/qr.svg",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        **error_responses(*_GAME),
    },
    summary="QR code of the join link",
)
async def join_qr(code: str, request: Request, service: Service) -> Response:
    """An SVG QR code of the game's join URL on the address the request came to."""
    game = _game(service, code)
    url = str(request.base_url).rstrip("/") + _links(game, "")["join_url"]
    return Response(
        qr_svg(url),
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store", "X-Join-Url": url},
    )


@router.post(
    "/join",
    responses=error_responses(*_GAME, 409, s409="Every seat is taken."),
    summary="Join a game (or return to one's seat)",
)
async def join(
    body: JoinGame, request: Request, response: Response, service: Service, limits: Limits
) -> Any:
    """Take a seat; a valid seat cookie of the game returns the player to their seat."""
    client = client_key(request)
    limits.hit("join", limits.join, client)
    with game_errors():
        game = service.game(body.code)
        cookie = request.cookies.get(seat_cookie(game.code))
        new_seat = not body.claim and service.seat_of(game, cookie) is None
        if new_seat:
            limits.check("seats", limits.seats, client, game.code)
        game, seat, token = service.join(body.code, body.name, cookie, body.claim)
    if new_seat:
        limits.hit("seats", limits.seats, client, game.code)
    if token is not None:
        response.set_cookie(
            seat_cookie(game.code),
            token,
            max_age=SEAT_COOKIE_S,
            httponly=True,
            samesite="lax",
            path="/",
        )
    return {
        "code": game.code,
        "seat": seat,
        "firm": game.seats[seat].firm,
        "player": game.seats[seat].player,
        "rejoined": token is None,
        "play_url": f"/play/{game.code}",
    }


@router.get(
    "/games/{code}/me", responses=error_responses(*_GAME, 401), summary="The caller's own firm"
)
async def me(code: str, request: Request, service: Service) -> Response:
    """The player's view: firm, values of the round, standing bid, results (cookie needed)."""
    game = _game(service, code)
    seat = require_seat(service, game, request, None)
    return Response(
        service.view_text(game, Subscriber("player", seat)), media_type="application/json"
    )


@router.put(
    "/games/{code}/seats/{seat}/bid",
    responses=error_responses(*_GAME, 401, 403, 409, 429, s409="No round is open."),
    summary="Place or replace a seat's bid",
)
async def bid(code: str, seat: int, body: BidIn, request: Request, service: Service) -> Any:
    """Store the seat's bid for the open round (persisted before this answer)."""
    game = _game(service, code)
    require_seat(service, game, request, seat)
    wait_s = service.bid_wait_s(game, seat)
    if wait_s > 0:
        raise RateLimitedError("bids", str(service.bid_limit), wait_s)
    with game_errors():
        placed = service.submit(game, seat, [o.model_dump() for o in body.orders])
    return {
        "accepted": True,
        "round": placed.round,
        "seq": placed.seq,
        "orders": [o.as_dict() for o in placed.orders],
        "submitted_unix_s": placed.submitted_unix_s,
    }


@router.get(
    "/games/{code}/instructor",
    responses=error_responses(*_INSTRUCTOR),
    dependencies=INSTRUCTOR_AUTH,
    summary="Instructor's view",
)
async def instructor(code: str, request: Request, service: Service) -> Response:
    """Every seat, who plays it, who has submitted, profits so far (instructor token)."""
    game = _game(service, code)
    require_instructor(service, game, request)
    return Response(
        service.view_text(game, Subscriber("instructor")), media_type="application/json"
    )


@router.delete(
    "/games/{code}",
    responses=error_responses(*_INSTRUCTOR),
    dependencies=INSTRUCTOR_AUTH,
    summary="Delete a game",
)
async def delete_game(code: str, request: Request, service: Service) -> dict[str, str]:
    """Delete the game with its seats, bids and results (instructor token); its screens close."""
    game = _game(service, code)
    require_instructor(service, game, request)
    service.delete(game)
    return {"deleted": game.code}


@router.post(
    "/games/{code}/control",
    responses=error_responses(*_INSTRUCTOR, 409),
    dependencies=INSTRUCTOR_AUTH,
    summary="Start, pause, resume, advance, extend, finish",
)
async def control(code: str, body: ControlIn, request: Request, service: Service) -> Any:
    """Run the game: ``advance`` clears an open round now, or opens the next round."""
    game = _game(service, code)
    require_instructor(service, game, request)
    with game_errors():
        service.control(game, body.action, body.seconds)
    return {"status": game.status, "round": game.header.round}


@router.patch(
    "/games/{code}/params",
    responses=error_responses(*_INSTRUCTOR, 409),
    dependencies=INSTRUCTOR_AUTH,
    summary="Change the rules between rounds",
)
async def params(code: str, body: ParamsIn, request: Request, service: Service) -> Any:
    """Change the cap, allocation rule, penalty or price range for the coming rounds."""
    game = _game(service, code)
    require_instructor(service, game, request)
    with game_errors():
        service.set_params(game, body.model_dump(exclude_unset=True))
    return game.header.params.model_dump()


@router.post(
    "/games/{code}/bots",
    responses=error_responses(*_INSTRUCTOR),
    dependencies=INSTRUCTOR_AUTH,
    summary="Switch bots on or off",
)
async def bots(code: str, body: SwitchIn, request: Request, service: Service) -> Any:
    """With bots off, empty seats and seats without a bid do not trade."""
    game = _game(service, code)
    require_instructor(service, game, request)
    service.set_bots(game, body.enabled)
    return {"bots_enabled": game.header.bots_enabled}


@router.post(
    "/games/{code}/leaderboard",
    responses=error_responses(*_INSTRUCTOR),
    dependencies=INSTRUCTOR_AUTH,
    summary="Hide or show the leaderboard",
)
async def leaderboard(code: str, body: HideIn, request: Request, service: Service) -> Any:
    """Players see the leaderboard only when it is not hidden (always at the end)."""
    game = _game(service, code)
    require_instructor(service, game, request)
    service.set_leaderboard_hidden(game, body.hidden)
    return {"leaderboard_hidden": game.header.leaderboard_hidden}


@router.post(
    "/games/{code}/seats/{seat}/free",
    responses=error_responses(*_INSTRUCTOR, 409),
    dependencies=INSTRUCTOR_AUTH,
    summary="Free a seat",
)
async def free_seat(code: str, seat: int, request: Request, service: Service) -> Any:
    """Remove the seat's player; their token stops working and a bot plays while bots are on."""
    game = _game(service, code)
    require_instructor(service, game, request)
    with game_errors():
        service.free_seat(game, seat)
    return {"seat": seat, "controlled_by": game.controlled_by(seat)}


@router.post(
    "/games/{code}/seats/{seat}/reassign",
    responses=error_responses(*_INSTRUCTOR, 409),
    dependencies=INSTRUCTOR_AUTH,
    summary="Give a seat to a new device",
)
async def reassign_seat(
    code: str, seat: int, body: ReassignIn, request: Request, service: Service
) -> Any:
    """Issue a new seat token; the answer's claim link seats whoever opens it."""
    game = _game(service, code)
    require_instructor(service, game, request)
    with game_errors():
        token = service.reassign_seat(game, seat, body.name)
    return {"seat": seat, "claim_url": f"/join?code={game.code}#claim={token}"}


@router.get("/games/{code}/debrief", responses=error_responses(*_GAME), summary="Debrief data")
async def debrief(code: str, request: Request, service: Service) -> Any:
    """Price path, merit orders, emissions, profits; the leaderboard unless it is hidden."""
    game = _game(service, code)
    allowed = (
        not game.header.leaderboard_hidden
        or game.status == "finished"
        or service.is_instructor(game, instructor_token(request))
    )
    return Response(
        _json(debrief_view(game, with_leaderboard=allowed)), media_type="application/json"
    )


def _json(data: Any) -> str:
    return to_json(data)


@router.get(
    "/games/{code}/export/{table}.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **error_responses(*_INSTRUCTOR),
    },
    dependencies=INSTRUCTOR_AUTH,
    summary="CSV export",
)
async def export(
    code: str, table: ExportTable, request: Request, service: Service
) -> PlainTextResponse:
    """``bids``, ``trades``, ``allocations`` or ``payoffs`` of every round (instructor token)."""
    game = _game(service, code)
    require_instructor(service, game, request)
    with game_errors():
        text = export_csv(game, table)
    return PlainTextResponse(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{game.code}-{table}.csv"'},
    )
