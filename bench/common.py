"""Shared helpers for benchmarks: timing in fresh processes, peak memory, JSON output."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"


def run_isolated(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh interpreter; parse its last stdout line as JSON.

    A fresh process per repetition gives an honest peak-memory figure (``ru_maxrss``) and no
    warm caches carried from one repetition to the next.
    """
    proc = subprocess.run(
        [sys.executable, "-m", module, *args], check=True, capture_output=True, text=True
    )
    line = proc.stdout.strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(line)
    return result


def median(values: list[float]) -> float:
    """Median of a non-empty list."""
    return float(statistics.median(values))


def write_json(name: str, data: dict[str, Any]) -> Path:
    """Write benchmark figures to ``bench/out/<name>.json``."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
