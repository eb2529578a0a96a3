"""The classroom game service: games in memory, persisted on every change, with the timers.

Everything runs on the event loop's thread, so actions on a game never interleave. The clock is
injectable (``clock() -> s since the epoch``): tests drive deadlines with a fake clock, and every
request first clears a game whose deadline has passed (:meth:`ClassroomService.game`), so no test
has to wait for the timer task. In a running server :meth:`run_timers` wakes at the next deadline.

A bid is committed to SQLite before it is acknowledged. After a restart every game is loaded back;
a round whose deadline passed while the server was down gets :data:`RESTART_GRACE_S` more seconds.

Games expire: a finished game ``game_ttl_s`` after its last activity, any game after
``idle_ttl_s`` without activity. Expired games are deleted from the database at start, every
:data:`EXPIRY_CHECK_S` seconds and before a game is created; :data:`MAX_GAMES` counts the games
that remain.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from market.api import (
    ClassroomInputError,
    Game,
    GameStore,
    Preset,
    UnknownGameError,
    instructor_view,
    list_presets,
    lobby_view,
    player_view,
    public_view,
)
from web.classroom.channel import Channels, Subscriber
from web.classroom.security import (
    find_token,
    new_join_code,
    new_token,
    normalise_code,
    token_hash,
    token_matches,
)

#: Seconds given to a round whose deadline passed while the server was down.
RESTART_GRACE_S = 15.0
#: Most live games a server keeps.
MAX_GAMES = 1000
#: Seconds between two searches for expired games.
EXPIRY_CHECK_S = 60.0
#: Activity is written to the database at most this often per game [s].
ACTIVITY_WRITE_S = 60.0


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def to_json(obj: Any) -> str:
    """JSON text of a view (non-finite numbers become ``null``)."""
    try:
        return json.dumps(obj, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return json.dumps(_finite(obj), allow_nan=False, separators=(",", ":"))


class TooManyGamesError(ClassroomInputError):
    """The server holds as many games as it may."""

    def __init__(self) -> None:
        allowed = "fewer live games on this server (finish or delete games; finished ones expire)"
        super().__init__("games", MAX_GAMES, allowed)


class ClassroomService:
    """Holds the games, applies actions, persists them and pushes views to screens.

    Parameters
    ----------
    store
        Persistence of the games.
    presets_dir
        Folder of the preset files.
    clock
        Current time [s since the epoch].
    bid_rate
        Rate limit of bid submissions per seat (``limits`` notation, a moving window).
    game_ttl_s
        Time a finished game is kept after its last activity [s].
    idle_ttl_s
        Time any game is kept without activity [s].
    """

    def __init__(
        self,
        store: GameStore,
        presets_dir: Path,
        clock: Callable[[], float],
        bid_rate: str = "10 per 5 seconds",
        game_ttl_s: float = 24 * 3600.0,
        idle_ttl_s: float = 72 * 3600.0,
    ) -> None:
        self.store = store
        self.presets_dir = presets_dir
        self.clock = clock
        self.bid_limit: RateLimitItem = parse(bid_rate)
        self.bid_limiter = MovingWindowRateLimiter(MemoryStorage())
        self.channels = Channels()
        self.games: dict[str, Game] = {}
        self.game_ttl_s = game_ttl_s
        self.idle_ttl_s = idle_ttl_s
        self.active_s: dict[str, float] = {}
        self._active_written_s: dict[str, float] = {}
        self._presets: tuple[tuple[tuple[str, int], ...], dict[str, Preset]] | None = None
        self._wake: asyncio.Event | None = None
        now = clock()
        self._next_expiry_s = now + EXPIRY_CHECK_S
        store.delete_expired(now - game_ttl_s, now - idle_ttl_s)
        for code in store.codes():
            game = store.load(code)
            if game is None:
                continue
            if game.is_due(now):
                game.header.deadline_unix_s = now + RESTART_GRACE_S
                store.save_header(game)
            self.games[code] = game
            self.active_s[code] = now

    # ------------------------------------------------------------------ lookups
    def presets(self) -> dict[str, Preset]:
        """The presets on offer, by name (read again only when a preset file changes)."""
        stamp = tuple(
            (p.name, p.stat().st_mtime_ns) for p in sorted(self.presets_dir.glob("*.yaml"))
        )
        if self._presets is None or self._presets[0] != stamp:
            self._presets = (stamp, list_presets(self.presets_dir))
        return self._presets[1]

    def game(self, code: str) -> Game:
        """A game by join code (its overdue round is cleared first).

        Raises
        ------
        UnknownGameError
        """
        game = self.games.get(normalise_code(code))
        if game is None:
            raise UnknownGameError(code[:16])
        if game.is_due(self.clock()):
            self._clear(game)
        return game

    def bid_wait_s(self, game: Game, seat: int) -> int:
        """Count a bid of a seat: 0 when allowed, else the seconds until the next is allowed."""
        key = (game.code, str(seat))
        if self.bid_limiter.hit(self.bid_limit, *key):
            return 0
        reset = self.bid_limiter.get_window_stats(self.bid_limit, *key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def is_instructor(self, game: Game, token: str | None) -> bool:
        """Whether a token is the game's instructor token."""
        return token_matches(token, game.header.instructor_hash)

    def seat_of(self, game: Game, token: str | None) -> int | None:
        """The seat a seat token belongs to, or ``None``."""
        return find_token(token, [(s.index, s.token_hash) for s in game.seats])

    # ------------------------------------------------------------------ actions
    def create(
        self,
        preset_name: str,
        *,
        seats: int | None,
        rounds: int | None,
        round_seconds: float | None,
        bot_strategy: str | None,
        bots_enabled: bool,
        practice_round: bool = False,
    ) -> tuple[Game, str]:
        """Create a game; returns it and its instructor token (shown once, never stored)."""
        presets = self.presets()
        if preset_name not in presets:
            raise ClassroomInputError("preset", preset_name, f"one of {sorted(presets)}")
        if len(self.games) >= MAX_GAMES:
            self.expire()
        if len(self.games) >= MAX_GAMES:
            raise TooManyGamesError()
        token = new_token()
        code = new_join_code(lambda c: c in self.games or self.store.code_exists(c))
        game = Game.create(
            code,
            presets[preset_name],
            token_hash(token),
            self.clock(),
            n_seats=seats,
            n_rounds=rounds,
            round_seconds=round_seconds,
            bot_strategy=bot_strategy,
            bots_enabled=bots_enabled,
            practice_round=practice_round,
        )
        self.store.insert_game(game)
        self.games[code] = game
        self.touch(game)
        return game, token

    def delete(self, game: Game) -> None:
        """Delete a game now: its screens are closed and its rows removed from the database."""
        self._drop([game.code])
        self.store.delete_games([game.code])

    def _drop(self, codes: Sequence[str]) -> None:
        for code in codes:
            self.games.pop(code, None)
            self.active_s.pop(code, None)
            self._active_written_s.pop(code, None)
            for sub in self.channels.subscribers(code):
                sub.close()

    def touch(self, game: Game) -> None:
        """Note activity in a game (written to the database at most once a minute)."""
        now = self.clock()
        self.active_s[game.code] = now
        if now - self._active_written_s.get(game.code, -math.inf) >= ACTIVITY_WRITE_S:
            self.store.save_activity(game.code, now)
            self._active_written_s[game.code] = now

    def expired(self, now: float) -> list[str]:
        """Join codes of the games that have expired by ``now``."""
        codes = []
        for code, game in self.games.items():
            idle_s = now - self.active_s.get(code, game.header.created_unix_s)
            if idle_s > self.idle_ttl_s or (game.status == "finished" and idle_s > self.game_ttl_s):
                codes.append(code)
        return codes

    def expire(self) -> list[str]:
        """Delete the expired games; returns their join codes."""
        now = self.clock()
        self._next_expiry_s = now + EXPIRY_CHECK_S
        codes = self.expired(now)
        if codes:
            self._drop(codes)
            self.store.delete_games(codes)
        return codes

    def join(
        self, code: str, name: object, cookie_token: str | None, claim: str | None
    ) -> tuple[Game, int, str | None]:
        """Seat a player.

        A valid seat cookie of this game returns the player to their seat; a claim token (from
        the instructor's reassign) takes that seat; otherwise the first free seat is taken.

        Returns
        -------
        game, seat, token
            ``token`` is the new seat token to set as a cookie (``None`` on a rejoin).
        """
        game = self.game(code)
        seat = self.seat_of(game, cookie_token)
        if seat is not None:
            return game, seat, None
        if claim:
            seat = self.seat_of(game, claim)
            if seat is None:
                raise ClassroomInputError("claim", "<token>", "a valid claim link of this game")
            return game, seat, claim
        token = new_token()
        taken = game.join(name, token_hash(token), self.clock())
        self.store.save_seat(game, taken)
        self.publish(game)
        return game, taken.index, token

    def submit(self, game: Game, seat: int, orders: Sequence[Mapping[str, object]]) -> Any:
        """Validate, persist, then record a player's bid; returns the bid."""
        bid = game.prepare_bid(seat, orders, self.clock())
        self.store.insert_bid(game, bid)
        game.record(bid)
        self.publish(game, players=False)
        return bid

    def control(self, game: Game, action: str, seconds: float | None = None) -> None:
        """Instructor actions: ``start``, ``pause``, ``resume``, ``advance``, ``extend``,
        ``finish``."""
        now = self.clock()
        if action == "extend":
            game.extend(float(seconds if seconds is not None else 30.0), now)
        elif action == "start":
            game.start(now)
        elif action == "pause":
            game.pause(now)
        elif action == "resume":
            game.resume(now)
        elif action == "finish":
            game.finish()
        elif action == "advance":
            cleared = game.advance(now)
            if cleared is not None:
                self.store.save_clearing(game, *cleared)
                self.publish(game)
                self.wake()
                return
        else:
            allowed = "start, pause, resume, advance, extend or finish"
            raise ClassroomInputError("action", action, allowed)
        self.store.save_header(game)
        self.publish(game)
        self.wake()

    def set_params(self, game: Game, changes: Mapping[str, object]) -> None:
        """Change the rules for the coming rounds."""
        game.set_params(changes)
        self.store.save_header(game)
        self.publish(game)

    def set_bots(self, game: Game, enabled: bool) -> None:
        """Switch bots on or off."""
        game.set_bots(enabled)
        self.store.save_header(game)
        self.publish(game)

    def set_leaderboard_hidden(self, game: Game, hidden: bool) -> None:
        """Hide or show the leaderboard."""
        game.set_leaderboard_hidden(hidden)
        self.store.save_header(game)
        self.publish(game)

    def free_seat(self, game: Game, seat: int) -> None:
        """Remove a seat's player; a bot takes over while bots are on."""
        self.store.save_seat(game, game.free_seat(seat))
        self._close_player(game, seat)
        self.publish(game)

    def reassign_seat(self, game: Game, seat: int, name: object) -> str:
        """Give a seat a new token for a new device or player; returns the claim token."""
        token = new_token()
        self.store.save_seat(game, game.reassign_seat(seat, token_hash(token), name, self.clock()))
        self._close_player(game, seat)
        self.publish(game)
        return token

    def _close_player(self, game: Game, seat: int) -> None:
        for sub in self.channels.subscribers(game.code):
            if sub.role == "player" and sub.seat == seat:
                sub.close()

    def _clear(self, game: Game) -> None:
        result, bot_bids = game.clear(self.clock())
        self.store.save_clearing(game, result, bot_bids)
        self.publish(game)

    def tick(self) -> int:
        """Clear every game whose deadline has passed; returns how many were cleared."""
        now = self.clock()
        due = [g for g in self.games.values() if g.is_due(now)]
        for game in due:
            self._clear(game)
        return len(due)

    # ---------------------------------------------------------------- screens
    def view_text(self, game: Game, sub: Subscriber, public_text: str | None = None) -> str:
        """The view of one screen as JSON text."""
        now = self.clock()
        public = public_text if public_text is not None else to_json(public_view(game, now))
        head = f'{{"kind":"view","role":"{sub.role}","public":{public}'
        if sub.role == "player" and sub.seat is not None:
            return head + ',"me":' + to_json(player_view(game, sub.seat, now)) + "}"
        if sub.role == "instructor":
            return head + ',"instructor":' + to_json(instructor_view(game, now)) + "}"
        if sub.role == "projector":
            return head + ',"lobby":' + to_json(lobby_view(game)) + "}"
        return head + "}"

    def publish(self, game: Game, players: bool = True) -> None:
        """Push the game's new views to its screens (players only when ``players``)."""
        self.touch(game)
        subs = self.channels.subscribers(game.code)
        if not subs:
            return
        public = to_json(public_view(game, self.clock()))
        shared: dict[str, str] = {}
        for sub in subs:
            if sub.role == "player":
                if players:
                    sub.push(self.view_text(game, sub, public))
                continue
            if sub.role not in shared:
                shared[sub.role] = self.view_text(game, sub, public)
            sub.push(shared[sub.role])

    # ------------------------------------------------------------------ timers
    def wake(self) -> None:
        """Tell the timer task that a deadline changed."""
        if self._wake is not None:
            self._wake.set()

    def next_deadline(self) -> float | None:
        """The earliest deadline of an open round."""
        deadlines = [
            g.header.deadline_unix_s
            for g in self.games.values()
            if g.status == "open" and g.header.deadline_unix_s is not None
        ]
        return min(deadlines) if deadlines else None

    async def run_timers(self, max_sleep_s: float = 1.0) -> None:
        """Clear rounds at their deadlines until cancelled."""
        self._wake = asyncio.Event()
        while True:
            self._wake.clear()
            self.tick()
            if self.clock() >= self._next_expiry_s:
                self.expire()
            deadline = self.next_deadline()
            sleep = max_sleep_s
            if deadline is not None:
                sleep = min(max_sleep_s, max(0.0, deadline - self.clock()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=sleep)
