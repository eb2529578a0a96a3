"""Markets benchmark: 1,000 firms in 20 parks over 8,760 h with hourly green-power clearing and
monthly energy-use-rights auctions.

Run ``python -m bench.bench_markets [--repeats 3]``. Each repetition runs in a fresh process; the
script prints the median wall time and the peak resident memory and writes
``bench/out/markets.json``. Targets: ≤ 30 s median and ≤ 2 GiB peak.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from typing import Any

from bench.bench_engine import benchmark_config
from bench.common import median, run_isolated, write_json

TARGET_S = 30.0
TARGET_MIB = 2048.0


def markets_config(n_firms: int, n_parks: int, hours: int) -> dict[str, Any]:
    """The engine benchmark's parks with both markets on; every fourth firm buys green power."""
    data = benchmark_config(n_firms, n_parks, hours, "self_consumption")
    data["name"] = "bench_markets"
    data["markets"] = {
        "green_power": {"enabled": True, "period": "hourly"},
        "energy_rights": {"enabled": True, "auctions_per_year": 12},
    }
    for park in data["parks"]:
        for k, firm in enumerate(park["firms"]):
            if k % 4 == 1:
                firm["green_power"] = {"target_share": 0.5}
            if k % 5 == 2:
                firm["bidding"] = "zi_c"
    return data


def one_run(n_firms: int, n_parks: int, hours: int) -> dict[str, Any]:
    """Build and run the benchmark scenario once in this process."""
    from market.config import parse_config
    from market.runner import simulate

    config = parse_config(markets_config(n_firms, n_parks, hours))
    start = time.perf_counter()
    results = simulate(config)
    wall_s = time.perf_counter() - start
    markets = results.summary["markets"]
    return {
        "wall_s": wall_s,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "green_books": markets["green_power"]["books"],
        "green_volume_mwh": markets["green_power"]["volume_mwh"],
        "rights_auctions": markets["energy_rights"]["auctions"],
        "rights_prices": markets["energy_rights"]["prices_cny_per_tce"],
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--firms", type=int, default=1000)
    parser.add_argument("--parks", type=int, default=20)
    parser.add_argument("--hours", type=int, default=8760)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(one_run(args.firms, args.parks, args.hours)))
        return 0
    runs = [
        run_isolated(
            "bench.bench_markets",
            "--once",
            f"--firms={args.firms}",
            f"--parks={args.parks}",
            f"--hours={args.hours}",
        )
        for _ in range(args.repeats)
    ]
    wall = median([r["wall_s"] for r in runs])
    peak = max(r["peak_rss_mib"] for r in runs)
    ok = wall <= TARGET_S and peak <= TARGET_MIB
    summary = {
        "firms": args.firms,
        "parks": args.parks,
        "hours": args.hours,
        "repeats": args.repeats,
        "wall_s": [r["wall_s"] for r in runs],
        "median_wall_s": wall,
        "peak_rss_mib": peak,
        "green_books": runs[0]["green_books"],
        "rights_auctions": runs[0]["rights_auctions"],
        "identical_results": len({json.dumps(r["rights_prices"]) for r in runs}) == 1,
        "target_s": TARGET_S,
        "target_mib": TARGET_MIB,
    }
    path = write_json("markets", summary)
    print(
        f"markets: {args.firms} firms x {args.hours} h in {args.parks} parks, hourly green power "
        f"({runs[0]['green_books']} books) + {runs[0]['rights_auctions']} rights auctions: "
        f"median {wall:.2f} s over {args.repeats}, peak RSS {peak:.0f} MiB "
        f"(targets <= {TARGET_S:.0f} s, <= {TARGET_MIB:.0f} MiB) -> {'PASS' if ok else 'FAIL'}"
        f"  [{path}]"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
