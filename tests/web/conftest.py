"""Fixtures of the web tests: small scenarios, settings, an in-process client, a real server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from market.api import Simulation
from web.app import create_app
from web.settings import WebSettings, default_configs_dir

#: Horizon of the test scenario [h]: three days keep runs well under a second.
TINY_HORIZON_H = 72


def tiny_scenario(horizon_h: int = TINY_HORIZON_H) -> dict[str, Any]:
    """The quickstart scenario cut to ``horizon_h`` hours, as plain data."""
    data = yaml.safe_load((default_configs_dir() / "quickstart.yaml").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=lambda value: value.isoformat()))  # JSON-ready
    data["name"] = "tiny"
    data["time"]["horizon_h"] = horizon_h
    return dict(data)


@pytest.fixture
def configs_dir(tmp_path: Path) -> Path:
    """A configs folder with ``tiny`` (72 h), ``week`` (168 h) and an invalid example."""
    folder = tmp_path / "configs"
    folder.mkdir()
    (folder / "tiny.yaml").write_text(yaml.safe_dump(tiny_scenario()), encoding="utf-8")
    week = tiny_scenario(168)
    week["name"] = "week"
    (folder / "week.yaml").write_text(yaml.safe_dump(week), encoding="utf-8")
    (folder / "broken.yaml").write_text("name: broken\nparks: []\n", encoding="utf-8")
    return folder


@pytest.fixture
def settings(tmp_path: Path, configs_dir: Path) -> WebSettings:
    """Settings with a fresh database, unpaced runs by default and small queues."""
    return WebSettings(
        port=0,
        db_path=tmp_path / "web.sqlite3",
        configs_dir=configs_dir,
        results_dir=tmp_path / "results",
        pace_h_per_s=0.0,
        client_queue_events=1000,
        replay_buffer_events=5000,
        max_active_runs=3,
        allowed_hosts=("testserver",),  # the in-process client's host name
    )


class SyntheticMarketSimulation(Simulation):
    """The engine's simulation plus synthetic market events on its bus.

    Publishes ``green_power_cleared`` at the start of every day (premium 300 + 5 per day
    [CNY/MWh]) and ``rights_auction_cleared`` every 48 h (600 + 10 per auction [CNY/tce]).
    """

    def run(self, until_h: float | None = None, progress: Any = None) -> None:
        target = self.horizon_h if until_h is None else min(float(until_h), self.horizon_h)
        hour = int(self.now_h + 0.5)
        while hour < target:
            if hour % 24 == 0:
                day = hour // 24
                self.bus.publish(
                    "green_power_cleared",
                    float(hour),
                    {
                        "market": "green_power",
                        "zone": self.config.parks[0].name,
                        "period": day,
                        "price_cny_per_mwh": 300.0 + 5.0 * day,
                        "volume_mwh": 10.0 + day,
                    },
                )
            if hour % 48 == 0:
                auction = hour // 48
                self.bus.publish(
                    "rights_auction_cleared",
                    float(hour),
                    {
                        "price_cny_per_tce": 600.0 + 10.0 * auction,
                        "volume_tce": 50.0,
                        "year": 2025,
                        "month": 6,
                    },
                )
            hour += 1
        super().run(until_h=until_h, progress=progress)


@dataclass
class LiveServer:
    """A uvicorn server running the app on 127.0.0.1 in a background thread."""

    server: uvicorn.Server
    thread: threading.Thread
    port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def app(self) -> Any:
        return self.server.config.app

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


def start_server(settings: WebSettings, simulation_factory: Any = None) -> LiveServer:
    """Start the app under uvicorn (websockets implementation) on a free loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    app = create_app(settings, simulation_factory=simulation_factory)
    config = uvicorn.Config(
        app, ws="websockets", log_level="warning", lifespan="on", timeout_graceful_shutdown=3
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    return LiveServer(server, thread, port)


@pytest.fixture
def live_server(settings: WebSettings) -> Iterator[LiveServer]:
    """A real server with the engine's simulation."""
    server = start_server(settings)
    try:
        yield server
    finally:
        server.stop()
