"""Settings of the web app: where it listens, where it keeps data, how it paces runs."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


def default_configs_dir() -> Path:
    """Return the repository's ``configs`` folder (the example scenarios)."""
    return Path(__file__).resolve().parents[1] / "configs"  # next to the packages


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    """Whether an address or name stays on this machine (127.0.0.0/8, ::1, ``localhost``)."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class WebSettings(BaseModel):
    """Settings of one web app instance.

    Attributes
    ----------
    host, port
        Address uvicorn listens on.
    db_path
        SQLite database with run metadata, event logs and result files.
    configs_dir
        Folder whose ``*.yaml`` files are offered as example scenarios.
    results_dir
        Folder where each finished run's result files are written (``<results_dir>/<run id>/``).
    pace_h_per_s
        Default pace of a run: simulated hours per wall-clock second (0 = as fast as possible).
    client_queue_events
        Events a websocket client may fall behind the live stream before the oldest are dropped
        and it is sent a ``lagged`` notice.
    replay_buffer_events
        Events of each live run kept in memory for clients that connect late or reconnect; older
        events are read back from the database.
    max_active_runs
        Runs that may be in progress at once (further starts get HTTP 429).
    send_batch_events
        Largest number of events a client's sender takes from the stream at one time.
    require_operator_token
        Guard the server as if it listened on a network address even on loopback (runs, studies,
        clearing and admin operations need the operator token; classroom rate limits apply).
    operator_token
        Secret of the operator (``Authorization: Bearer <token>``); one is made when missing.
    allowed_hosts
        ``Host`` names the server answers besides its bind address and, on loopback, the
        localhost names (``*`` answers any name).
    max_body_bytes
        Largest request body [bytes] (413 beyond it, counted as the body arrives).
    join_rate
        Join attempts per client (and look-ups of unknown join codes), ``limits`` notation.
    seat_claims_per_client
        Seats one client may take in one game.
    game_create_rate
        Games one client may create, ``limits`` notation.
    game_ttl_h
        Hours a finished game is kept before it is deleted.
    idle_game_ttl_h
        Hours a game without any activity is kept before it is deleted.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    db_path: Path = Path("results/greenmarket-web.sqlite3")
    configs_dir: Path = Field(default_factory=default_configs_dir)
    results_dir: Path = Path("results/web")
    pace_h_per_s: float = Field(default=24.0, ge=0.0, le=1e6)
    client_queue_events: int = Field(default=2000, ge=1, le=1_000_000)
    replay_buffer_events: int = Field(default=20_000, ge=1, le=10_000_000)
    max_active_runs: int = Field(default=4, ge=1, le=64)
    send_batch_events: int = Field(default=256, ge=1, le=100_000)
    require_operator_token: bool = False
    operator_token: SecretStr | None = None
    allowed_hosts: tuple[str, ...] = ()
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=256 * 1024 * 1024)
    join_rate: str = "30/minute"
    seat_claims_per_client: int = Field(default=2, ge=1, le=1000)
    game_create_rate: str = "10/hour"
    game_ttl_h: float = Field(default=24.0, gt=0.0, le=24.0 * 365)
    idle_game_ttl_h: float = Field(default=72.0, gt=0.0, le=24.0 * 365)

    @field_validator("join_rate", "game_create_rate")
    @classmethod
    def _rate(cls, text: str) -> str:
        from limits import parse as parse_rate_limit  # loads only when settings are built

        try:
            parse_rate_limit(text)
        except ValueError:
            raise ValueError("a rate such as '30/minute' or '10 per hour'") from None
        return text

    @field_validator("operator_token")
    @classmethod
    def _token(cls, token: SecretStr | None) -> SecretStr | None:
        if token is not None and not 16 <= len(token.get_secret_value()) <= 128:
            raise ValueError("a token of 16 to 128 characters")
        return token

    @property
    def guarded(self) -> bool:
        """Whether the operator token, rate limits and seat limits apply."""
        return self.require_operator_token or not is_loopback(self.host)
