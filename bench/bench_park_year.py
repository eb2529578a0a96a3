"""Park-year benchmark: ``greenmarket run configs/shaanxi_park.yaml`` and its dispatch programme.

``python -m bench.bench_park_year [--repeats 3]`` measures two things, each repetition in a fresh
process:

* **run**: wall time of ``greenmarket run configs/shaanxi_park.yaml`` (20 firms, one year hourly,
  both markets, ``optimal`` dispatch re-planned daily over 48 h, the renewable-exclusion effect
  included) and, for reference, the same with ``--no-exclusion-effect``. Target: median ≤ 4 s.
* **dispatch**: the year's physics alone (markets off), with the time of every re-plan split
  into the time HiGHS spends solving and everything else (forecast, window, building the
  programme's arrays, reading the plan back). Target: time outside the solver ≤ the solver's
  time (ratio ≤ 1).

Figures go to ``bench/out/park_year.json``.
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
from typing import Any

from bench.common import median, run_isolated, write_json

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "configs/shaanxi_park.yaml"
RUN_TARGET_S = 4.0
OUTSIDE_SOLVER_TARGET = 1.0


def run_wall_s(extra: tuple[str, ...], repeats: int) -> list[float]:
    """Wall times [s] of ``greenmarket run SCENARIO`` in fresh processes."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "market.cli", "run", SCENARIO, "--quiet", "--out", tmp]
                + list(extra),
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
    return times


def dispatch_year() -> dict[str, Any]:
    """Run the scenario's physics for a year and split the re-plans' time (one process)."""
    import yaml

    from market.api import parse_config
    from market.engine.simulation import Simulation

    data = yaml.safe_load((ROOT / SCENARIO).read_text(encoding="utf-8"))
    data["markets"]["green_power"]["enabled"] = False
    data["markets"]["energy_rights"]["enabled"] = False
    sim = Simulation(parse_config(data, base_dir=ROOT / "configs"))
    strategy = sim.runs[0].strategy
    replan = strategy.replan
    spent = [0.0]

    def timed_replan(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        plan = replan(*args, **kwargs)
        spent[0] += time.perf_counter() - started
        return plan

    strategy.replan = timed_replan  # type: ignore[method-assign]
    started = time.perf_counter()
    sim.run()
    physics_s = time.perf_counter() - started
    plans = strategy.plans
    solver_s = sum(plan.solver_seconds for plan in plans)
    return {
        "replans": len(plans),
        "physics_s": round(physics_s, 4),
        "replan_s": round(spent[0], 4),
        "solver_s": round(solver_s, 4),
        "outside_solver_s": round(spent[0] - solver_s, 4),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 0 when both targets are met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--dispatch-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dispatch_only:
        print(json.dumps(dispatch_year()))
        return 0
    repeats = max(1, args.repeats)
    rows = [run_isolated("bench.bench_park_year", "--dispatch-only") for _ in range(repeats)]
    ratios = [row["outside_solver_s"] / row["solver_s"] for row in rows]
    ratio = median(ratios)
    dispatch = {
        "replans": rows[0]["replans"],
        "median_solver_s": round(median([row["solver_s"] for row in rows]), 3),
        "median_outside_solver_s": round(median([row["outside_solver_s"] for row in rows]), 3),
        "median_physics_s": round(median([row["physics_s"] for row in rows]), 3),
        "median_outside_over_solver": round(ratio, 3),
        "target_outside_over_solver": OUTSIDE_SOLVER_TARGET,
        "met": ratio <= OUTSIDE_SOLVER_TARGET,
    }
    verdict = "PASS" if dispatch["met"] else "FAIL"
    print(
        f"{verdict}  dispatch LP, {SCENARIO} physics for a year ({dispatch['replans']} re-plans): "
        f"outside the solver {dispatch['median_outside_solver_s']:.3f} s vs HiGHS "
        f"{dispatch['median_solver_s']:.3f} s, ratio {ratio:.2f} (target <= 1)",
        flush=True,
    )
    full = run_wall_s((), repeats)
    without = run_wall_s(("--no-exclusion-effect",), repeats)
    run = {
        "command_line": f"greenmarket run {SCENARIO}",
        "median_s": round(median(full), 3),
        "min_s": round(min(full), 3),
        "max_s": round(max(full), 3),
        "median_without_exclusion_effect_s": round(median(without), 3),
        "target_s": RUN_TARGET_S,
        "met": median(full) <= RUN_TARGET_S,
    }
    verdict = "PASS" if run["met"] else "FAIL"
    print(
        f"{verdict}  {run['command_line']:<45} median {run['median_s']:.3f} s "
        f"(min {run['min_s']:.3f}, max {run['max_s']:.3f}; --no-exclusion-effect "
        f"{run['median_without_exclusion_effect_s']:.3f} s; target {RUN_TARGET_S} s)",
        flush=True,
    )
    met = bool(dispatch["met"] and run["met"])
    figures = {
        "cpu_count": os.cpu_count(),
        "repeats": repeats,
        "dispatch": dispatch,
        "run": run,
        "targets_met": met,
    }
    path = write_json("park_year", figures)
    print(f"written to {path}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
