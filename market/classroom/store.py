"""SQLite persistence of classroom games: header, seats, every bid and every round result.

One short-lived connection per operation, WAL journal, ``synchronous=NORMAL`` (a commit survives
the server process being killed). A bid is committed before the server acknowledges it, so a
restarted server resumes every game with every acknowledged bid. The tables live in the same
database file as the web app's runs (names start with ``classroom_``).

Games expire: :meth:`GameStore.delete_expired` deletes finished games whose last activity is
older than one limit and any game idle for longer than another (a game without a recorded
activity counts from its creation).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from market.classroom.bids import BidOrder, SubmittedBid
from market.classroom.game import Game, GameHeader, Seat
from market.classroom.presets import Preset
from market.classroom.rounds import RoundResult
from market.sqlite_file import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS classroom_games (
    code TEXT PRIMARY KEY,
    preset_json TEXT NOT NULL,
    header_json TEXT NOT NULL,
    created_unix_s REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS classroom_seats (
    code TEXT NOT NULL,
    seat INTEGER NOT NULL,
    type_name TEXT NOT NULL,
    firm TEXT NOT NULL,
    player TEXT,
    token_hash TEXT,
    joined_unix_s REAL,
    PRIMARY KEY (code, seat)
);
CREATE TABLE IF NOT EXISTS classroom_bids (
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    round INTEGER NOT NULL,
    seat INTEGER NOT NULL,
    source TEXT NOT NULL,
    orders_json TEXT NOT NULL,
    submitted_unix_s REAL NOT NULL,
    PRIMARY KEY (code, seq)
);
CREATE TABLE IF NOT EXISTS classroom_activity (
    code TEXT PRIMARY KEY,
    active_unix_s REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS classroom_rounds (
    code TEXT NOT NULL,
    round INTEGER NOT NULL,
    result_json TEXT NOT NULL,
    PRIMARY KEY (code, round)
);
"""


#: Tables holding a game's rows (each has a ``code`` column).
GAME_TABLES = (
    "classroom_games",
    "classroom_seats",
    "classroom_bids",
    "classroom_rounds",
    "classroom_activity",
)
EXPIRED_SQL = """
SELECT g.code FROM classroom_games AS g LEFT JOIN classroom_activity AS a ON a.code = g.code
WHERE (json_extract(g.header_json, '$.status') = 'finished'
       AND COALESCE(a.active_unix_s, g.created_unix_s) < ?)
   OR COALESCE(a.active_unix_s, g.created_unix_s) < ?
"""


def _bid_row(code: str, bid: SubmittedBid) -> tuple[object, ...]:
    orders = json.dumps([o.as_dict() for o in bid.orders])
    return (code, bid.seq, bid.round, bid.seat, bid.source, orders, bid.submitted_unix_s)


class GameStore(SqliteFile):
    """Classroom games in one SQLite file.

    Parameters
    ----------
    path
        Database file; its folder is created when missing.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, SCHEMA)

    @staticmethod
    def _header(db: sqlite3.Connection, game: Game) -> None:
        db.execute(
            "UPDATE classroom_games SET header_json=? WHERE code=?",
            (json.dumps(game.header.to_dict()), game.code),
        )

    def insert_game(self, game: Game) -> None:
        """Store a new game with its seats."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO classroom_games (code, preset_json, header_json, created_unix_s) "
                "VALUES (?, ?, ?, ?)",
                (
                    game.code,
                    game.preset.model_dump_json(),
                    json.dumps(game.header.to_dict()),
                    game.header.created_unix_s,
                ),
            )
            db.executemany(
                "INSERT INTO classroom_seats (code, seat, type_name, firm) VALUES (?, ?, ?, ?)",
                [(game.code, s.index, s.type_name, s.firm) for s in game.seats],
            )

    def code_exists(self, code: str) -> bool:
        """Whether a game has this join code."""
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM classroom_games WHERE code=?", (code,)).fetchone()
        return row is not None

    def save_header(self, game: Game) -> None:
        """Store the game's state and rules."""
        with self._connect() as db:
            self._header(db, game)

    def save_seat(self, game: Game, seat: Seat) -> None:
        """Store a seat's player and token hash (and the header, whose version changed)."""
        with self._connect() as db:
            db.execute(
                "UPDATE classroom_seats SET player=?, token_hash=?, joined_unix_s=? "
                "WHERE code=? AND seat=?",
                (seat.player, seat.token_hash, seat.joined_unix_s, game.code, seat.index),
            )
            self._header(db, game)

    def insert_bid(self, game: Game, bid: SubmittedBid) -> None:
        """Commit a bid (call before acknowledging it)."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO classroom_bids VALUES (?, ?, ?, ?, ?, ?, ?)", _bid_row(game.code, bid)
            )

    def save_clearing(
        self, game: Game, result: RoundResult, bot_bids: Sequence[SubmittedBid]
    ) -> None:
        """Store a cleared round, the bots' bids and the new state in one transaction."""
        with self._connect() as db:
            db.executemany(
                "INSERT INTO classroom_bids VALUES (?, ?, ?, ?, ?, ?, ?)",
                [_bid_row(game.code, bid) for bid in bot_bids],
            )
            db.execute(
                "INSERT OR REPLACE INTO classroom_rounds (code, round, result_json) "
                "VALUES (?, ?, ?)",
                (game.code, result.round, json.dumps(result.to_dict())),
            )
            self._header(db, game)

    def save_activity(self, code: str, active_unix_s: float) -> None:
        """Record the time of a game's latest activity [s since the epoch]."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO classroom_activity (code, active_unix_s) VALUES (?, ?)",
                (code, active_unix_s),
            )

    def delete_games(self, codes: Sequence[str]) -> None:
        """Delete games with every seat, bid, round and activity record, in one transaction."""
        rows = [(code,) for code in codes]
        with self._connect() as db:
            for table in GAME_TABLES:
                db.executemany(f"DELETE FROM {table} WHERE code=?", rows)

    def delete_expired(self, finished_before_unix_s: float, idle_before_unix_s: float) -> list[str]:
        """Delete finished games last active before one time and games idle since another.

        Returns
        -------
        list of str
            The join codes of the deleted games.
        """
        with self._connect() as db:
            rows = db.execute(EXPIRED_SQL, (finished_before_unix_s, idle_before_unix_s)).fetchall()
        codes = [str(r[0]) for r in rows]
        if codes:
            self.delete_games(codes)
        return codes

    def codes(self) -> list[str]:
        """Join codes of every stored game, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT code FROM classroom_games ORDER BY created_unix_s").fetchall()
        return [str(r[0]) for r in rows]

    def load(self, code: str) -> Game | None:
        """Rebuild a game from the database, or ``None`` when unknown."""
        with self._connect() as db:
            row = db.execute(
                "SELECT preset_json, header_json FROM classroom_games WHERE code=?", (code,)
            ).fetchone()
            if row is None:
                return None
            seats = db.execute(
                "SELECT seat, type_name, firm, player, token_hash, joined_unix_s "
                "FROM classroom_seats WHERE code=? ORDER BY seat",
                (code,),
            ).fetchall()
            bids = db.execute(
                "SELECT seq, round, seat, source, orders_json, submitted_unix_s "
                "FROM classroom_bids WHERE code=? ORDER BY seq",
                (code,),
            ).fetchall()
            rounds = db.execute(
                "SELECT result_json FROM classroom_rounds WHERE code=? ORDER BY round", (code,)
            ).fetchall()
        preset = Preset.model_validate_json(row[0])
        header = GameHeader.from_dict(json.loads(row[1]))
        return Game(
            header,
            preset,
            [Seat(int(s[0]), s[1], s[2], s[3], s[4], s[5]) for s in seats],
            [
                SubmittedBid(
                    int(b[0]),
                    int(b[1]),
                    int(b[2]),
                    tuple(BidOrder(**o) for o in json.loads(b[4])),
                    str(b[3]),
                    float(b[5]),
                )
                for b in bids
            ],
            [RoundResult.from_dict(json.loads(r[0])) for r in rounds],
        )
