"""The state of one classroom game and the actions that change it.

A game moves through ``lobby → open → (paused ↔ open) → cleared → open → … → finished``. Each
round opens with a deadline held by the game (a time stamp, not a timer): bids may be placed and
replaced until it passes; :meth:`Game.clear` then fills in bots for seats without a bid, clears
the book and settles. Every method takes the current time ``now`` [s since the epoch] from its
caller, so tests drive the game with a fake clock.

An optional practice round comes first: it is played and cleared like any other round, but its
profits count towards no total and no rank. ``n_rounds`` counts it; rounds from
``practice_rounds`` on are scored.

The game does no I/O: the caller persists what changed (see :mod:`market.classroom.store`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from market.classroom.bids import SubmittedBid, validate_bid
from market.classroom.bots import BotPlayer
from market.classroom.errors import ClassroomInputError, GameFullError, GameStateError
from market.classroom.presets import (
    BOT_STRATEGIES,
    MAX_SEATS,
    GameParams,
    GreenMarket,
    Preset,
    updated_params,
)
from market.classroom.rounds import RoundResult, clear_round
from market.classroom.values import Roster, RoundValues, build_roster, round_values

#: Longest player name [characters].
MAX_NAME_CHARS = 40
#: Most seconds an instructor may add to a deadline at once, or give a round.
MAX_EXTEND_S = 3600.0

STATUSES = ("lobby", "open", "paused", "cleared", "finished")


@dataclass
class Seat:
    """A seat: one firm, played by a person (``player`` set) or else by a bot.

    Attributes
    ----------
    index
        Seat number (0-based).
    type_name, firm
        Seat type and firm name.
    player
        The player's name, ``None`` for an empty seat.
    token_hash
        Hash of the seat token (the token itself is never stored).
    joined_unix_s
        When the player took the seat.
    """

    index: int
    type_name: str
    firm: str
    player: str | None = None
    token_hash: str | None = None
    joined_unix_s: float | None = None


@dataclass
class GameHeader:
    """Everything about a game that is not a seat, a bid or a round result."""

    code: str
    preset_name: str
    n_seats: int
    n_rounds: int
    round_seconds: float
    bot_strategy: str
    bots_enabled: bool
    leaderboard_hidden: bool
    params: GameParams
    created_unix_s: float
    instructor_hash: str
    seed: int
    status: str = "lobby"
    round: int = -1
    deadline_unix_s: float | None = None
    paused_remaining_s: float | None = None
    round_active: list[bool] = field(default_factory=list)
    version: int = 0
    practice_rounds: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        data["params"] = self.params.model_dump()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GameHeader:
        """Rebuild from :meth:`to_dict` output."""
        values = dict(data)
        values["params"] = GameParams.model_validate(values["params"])
        return cls(**values)


def clean_name(name: object) -> str:
    """A player's name, trimmed; it must be 1 to 40 printable characters."""
    if not isinstance(name, str):
        raise ClassroomInputError("name", name, "a text of 1 to 40 characters")
    text = " ".join(name.split())
    if not 1 <= len(text) <= MAX_NAME_CHARS or not text.isprintable():
        raise ClassroomInputError(
            "name", name, f"1 to {MAX_NAME_CHARS} printable characters (not only spaces)"
        )
    return text


class Game:
    """One classroom game: preset, rules, seats, bids and results.

    Parameters
    ----------
    header
        The game's settings and state.
    preset
        Its preset (kept with the game, so later edits of the preset file do not change it).
    seats
        One per seat.
    bids
        Every bid recorded, in any order (the last per round and seat stands).
    results
        Results of the rounds cleared so far, in round order.
    """

    def __init__(
        self,
        header: GameHeader,
        preset: Preset,
        seats: Sequence[Seat],
        bids: Sequence[SubmittedBid] = (),
        results: Sequence[RoundResult] = (),
    ) -> None:
        self.header = header
        self.preset = preset
        self.seats = list(seats)
        self.roster: Roster = build_roster(preset, header.n_seats)
        self.bid_log: list[SubmittedBid] = sorted(bids, key=lambda b: b.seq)
        self.standing: dict[int, dict[int, SubmittedBid]] = {}
        for bid in self.bid_log:
            self.standing.setdefault(bid.round, {})[bid.seat] = bid
        self.results = list(results)
        self.next_seq = (self.bid_log[-1].seq + 1) if self.bid_log else 1
        self._values: dict[tuple[int, str], RoundValues] = {}
        self._bots: BotPlayer | None = None

    # ----------------------------------------------------------------- creation
    @classmethod
    def create(
        cls,
        code: str,
        preset: Preset,
        instructor_hash: str,
        now: float,
        *,
        n_seats: int | None = None,
        n_rounds: int | None = None,
        round_seconds: float | None = None,
        bot_strategy: str | None = None,
        bots_enabled: bool = True,
        seed: int | None = None,
        practice_round: bool = False,
    ) -> Game:
        """A new game in the lobby.

        ``n_rounds`` counts the scored rounds; ``practice_round`` adds one unscored round before
        them.

        Raises
        ------
        ClassroomInputError
            For a seat count, round count, round length or bot strategy out of range.
        """
        seats = preset.default_seats if n_seats is None else n_seats
        if not 2 <= seats <= MAX_SEATS:
            raise ClassroomInputError("seats", n_seats, f"from 2 to {MAX_SEATS} seats")
        rounds = preset.rounds if n_rounds is None else n_rounds
        limit = preset.rounds if isinstance(preset.market, GreenMarket) else 30
        if not 1 <= rounds <= limit:
            raise ClassroomInputError("rounds", n_rounds, f"from 1 to {limit} rounds")
        seconds = preset.round_seconds if round_seconds is None else round_seconds
        if not (math.isfinite(seconds) and 1.0 <= seconds <= MAX_EXTEND_S):
            raise ClassroomInputError("round_seconds", round_seconds, "from 1 to 3600 seconds")
        strategy = preset.bot_strategy if bot_strategy is None else bot_strategy
        if strategy not in BOT_STRATEGIES:
            raise ClassroomInputError("bot_strategy", bot_strategy, f"one of {BOT_STRATEGIES}")
        practice = 1 if practice_round else 0
        header = GameHeader(
            code=code,
            preset_name=preset.name,
            n_seats=seats,
            n_rounds=rounds + practice,
            round_seconds=float(seconds),
            bot_strategy=strategy,
            bots_enabled=bots_enabled,
            leaderboard_hidden=True,
            params=preset.params,
            created_unix_s=now,
            instructor_hash=instructor_hash,
            seed=preset.seed if seed is None else int(seed),
            practice_rounds=practice,
        )
        game = cls(header, preset, [])
        game.seats = [Seat(i, game.roster.type_name[i], game.roster.firm[i]) for i in range(seats)]
        return game

    # ------------------------------------------------------------------ queries
    @property
    def code(self) -> str:
        """The join code."""
        return self.header.code

    @property
    def status(self) -> str:
        """``lobby``, ``open``, ``paused``, ``cleared`` or ``finished``."""
        return self.header.status

    def seat_label(self, index: int) -> str:
        """Label of a seat's type."""
        for t in self.preset.market.seat_types:
            if t.name == self.seats[index].type_name:
                return t.label
        return self.seats[index].type_name

    def is_practice(self, round_index: int) -> bool:
        """Whether a round is the unscored practice round."""
        return 0 <= round_index < self.header.practice_rounds

    def scored_results(self) -> list[RoundResult]:
        """Results of the cleared rounds that count (the practice round left out)."""
        return [r for r in self.results if not self.is_practice(r.round)]

    def period_index(self, round_index: int) -> int:
        """Green power: the period of the day a round plays (the practice round plays the
        first one, as does the first scored round)."""
        return max(0, round_index - self.header.practice_rounds)

    def controlled_by(self, index: int) -> str:
        """Who plays a seat: ``player``, ``bot`` or ``empty`` (no player and bots off)."""
        if self.seats[index].player is not None:
            return "player"
        return "bot" if self.header.bots_enabled else "empty"

    def active_now(self) -> NDArray[np.bool_]:
        """Seats that would take part in a round opened now."""
        return np.array(
            [s.player is not None or self.header.bots_enabled for s in self.seats], dtype=bool
        )

    def _active(self, round_index: int) -> NDArray[np.bool_]:
        if round_index < len(self.results):
            return np.array([s["active"] for s in self.results[round_index].seats], dtype=bool)
        if round_index == self.header.round and self.header.round_active:
            return np.array(self.header.round_active, dtype=bool)
        return self.active_now()

    def _params(self, round_index: int) -> GameParams:
        if round_index < len(self.results):
            return GameParams.model_validate(self.results[round_index].params)
        return self.header.params

    def values(self, round_index: int) -> RoundValues:
        """Private values of every seat in a round (past, current or the next one)."""
        params = self._params(round_index)
        active = self._active(round_index)
        key = (round_index, params.model_dump_json() + active.tobytes().hex())
        cached = self._values.get(key)
        if cached is not None:
            return cached
        soc = None
        drawn_round = round_index
        if isinstance(self.preset.market, GreenMarket):
            drawn_round = self.period_index(round_index)
            soc = np.zeros(self.header.n_seats)
            previous = round_index - 1
            if previous >= self.header.practice_rounds and previous < len(self.results):
                soc = np.array([s["soc_end_mwh"] for s in self.results[previous].seats])
        values = round_values(self.preset, params, self.roster, drawn_round, active, soc)
        if values.round != round_index:
            values = replace(values, round=round_index)
        if len(self._values) > 64:
            self._values.clear()
        self._values[key] = values
        return values

    def playing_round(self) -> int | None:
        """The round being played (open or paused), or the next one to open; ``None`` at the end."""
        if self.status in ("open", "paused"):
            return self.header.round
        nxt = self.header.round + 1
        return nxt if nxt < self.header.n_rounds and self.status != "finished" else None

    def seconds_left(self, now: float) -> float | None:
        """Seconds to the deadline (frozen while paused), ``None`` outside a round."""
        if self.status == "paused":
            return self.header.paused_remaining_s
        if self.status == "open" and self.header.deadline_unix_s is not None:
            return max(0.0, self.header.deadline_unix_s - now)
        return None

    def is_due(self, now: float) -> bool:
        """Whether the open round's deadline has passed."""
        deadline = self.header.deadline_unix_s
        return self.status == "open" and deadline is not None and now >= deadline

    def submitted(self) -> set[int]:
        """Seats with a player's bid in the round being played."""
        if self.status not in ("open", "paused"):
            return set()
        bids = self.standing.get(self.header.round, {})
        return {seat for seat, bid in bids.items() if bid.source == "player"}

    def standing_bid(self, seat: int, round_index: int) -> SubmittedBid | None:
        """A seat's standing bid in a round."""
        return self.standing.get(round_index, {}).get(seat)

    def last_price(self) -> float | None:
        """Price of the latest round that traded."""
        for result in reversed(self.results):
            if result.price is not None:
                return result.price
        return None

    def cumulative_profit(self) -> NDArray[np.float64]:
        """Profit of each seat summed over the cleared scored rounds [CNY]."""
        total = np.zeros(self.header.n_seats)
        for result in self.scored_results():
            total += np.array([s["profit_cny"] for s in result.seats])
        return total

    # ------------------------------------------------------------------ changes
    def _touch(self) -> None:
        self.header.version += 1

    def _need(self, action: str, *statuses: str) -> None:
        if self.status not in statuses:
            raise GameStateError(
                "status", self.status, f"{action} needs a game that is {' or '.join(statuses)}"
            )

    def join(self, name: object, token_hash: str, now: float) -> Seat:
        """Give a new player the first free seat.

        Raises
        ------
        GameFullError
            When every seat has a player.
        """
        player = clean_name(name)
        self._need("joining", "lobby", "open", "paused", "cleared")
        for seat in self.seats:
            if seat.player is None:
                seat.player, seat.token_hash, seat.joined_unix_s = player, token_hash, now
                self._touch()
                return seat
        raise GameFullError(self.header.n_seats)

    def _seat(self, index: int) -> Seat:
        if not 0 <= index < len(self.seats):
            raise ClassroomInputError("seat", index, f"a seat from 0 to {len(self.seats) - 1}")
        return self.seats[index]

    def free_seat(self, index: int) -> Seat:
        """Remove a seat's player (a bot plays it while bots are on); its token stops working."""
        seat = self._seat(index)
        seat.player, seat.token_hash, seat.joined_unix_s = None, None, None
        self._touch()
        return seat

    def reassign_seat(self, index: int, token_hash: str, name: object, now: float) -> Seat:
        """Give a seat a new token (and player name); the old token stops working."""
        seat = self._seat(index)
        seat.player, seat.token_hash, seat.joined_unix_s = clean_name(name), token_hash, now
        self._touch()
        return seat

    def _open(self, round_index: int, now: float) -> None:
        self.header.round = round_index
        self.header.status = "open"
        self.header.deadline_unix_s = now + self.header.round_seconds
        self.header.paused_remaining_s = None
        self.header.round_active = self.active_now().tolist()
        self._touch()

    def start(self, now: float) -> None:
        """Open the first round."""
        self._need("start", "lobby")
        self._open(0, now)

    def pause(self, now: float) -> None:
        """Stop the countdown of the open round."""
        self._need("pause", "open")
        self.header.paused_remaining_s = self.seconds_left(now)
        self.header.status = "paused"
        self.header.deadline_unix_s = None
        self._touch()

    def resume(self, now: float) -> None:
        """Restart the countdown where it stopped."""
        self._need("resume", "paused")
        self.header.deadline_unix_s = now + float(self.header.paused_remaining_s or 0.0)
        self.header.paused_remaining_s = None
        self.header.status = "open"
        self._touch()

    def extend(self, seconds: float, now: float) -> None:
        """Add time to the open (or paused) round."""
        if not (math.isfinite(seconds) and 0 < seconds <= MAX_EXTEND_S):
            raise ClassroomInputError("seconds", seconds, "from 0 (excluded) to 3600 seconds")
        self._need("extend", "open", "paused")
        if self.status == "paused":
            self.header.paused_remaining_s = float(self.header.paused_remaining_s or 0) + seconds
        else:
            assert self.header.deadline_unix_s is not None
            self.header.deadline_unix_s = max(self.header.deadline_unix_s, now) + seconds
        self._touch()

    def set_params(self, changes: Mapping[str, object]) -> GameParams:
        """Change the rules for the rounds to come (between rounds only)."""
        self._need("changing the rules", "lobby", "cleared")
        self.header.params = updated_params(self.preset, self.header.params, dict(changes))
        self._touch()
        return self.header.params

    def set_bots(self, enabled: bool) -> None:
        """Switch bots on or off (from the next clearing on)."""
        self.header.bots_enabled = bool(enabled)
        self._touch()

    def set_leaderboard_hidden(self, hidden: bool) -> None:
        """Hide or show the leaderboard to players (it is always shown once the game ends)."""
        self.header.leaderboard_hidden = bool(hidden)
        self._touch()

    def prepare_bid(
        self, seat: int, raw_orders: Sequence[Mapping[str, object]], now: float
    ) -> SubmittedBid:
        """Check a player's bid for the open round and return it, without recording it.

        Raises
        ------
        GameStateError
            Outside an open round, after the deadline, or for a seat not in play this round.
        BidError
            When the bid breaks the rules (see :func:`market.classroom.bids.validate_bid`).
        """
        self._seat(seat)
        self._need("bidding", "open")
        if self.is_due(now):
            raise GameStateError("deadline", self.header.deadline_unix_s, "a bid before it")
        values = self.values(self.header.round)
        if not values.active[seat]:
            raise GameStateError("seat", seat, "a seat that takes part in this round")
        params = self.header.params
        orders = validate_bid(
            raw_orders,
            float(values.max_buy[seat]),
            float(values.max_sell[seat]),
            params.price_floor_cny_per_unit,
            params.price_cap_cny_per_unit,
            self.preset.unit,
        )
        return SubmittedBid(self.next_seq, self.header.round, seat, orders, "player", now)

    def submit(
        self, seat: int, raw_orders: Sequence[Mapping[str, object]], now: float
    ) -> SubmittedBid:
        """Check and record a player's bid (it replaces the seat's earlier bid this round)."""
        bid = self.prepare_bid(seat, raw_orders, now)
        self.record(bid)
        return bid

    def record(self, bid: SubmittedBid) -> None:
        """Add a bid to the log and make it the seat's standing bid."""
        self.bid_log.append(bid)
        self.standing.setdefault(bid.round, {})[bid.seat] = bid
        self.next_seq = max(self.next_seq, bid.seq + 1)
        self._touch()

    def _bot_player(self) -> BotPlayer:
        round_index = self.header.round
        bots = self._bots
        if bots is None or bots.rounds_played != round_index:
            bots = BotPlayer(self.header.bot_strategy, self.header.seed)
            last: float | None = None
            for past in self.results[:round_index]:
                bots.orders(self.values(past.round), self._params(past.round), last)
                bots.observe(past, [s["seat"] for s in past.seats if s["source"] == "bot"])
                last = past.price if past.price is not None else last
            self._bots = bots
        return bots

    def clear(self, now: float) -> tuple[RoundResult, list[SubmittedBid]]:
        """Close the open (or paused) round: bots bid for seats without a bid, then clear.

        Returns
        -------
        result
            The round's result (also appended to :attr:`results`).
        bot_bids
            The bids the bots placed (also recorded), for the caller to persist.
        """
        self._need("clearing", "open", "paused")
        r = self.header.round
        values = self.values(r)
        params = self.header.params
        bots = self._bot_player()
        bot_orders = bots.orders(values, params, self.last_price())
        standing = dict(self.standing.get(r, {}))
        bot_bids: list[SubmittedBid] = []
        if self.header.bots_enabled:
            for seat in range(self.header.n_seats):
                if values.active[seat] and seat not in standing:
                    orders = tuple(order for _row, order in bot_orders.get(seat, []))
                    bid = SubmittedBid(self.next_seq, r, seat, orders, "bot", now)
                    self.record(bid)
                    standing[seat] = bid
                    bot_bids.append(bid)
        result = clear_round(self.preset, params, values, standing, now)
        bots.observe(result, [b.seat for b in bot_bids])
        self.results.append(result)
        self.header.status = "cleared"
        self.header.deadline_unix_s = None
        self.header.paused_remaining_s = None
        self._touch()
        return result, bot_bids

    def advance(self, now: float) -> tuple[RoundResult, list[SubmittedBid]] | None:
        """Move on: clear an open round now, open the next round, or end after the last one.

        Returns
        -------
        The clearing (as :meth:`clear`) when a round was closed, else ``None``.
        """
        if self.status in ("open", "paused"):
            return self.clear(now)
        if self.status == "lobby":
            self.start(now)
            return None
        self._need("advance", "cleared")
        if self.header.round + 1 < self.header.n_rounds:
            self._open(self.header.round + 1, now)
        else:
            self.header.status = "finished"
            self._touch()
        return None

    def finish(self) -> None:
        """End the game now (the debrief shows the rounds cleared so far)."""
        self._need("finish", "lobby", "cleared")
        self.header.status = "finished"
        self._touch()

    def copy_header(self) -> GameHeader:
        """A copy of the header (for persisting a snapshot)."""
        return replace(self.header, round_active=list(self.header.round_active))
