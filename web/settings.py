"""Settings of the web app: where it listens, where it keeps data, how it paces runs."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from market import api as market_api


def default_configs_dir() -> Path:
    """Return the repository's ``configs`` folder (the example scenarios)."""
    return Path(market_api.__file__).resolve().parents[1] / "configs"


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
