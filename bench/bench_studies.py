"""Study benchmark: serial against Dask workers, automatic placement, an existing cluster.

``python -m bench.bench_studies`` measures, end to end (``run_study``: runs, tables, report):

1. ``configs/studies/allocation_rules.yaml`` (25 multi-year runs) serially in this process and
   on 2 local worker processes (started and warmed inside the timed span). Target: 2 workers
   >= 1.7x serial, with byte-identical ``summary.csv``, ``runs.parquet`` and ``firms.parquet``.
2. ``configs/studies/quick.yaml`` (12 short runs) serially and with the default options, which
   place a study this small in this process. Target: the default never slower than serial
   (within 10 % for machine noise), identical files.
3. The same quick study with ``greenmarket compare --scheduler ADDRESS`` against a
   ``LocalCluster`` started in a separate process (``bench.dask_cluster``). Target: it completes
   with the serial ``summary.csv``.

``--skip-large`` leaves out the first part (it takes several minutes on 2 cores). Figures go to
``bench/out/studies.json``; the exit code counts the targets missed.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import write_json
from market.studies import ExecutionOptions, load_study, run_study

REPO = Path(__file__).resolve().parents[1]
LARGE_STUDY = REPO / "configs" / "studies" / "allocation_rules.yaml"
SMALL_STUDY = REPO / "configs" / "studies" / "quick.yaml"
TARGET_SPEEDUP = 1.7
NOISE_ALLOWANCE = 1.10
COMPARED_FILES = ("summary.csv", "runs.parquet", "firms.parquet")


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in COMPARED_FILES}


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished child processes (local workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_study(study: Path, out: Path, options: ExecutionOptions) -> tuple[float, str, float]:
    """Wall time [s] of planning and running ``study`` into ``out``, where it ran, and the CPU
    seconds it took (this process and its local workers)."""
    cpu = _cpu_s()
    started = time.perf_counter()
    plan = load_study(study)
    outcome = run_study(plan, out, options, report=lambda _message: None)
    wall = time.perf_counter() - started
    if outcome.failures:
        raise RuntimeError(f"{study.name}: {len(outcome.failures)} runs failed")
    return wall, outcome.placement, _cpu_s() - cpu


def serial_against_workers(work: Path) -> dict[str, Any]:
    """The large study serially and on 2 worker processes."""
    load_before = os.getloadavg()[0]
    serial_s, _, serial_cpu = timed_study(
        LARGE_STUDY, work / "large_serial", ExecutionOptions(serial=True)
    )
    workers_s, _, workers_cpu = timed_study(
        LARGE_STUDY, work / "large_workers", ExecutionOptions(workers=2, auto=False)
    )
    identical = _files(work / "large_serial") == _files(work / "large_workers")
    speedup = serial_s / workers_s
    return {
        "study": str(LARGE_STUDY.relative_to(REPO)), "runs": len(load_study(LARGE_STUDY).tasks),
        "serial_s": serial_s, "two_workers_s": workers_s, "speedup": speedup,
        "target_speedup": TARGET_SPEEDUP, "identical_files": identical,
        "load_average_before": load_before, "load_average_after": os.getloadavg()[0],
        # cores this benchmark actually got: CPU seconds over wall seconds
        "cores_used_serial": serial_cpu / serial_s,
        "cores_used_two_workers": workers_cpu / workers_s,
        "met": speedup >= TARGET_SPEEDUP and identical,
    }


def automatic_placement(work: Path) -> dict[str, Any]:
    """The small study serially and with the default options (interleaved, best of 2 each)."""
    serial: list[float] = []
    auto: list[float] = []
    placement = ""
    for trial in range(2):
        serial.append(timed_study(SMALL_STUDY, work / f"small_serial{trial}",
                                  ExecutionOptions(serial=True))[0])
        wall, placement, _ = timed_study(SMALL_STUDY, work / f"small_auto{trial}",
                                         ExecutionOptions())
        auto.append(wall)
    identical = _files(work / "small_serial0") == _files(work / "small_auto0")
    ratio = min(auto) / min(serial)
    return {
        "study": str(SMALL_STUDY.relative_to(REPO)), "serial_s": min(serial),
        "default_s": min(auto), "default_over_serial": ratio, "placement": placement,
        "identical_files": identical, "met": ratio <= NOISE_ALLOWANCE and identical,
    }


def existing_cluster(work: Path) -> dict[str, Any]:
    """The small study on a ``LocalCluster`` running in a separate process."""
    cluster = subprocess.Popen(
        [sys.executable, "-m", "bench.dask_cluster", "--workers", "2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    assert cluster.stdin is not None and cluster.stdout is not None
    try:
        address = cluster.stdout.readline().strip()
        out = work / "small_scheduler"
        command = [sys.executable, "-m", "market.cli", "compare", str(SMALL_STUDY),
                   "--scheduler", address, "--out", str(out), "--quiet"]
        started = time.perf_counter()
        code = subprocess.run(command, cwd=REPO, timeout=600).returncode
        wall = time.perf_counter() - started
    finally:
        cluster.stdin.close()
        cluster.wait(timeout=60)
    identical = code == 0 and (
        (out / "summary.csv").read_bytes() == (work / "small_serial0" / "summary.csv").read_bytes()
    )
    return {
        "command": "greenmarket compare configs/studies/quick.yaml --scheduler " + address,
        "exit_code": code, "wall_s": wall, "identical_summary": identical, "met": identical,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print each target with PASS/FAIL, write ``bench/out/studies.json``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-large", action="store_true",
                        help="leave out allocation_rules serial vs 2 workers")
    args = parser.parse_args(argv)
    data: dict[str, Any] = {"cores": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_large:
            data["workers"] = serial_against_workers(work)
            print(f"  allocation_rules.yaml: {data['workers']}", flush=True)
        data["automatic"] = automatic_placement(work)
        data["scheduler"] = existing_cluster(work)
    path = write_json("studies", data)
    lines: list[tuple[str, bool]] = []
    if "workers" in data:
        w = data["workers"]
        text = (f"allocation_rules.yaml ({w['runs']} runs): serial {w['serial_s']:.1f} s, "
                f"2 workers {w['two_workers_s']:.1f} s = {w['speedup']:.2f}x "
                f"(target >= {TARGET_SPEEDUP}x), identical files {w['identical_files']}; "
                f"cores used {w['cores_used_serial']:.2f} serial, "
                f"{w['cores_used_two_workers']:.2f} on workers")
        lines.append((text, w["met"]))
    a = data["automatic"]
    text = (f"quick.yaml: serial {a['serial_s']:.1f} s, default {a['default_s']:.1f} s "
            f"({a['default_over_serial']:.2f}x serial; {a['placement']}), identical files "
            f"{a['identical_files']}")
    lines.append((text, a["met"]))
    s = data["scheduler"]
    text = (f"quick.yaml on a LocalCluster in a separate process (--scheduler): "
            f"{s['wall_s']:.1f} s, same summary.csv as serial {s['identical_summary']}")
    lines.append((text, s["met"]))
    for text, met in lines:
        print(f"  {text} -> {'PASS' if met else 'FAIL'}")
    print(f"written to {path}")
    return sum(not met for _, met in lines)


if __name__ == "__main__":
    raise SystemExit(main())
