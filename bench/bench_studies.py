"""Study benchmark: a 40-run study on a local Dask cluster with 1 worker, then 2 workers.

Run ``python -m bench.bench_studies [--runs 40] [--hours 4368] [--repeats 2]``. The study is
the quickstart park (optimal storage dispatch) under four variants on ``runs / 4`` seeds, each
run about half a year of hourly steps (1-2 s). For each worker count a fresh ``LocalCluster``
(processes, one thread each) is started and warmed up (every worker imports the engine), then
the runs are timed from submission to the last result; the best of ``--repeats`` alternating
trials counts (the machine is shared, so the least disturbed trial is the fairest). The workers'
CPU seconds are recorded too: ``cores_used`` = CPU / wall shows how much of the machine the
workers actually got. Prints and writes ``bench/out/studies.json`` with the wall times, the
speed-up (target >= 1.7x on a 2-core machine) and whether all trials gave identical summaries.
``--study FILE`` also times a whole study file end to end on all cores (e.g. the multi-year
``configs/studies/allocation_rules.yaml``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bench.common import write_json
from market.studies import (
    ExecutionOptions,
    dask_client,
    load_study,
    parse_study,
    plan_study,
    run_on_client,
    run_study,
)
from market.studies.plan import StudyPlan
from market.studies.tables import summary_frame

REPO = Path(__file__).resolve().parents[1]
TARGET_SPEEDUP = 1.7
VARIANTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("optimal", {}),
    ("self_consumption", {"parks.0.operator.strategy": "self_consumption"}),
    ("tou_arbitrage", {"parks.0.operator.strategy": "tou_arbitrage"}),
    ("thermal_equivalent", {"accounting.electricity_accounting": "thermal_equivalent"}),
)


def bench_plan(runs: int, hours: int) -> StudyPlan:
    """``runs`` tasks: the four variants on ``runs // 4`` seeds of a ``hours``-long quickstart."""
    base = yaml.safe_load((REPO / "configs" / "quickstart.yaml").read_text(encoding="utf-8"))
    base["time"]["horizon_h"] = hours
    study = parse_study(
        {
            "name": "bench_studies",
            "base": "quickstart.yaml",
            "seeds": {"count": max(1, runs // len(VARIANTS)), "first": 1},
            "variants": [{"name": n, "overrides": o} for n, o in VARIANTS],
        }
    )
    return plan_study(study, base, "bench")


def _warm_up() -> bool:
    from market.api import load_highs_quietly
    from market.studies import tasks  # noqa: F401  (imports the engine)

    load_highs_quietly()
    return True


def timed_on_cluster(plan: StudyPlan, workers: int) -> dict[str, Any]:
    """Start a cluster of ``workers`` processes, warm it up, time the study's runs."""
    started = time.perf_counter()
    with dask_client(workers, processes=True) as client:
        client.wait_for_workers(workers)
        client.run(_warm_up)
        cpu_before = client.run(time.process_time)
        load = os.getloadavg()[0]
        ready = time.perf_counter()
        result = run_on_client(plan.tasks, client)
        finished = time.perf_counter()
        cpu_after = client.run(time.process_time)
    summary = summary_frame(result.records, plan.variants)
    return {
        "workers": workers,
        "load_average_1min_before": load,
        "startup_s": ready - started,
        "runs_wall_s": finished - ready,
        "workers_cpu_s": sum(cpu_after[w] - cpu_before[w] for w in cpu_after),
        "runs_ok": len(result.records),
        "failures": len(result.failures),
        "summary_csv": summary.to_csv(index=False, float_format="%.10g"),
    }


def timed_study_file(path: Path) -> dict[str, Any]:
    """Run a study file end to end on all cores (cluster start-up and report included)."""
    plan = load_study(path)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        outcome = run_study(plan, Path(out), ExecutionOptions())
        wall = time.perf_counter() - started
    return {
        "study": str(path),
        "runs": len(plan.tasks),
        "runs_ok": len(outcome.records),
        "failures": len(outcome.failures),
        "workers": os.cpu_count(),
        "wall_s": wall,
        "notes": list(plan.notes),
    }


def main() -> None:
    """Run the benchmark and write ``bench/out/studies.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--hours", type=int, default=4368, help="run length [h] (default 26 wk)")
    parser.add_argument("--repeats", type=int, default=2, help="best of N per worker count")
    parser.add_argument("--study", type=Path, default=None, help="also time this study file")
    args = parser.parse_args()
    plan = bench_plan(args.runs, args.hours)
    trials: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for workers in (1, 2):
            trials[workers].append(timed_on_cluster(plan, workers))
    one = min(trials[1], key=lambda t: t["runs_wall_s"])
    two = min(trials[2], key=lambda t: t["runs_wall_s"])
    summaries = {t["summary_csv"] for ts in trials.values() for t in ts}
    data: dict[str, Any] = {
        "runs": len(plan.tasks),
        "hours_per_run": args.hours,
        "cores": os.cpu_count(),
        "repeats": args.repeats,
        "mean_run_s_1_worker": one["runs_wall_s"] / len(plan.tasks),
        "wall_s_1_worker": one["runs_wall_s"],
        "wall_s_2_workers": two["runs_wall_s"],
        "all_wall_s_1_worker": [t["runs_wall_s"] for t in trials[1]],
        "all_wall_s_2_workers": [t["runs_wall_s"] for t in trials[2]],
        "workers_cpu_s_1_worker": one["workers_cpu_s"],
        "workers_cpu_s_2_workers": two["workers_cpu_s"],
        "load_average_before": [
            t["load_average_1min_before"] for ts in trials.values() for t in ts
        ],
        "cores_used_1_worker": one["workers_cpu_s"] / one["runs_wall_s"],
        "cores_used_2_workers": two["workers_cpu_s"] / two["runs_wall_s"],
        "startup_s_1_worker": one["startup_s"],
        "startup_s_2_workers": two["startup_s"],
        "speedup": one["runs_wall_s"] / two["runs_wall_s"],
        "target_speedup": TARGET_SPEEDUP,
        "identical_summaries": len(summaries) == 1,
        "failures": sum(t["failures"] for ts in trials.values() for t in ts),
    }
    data["meets_target"] = data["speedup"] >= TARGET_SPEEDUP
    if args.study is not None:
        data["study_file"] = timed_study_file(args.study)
    path = write_json("studies", data)
    print(json.dumps(data, indent=2, sort_keys=True))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
