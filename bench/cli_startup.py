"""CLI start-up benchmark: wall time of short ``greenmarket`` commands in fresh processes.

``python -m bench.cli_startup`` runs each command below ``--repeats`` times (7 by
default) as ``python -m market.cli ...`` in a new interpreter, and reports the median, minimum
and maximum wall time [s] with the command line used. ``run`` writes into a temporary folder.

Targets (median wall time): ``--help``, ``validate`` and ``clear`` on a 10-order book
<= 0.4 s each; ``run configs/quickstart.yaml`` <= 2 s. Figures go to ``bench/out/cli_startup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, write_json

ROOT = Path(__file__).resolve().parents[1]
#: (label, command arguments, target median wall time [s]).
COMMANDS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("help", ("--help",), 0.4),
    ("validate", ("validate", "configs/quickstart.yaml"), 0.4),
    ("clear", ("clear", "configs/examples/day_ahead_blocks.csv"), 0.4),
    ("run", ("run", "configs/quickstart.yaml", "--quiet", "--out", "{out}"), 2.0),
)


def wall_times_s(arguments: list[str], repeats: int) -> list[float]:
    """Run ``python -m market.cli arguments`` ``repeats`` times; the wall time of each [s]."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "market.cli", *arguments],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when every command meets its target, 1 otherwise."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each command (>= 7)")
    args = parser.parse_args(argv)
    repeats = max(7, args.repeats)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, template, target_s in COMMANDS:
            arguments = [part.format(out=Path(tmp) / "run") for part in template]
            times = wall_times_s(arguments, repeats)
            row = {
                "command": label,
                "command_line": "greenmarket " + " ".join(template),
                "repeats": repeats,
                "median_s": round(median(times), 3),
                "min_s": round(min(times), 3),
                "max_s": round(max(times), 3),
                "target_s": target_s,
            }
            row["met"] = row["median_s"] <= target_s
            rows.append(row)
            verdict = "PASS" if row["met"] else "FAIL"
            print(
                f"{verdict}  {row['command_line']:<55} median {row['median_s']:.3f} s "
                f"(min {row['min_s']:.3f}, max {row['max_s']:.3f}; target {target_s} s)",
                flush=True,
            )
    met = all(row["met"] for row in rows)
    figures = {"cpu_count": os.cpu_count(), "commands": rows, "targets_met": met}
    path = write_json("cli_startup", figures)
    print(json.dumps(figures, indent=2))
    print(f"written to {path}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
