"""Engine benchmark: 1,000 firms in 20 parks over 8,760 h with a rule-based operator strategy.

Run ``python -m bench.bench_engine [--repeats 3] [--firms 1000] [--parks 20] [--hours 8760]``.
Each repetition runs in a fresh process; the script prints the median wall time, firm-hours per
second and the peak resident memory, and writes ``bench/out/engine.json``. Target: ≤ 20 s median.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

from bench.common import median, run_isolated, write_json

SECTOR_MIX = (
    ("cement", 100000.0),
    ("steel_eaf", 60000.0),
    ("glass", None),
    ("ceramics", None),
    ("electronics", None),
    ("equipment", None),
    ("vehicles", None),
    ("textiles", None),
    ("food", None),
    ("caustic_soda", 10000.0),
)


def benchmark_config(n_firms: int, n_parks: int, hours: int, strategy: str) -> dict[str, Any]:
    """A synthetic multi-park scenario: firms spread evenly, every third firm with PV+battery."""
    per_park = n_firms // n_parks
    parks = []
    for p in range(n_parks):
        firms = []
        for k in range(per_park):
            sector, output = SECTOR_MIX[(p + k) % len(SECTOR_MIX)]
            firm: dict[str, Any] = {"name": f"f{k}", "sector": sector}
            if output is not None:
                firm["output_t_per_yr"] = output
            if k % 3 == 0:
                firm["assets"] = {
                    "pv_kwp": 500.0 + 50.0 * (k % 7),
                    "battery": {"energy_kwh": 1000.0, "c_rate_per_h": 0.5},
                }
            firms.append(firm)
        parks.append(
            {
                "name": f"park{p}",
                "location": {"latitude_deg": 33.0 + 0.2 * p, "longitude_deg": 107.0 + 0.2 * p},
                "grid": {"connection_limit_kw": 1e6},
                "shared_assets": {"pv_kwp": 5000.0, "battery": {"energy_kwh": 5000.0}},
                "operator": {"strategy": strategy},
                "firms": firms,
            }
        )
    return {
        "name": "bench_engine",
        "seed": 7,
        "time": {"start": "2025-01-01T00:00:00", "horizon_h": float(hours)},
        "parks": parks,
    }


def one_run(n_firms: int, n_parks: int, hours: int, strategy: str) -> dict[str, Any]:
    """Build and run the benchmark scenario once in this process."""
    from market.config import parse_config
    from market.runner import simulate

    config = parse_config(benchmark_config(n_firms, n_parks, hours, strategy))
    start = time.perf_counter()
    results = simulate(config)
    wall_s = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "wall_s": wall_s,
        "peak_rss_mib": peak_kib / 1024.0,
        "firm_hours": n_firms * hours,
        "energy_use_tce": results.summary["totals"]["energy_use_tce"],
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--parks", type=int, default=20)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--strategy", default="self_consumption")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(one_run(args.firms, args.parks, args.hours, args.strategy)))
        return 0
    runs = [
        run_isolated(
            "bench.bench_engine",
            "--once",
            f"--firms={args.firms}",
            f"--parks={args.parks}",
            f"--hours={args.hours}",
            f"--strategy={args.strategy}",
        )
        for _ in range(args.repeats)
    ]
    walls = [r["wall_s"] for r in runs]
    wall = median(walls)
    summary = {
        "firms": args.firms,
        "parks": args.parks,
        "hours": args.hours,
        "strategy": args.strategy,
        "repeats": args.repeats,
        "wall_s": walls,
        "median_wall_s": wall,
        "firm_hours_per_s": args.firms * args.hours / wall,
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "identical_results": len({r["energy_use_tce"] for r in runs}) == 1,
        "target_s": 20.0,
    }
    path = write_json("engine", summary)
    print(
        f"engine: {args.firms} firms x {args.hours} h in {args.parks} parks, "
        f"strategy {args.strategy}: median {wall:.2f} s over {args.repeats} "
        f"({summary['firm_hours_per_s']:,.0f} firm-hours/s), peak RSS "
        f"{summary['peak_rss_mib']:.0f} MiB, target <= 20 s -> "
        f"{'PASS' if wall <= 20.0 else 'FAIL'}  [{path}]"
    )
    return 0 if wall <= 20.0 else 1


if __name__ == "__main__":
    sys.exit(main())
