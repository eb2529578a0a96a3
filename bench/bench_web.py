"""Web stream benchmark: many websocket clients on one live run.

``python -m bench.bench_web`` starts ``greenmarket serve`` on 127.0.0.1 in its own process, runs
the quickstart scenario (336 h) at the dashboard's default pace twice -- once with no clients, once
with ``--clients`` websocket clients (200 by default) connected before it starts -- and reports:

- delivery lag per (client, event): receipt time minus the server's ``published_unix_s`` stamp
  (p50, p99, max) [ms];
- that every client received every event, in order, with no ``lagged`` notice;
- engine slowdown: the run's ``engine_compute_s`` with clients over the one without, minus 1.

Everything stops by itself (each run has a time limit); figures go to ``bench/out/web.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
from websockets.asyncio.client import connect

from bench.common import write_json

TARGET_P99_MS = 250.0
TARGET_SLOWDOWN = 0.20


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http(base: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """Call the REST API and return the decoded JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def start_server(port: int, workdir: Path, pace: float) -> subprocess.Popen[bytes]:
    """Start ``greenmarket serve`` and wait until it answers."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "market.cli",
            "serve",
            "--port",
            str(port),
            "--db",
            str(workdir / "bench.sqlite3"),
            "--results",
            str(workdir / "results"),
            "--pace",
            str(pace),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            http(base, "GET", "/api/health")
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)


async def client(url: str, ready: asyncio.Event, counter: list[int], n: int) -> dict[str, Any]:
    """Receive one run's stream; return the sequence numbers, lags [s] and lagged notices."""
    seqs: list[int] = []
    lags: list[float] = []
    notices = 0
    async with connect(url, max_queue=None, open_timeout=60) as ws:
        counter[0] += 1
        if counter[0] == n:
            ready.set()
        async for message in ws:
            received = time.time()
            data = json.loads(message)
            if isinstance(data, dict):  # a lagged notice
                notices += 1
                continue
            for event in data:
                seqs.append(event["seq"])
                lags.append(received - event["published_unix_s"])
    return {"seqs": seqs, "lags": lags, "lagged": notices}


async def one_run(
    base: str, ws_base: str, example: str, n_clients: int, limit_s: float
) -> dict[str, Any]:
    """Start a paused run, connect the clients, resume it and collect what they saw."""
    run = http(base, "POST", "/api/runs", {"example": example, "paused": True})
    url = f"{ws_base}/ws/runs/{run['id']}?batch=true"
    ready = asyncio.Event()
    counter = [0]
    tasks = [asyncio.create_task(client(url, ready, counter, n_clients)) for _ in range(n_clients)]
    if n_clients:
        await asyncio.wait_for(ready.wait(), 60)
    started = time.monotonic()
    http(base, "POST", f"/api/runs/{run['id']}/resume")
    results = await asyncio.wait_for(asyncio.gather(*tasks), limit_s) if tasks else []
    status = http(base, "GET", f"/api/runs/{run['id']}")
    while status["state"] in ("queued", "running", "paused"):
        if time.monotonic() - started > limit_s:
            raise RuntimeError("the run did not finish in time")
        await asyncio.sleep(0.2)
        status = http(base, "GET", f"/api/runs/{run['id']}")
    return {"status": status, "clients": results, "wall_s": time.monotonic() - started}


def summarise(run: dict[str, Any]) -> dict[str, Any]:
    """Reduce one run's client observations to figures."""
    last = run["status"]["last_seq"]
    expected = list(range(1, last + 1))
    clients = run["clients"]
    lags_ms = np.array([lag for c in clients for lag in c["lags"]]) * 1000.0
    out: dict[str, Any] = {
        "events": last,
        "engine_compute_s": round(run["status"]["engine_compute_s"], 4),
        "run_wall_s": round(run["wall_s"], 2),
        "clients": len(clients),
    }
    if clients:
        out.update(
            {
                "all_clients_got_every_event_in_order": all(c["seqs"] == expected for c in clients),
                "lagged_notices": int(sum(c["lagged"] for c in clients)),
                "messages_delivered": int(lags_ms.size),
                "lag_p50_ms": round(float(np.percentile(lags_ms, 50)), 2),
                "lag_p99_ms": round(float(np.percentile(lags_ms, 99)), 2),
                "lag_max_ms": round(float(lags_ms.max()), 2),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when the targets are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--example", default="quickstart")
    parser.add_argument("--pace", type=float, default=24.0, help="simulated hours per second")
    parser.add_argument("--limit-s", type=float, default=75.0, help="time limit of each run")
    args = parser.parse_args(argv)
    port = free_port()
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(port, Path(tmp), args.pace)
        try:
            baseline = summarise(asyncio.run(one_run(base, ws_base, args.example, 0, args.limit_s)))
            loaded = summarise(
                asyncio.run(one_run(base, ws_base, args.example, args.clients, args.limit_s))
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    slowdown = loaded["engine_compute_s"] / baseline["engine_compute_s"] - 1.0
    figures = {
        "scenario": args.example,
        "pace_h_per_s": args.pace,
        "cpu_count": os.cpu_count(),
        "no_clients": baseline,
        "with_clients": loaded,
        "engine_slowdown": round(slowdown, 4),
        "targets": {"lag_p99_ms": TARGET_P99_MS, "engine_slowdown": TARGET_SLOWDOWN},
    }
    met = (
        loaded["all_clients_got_every_event_in_order"]
        and loaded["lag_p99_ms"] <= TARGET_P99_MS
        and slowdown <= TARGET_SLOWDOWN
    )
    figures["targets_met"] = bool(met)
    path = write_json("web", figures)
    print(json.dumps(figures, indent=2))
    print(f"written to {path}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
