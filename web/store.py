"""SQLite persistence: run metadata, event logs and result files.

One short-lived connection per operation (safe from any thread); the database runs in WAL mode so
readers never wait for the writer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast, get_args

from market.api import SqliteFile

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    scenario TEXT NOT NULL,
    source TEXT NOT NULL,
    config_json TEXT NOT NULL,
    state TEXT NOT NULL,
    created_unix_s REAL NOT NULL,
    finished_unix_s REAL,
    horizon_h REAL NOT NULL,
    now_h REAL NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0,
    engine_compute_s REAL NOT NULL DEFAULT 0,
    parks_json TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    summary_json TEXT
);
CREATE TABLE IF NOT EXISTS run_files (
    run_id TEXT NOT NULL REFERENCES runs(id),
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (run_id, name)
);
CREATE TABLE IF NOT EXISTS events (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
"""

#: States a run can be in: live ones, then final ones. ``cancelled`` is a user's stop;
#: ``interrupted`` is a stop by the server (shut down or gone) and must be started again.
RunState = Literal["queued", "running", "paused", "finished", "failed", "cancelled", "interrupted"]
RUN_STATES: tuple[str, ...] = get_args(RunState)
LIVE_STATES = RUN_STATES[:3]
FINAL_STATES = RUN_STATES[3:]


def _utc_text(unix_s: float) -> str:
    return datetime.fromtimestamp(unix_s, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def interruption_reason(
    now_h: float,
    horizon_h: float,
    *,
    stopped_unix_s: float | None = None,
    found_unix_s: float | None = None,
) -> str:
    """Say why a run is ``interrupted``, where it was, and that it must be started again.

    Parameters
    ----------
    now_h, horizon_h
        The run's last recorded simulation hour and its horizon [h].
    stopped_unix_s
        When the server stopped the run (a clean shutdown).
    found_unix_s
        When a later server process found the run unfinished (the earlier one ended without
        stopping it).
    """
    where = f"while the run was at hour {now_h:g} of {horizon_h:g}"
    if stopped_unix_s is not None:
        return f"the server stopped at {_utc_text(stopped_unix_s)} {where}; start it again"
    found = "" if found_unix_s is None else f" (found at start-up, {_utc_text(found_unix_s)})"
    return f"the server stopped {where}{found}; start it again"


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A run as stored in the database."""

    id: str
    scenario: str
    source: str
    state: RunState
    created_unix_s: float
    finished_unix_s: float | None
    horizon_h: float
    now_h: float
    last_seq: int
    engine_compute_s: float
    parks: list[dict[str, Any]]
    error: str | None
    has_summary: bool


_RUN_COLUMNS = (
    "id, scenario, source, state, created_unix_s, finished_unix_s, horizon_h, now_h, last_seq, "
    "engine_compute_s, parks_json, error, summary_json IS NOT NULL"
)


def _state(text: str) -> RunState:
    if text in RUN_STATES:
        return cast(RunState, text)
    raise ValueError(f"runs.state: got {text!r}; allowed: one of {RUN_STATES}")


def _record(row: Sequence[Any]) -> RunRecord:
    return RunRecord(
        id=row[0],
        scenario=row[1],
        source=row[2],
        state=_state(row[3]),
        created_unix_s=row[4],
        finished_unix_s=row[5],
        horizon_h=row[6],
        now_h=row[7],
        last_seq=row[8],
        engine_compute_s=row[9],
        parks=json.loads(row[10]),
        error=row[11],
        has_summary=bool(row[12]),
    )


class RunStore(SqliteFile):
    """Run metadata, events and result files in one SQLite file.

    Parameters
    ----------
    path
        Database file; its folder is created when missing.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path, SCHEMA)

    def mark_interrupted(self) -> int:
        """Mark runs left unfinished by a previous server process as ``interrupted``.

        Each gets a reason naming the hour it had reached (see :func:`interruption_reason`).

        Returns
        -------
        int
            Number of runs marked.
        """
        found_unix_s = time.time()
        marks = ",".join("?" * len(LIVE_STATES))
        with self._connect() as db:
            rows = db.execute(
                f"SELECT id, now_h, horizon_h FROM runs WHERE state IN ({marks})", LIVE_STATES
            ).fetchall()
            db.executemany(
                f"UPDATE runs SET state='interrupted', error=?, finished_unix_s=? "
                f"WHERE id=? AND state IN ({marks})",
                [
                    (
                        interruption_reason(now_h, horizon_h, found_unix_s=found_unix_s),
                        found_unix_s,
                        run_id,
                        *LIVE_STATES,
                    )
                    for run_id, now_h, horizon_h in rows
                ],
            )
        return len(rows)

    def interrupt_run(self, run_id: str, reason: str) -> bool:
        """Mark one run ``interrupted`` with ``reason`` unless it has already ended.

        Returns
        -------
        bool
            Whether the run was still live (and is now marked).
        """
        marks = ",".join("?" * len(LIVE_STATES))
        with self._connect() as db:
            cur = db.execute(
                f"UPDATE runs SET state='interrupted', error=?, finished_unix_s=? "
                f"WHERE id=? AND state IN ({marks})",
                (reason, time.time(), run_id, *LIVE_STATES),
            )
            return cur.rowcount > 0

    def insert_run(
        self,
        run_id: str,
        scenario: str,
        source: str,
        config: dict[str, Any],
        horizon_h: float,
        parks: list[dict[str, Any]],
        created_unix_s: float,
    ) -> None:
        """Record a new run in state ``queued``."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO runs (id, scenario, source, config_json, state, created_unix_s, "
                "horizon_h, parks_json) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
                (
                    run_id,
                    scenario,
                    source,
                    json.dumps(config, sort_keys=True),
                    created_unix_s,
                    horizon_h,
                    json.dumps(parks),
                ),
            )

    def update_progress(
        self, run_id: str, state: RunState, now_h: float, last_seq: int, engine_compute_s: float
    ) -> None:
        """Store a run's state and progress."""
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET state=?, now_h=?, last_seq=?, engine_compute_s=? WHERE id=?",
                (state, now_h, last_seq, engine_compute_s, run_id),
            )

    def finish_run(
        self,
        run_id: str,
        state: RunState,
        error: str | None = None,
        summary: dict[str, Any] | None = None,
        files: dict[str, bytes] | None = None,
    ) -> None:
        """Store a run's final state, its summary and its result files in one transaction."""
        with self._connect() as db:
            db.execute(
                "UPDATE runs SET state=?, error=?, summary_json=?, finished_unix_s=? WHERE id=?",
                (
                    state,
                    error,
                    None if summary is None else json.dumps(summary, sort_keys=True),
                    time.time(),
                    run_id,
                ),
            )
            db.executemany(
                "INSERT OR REPLACE INTO run_files (run_id, name, content) VALUES (?, ?, ?)",
                [(run_id, name, content) for name, content in (files or {}).items()],
            )

    def append_events(self, run_id: str, events: Sequence[tuple[int, str, str]]) -> None:
        """Append ``(seq, kind, json text)`` events to a run's event log."""
        with self._connect() as db:
            db.executemany(
                "INSERT OR REPLACE INTO events (run_id, seq, kind, text) VALUES (?, ?, ?, ?)",
                [(run_id, seq, kind, text) for seq, kind, text in events],
            )

    def read_events(
        self, run_id: str, after_seq: int, limit: int, before_seq: int | None = None
    ) -> list[tuple[int, str, str]]:
        """Return up to ``limit`` events ``(seq, kind, text)`` of a run, in order.

        Parameters
        ----------
        after_seq
            Only events with ``seq > after_seq``.
        before_seq
            Only events with ``seq < before_seq`` (no upper bound when ``None``).
        """
        upper = 2**62 if before_seq is None else before_seq
        with self._connect() as db:
            rows = db.execute(
                "SELECT seq, kind, text FROM events WHERE run_id=? AND seq>? AND seq<? "
                "ORDER BY seq LIMIT ?",
                (run_id, after_seq, upper, limit),
            ).fetchall()
        return [(int(seq), str(kind), str(text)) for seq, kind, text in rows]

    def get_run(self, run_id: str) -> RunRecord | None:
        """Return one run, or ``None`` when unknown."""
        with self._connect() as db:
            row = db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id=?", (run_id,)).fetchone()
        return None if row is None else _record(row)

    def list_runs(self, limit: int = 100) -> list[RunRecord]:
        """Return the most recent runs, newest first."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY created_unix_s DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_record(r) for r in rows]

    def get_config(self, run_id: str) -> dict[str, Any] | None:
        """Return the scenario a run was started with (as JSON data), or ``None`` when unknown."""
        with self._connect() as db:
            row = db.execute("SELECT config_json FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            return None
        config: dict[str, Any] = json.loads(row[0])
        return config

    def get_summary(self, run_id: str) -> dict[str, Any] | None:
        """Return a finished run's summary, or ``None``."""
        with self._connect() as db:
            row = db.execute("SELECT summary_json FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None or row[0] is None:
            return None
        summary: dict[str, Any] = json.loads(row[0])
        return summary

    def list_files(self, run_id: str) -> list[str]:
        """Return the names of a run's stored result files."""
        with self._connect() as db:
            rows = db.execute("SELECT name FROM run_files WHERE run_id=?", (run_id,)).fetchall()
        return [str(row[0]) for row in rows]

    def get_file(self, run_id: str, name: str) -> bytes | None:
        """Return one result file of a run, or ``None``."""
        with self._connect() as db:
            row = db.execute(
                "SELECT content FROM run_files WHERE run_id=? AND name=?", (run_id, name)
            ).fetchone()
        return None if row is None else bytes(row[0])
