"""Province benchmark: ``configs/examples/shaanxi_province.yaml``, about 8,000 firms in 100 parks,
one year hourly, both markets on.

Run ``python -m bench.bench_province [--repeats 1] [--scale 1.0] [--hours 8760]``. Each
repetition runs in a fresh process and times the whole ``greenmarket run`` path (reading and
generating the scenario, building it, simulating, and writing the result files through
``market.runner.run_scenario``, without the renewable-exclusion counterfactual). The script prints
the median wall time, the CPU time (a fairer figure on a busy shared machine) and the peak
resident memory, and writes ``bench/out/province.json``. Targets: <= 60 s and <= 4 GiB.
``--scale`` and ``--hours`` run a smaller form of the same province (e.g. ``--scale 0.125`` for
about 1,000 firms).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import median, run_isolated, write_json

SCENARIO = Path(__file__).resolve().parents[1] / "configs" / "examples" / "shaanxi_province.yaml"
TARGET_S = 60.0
TARGET_MIB = 4096.0


def one_run(scale: float, hours: float) -> dict[str, Any]:
    """Generate, build, run and write the province scenario once in this process."""
    from market.config import parse_config
    from market.config.loader import read_yaml
    from market.runner import run_scenario

    start = time.perf_counter()
    data = read_yaml(SCENARIO)
    data["park_generator"]["scale"] = scale
    data["time"]["horizon_h"] = hours
    config = parse_config(data, str(SCENARIO))
    with tempfile.TemporaryDirectory() as out:
        outcome = run_scenario(config, Path(out), with_exclusion_effect=False)
    wall_s = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    summary = outcome.results.summary
    markets = summary["markets"]
    return {
        "wall_s": wall_s,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024.0,
        "parks": len(config.parks),
        "firms": sum(firm.count for park in config.parks for firm in park.firms),
        "energy_use_tce": summary["totals"]["energy_use_tce"],
        "green_volume_mwh": markets["green_power"]["volume_mwh"],
        "rights_auctions": markets["energy_rights"]["auctions"],
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--hours", type=float, default=8760.0)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(one_run(args.scale, args.hours)))
        return 0
    runs = [
        run_isolated(
            "bench.bench_province", "--once", f"--scale={args.scale}", f"--hours={args.hours}"
        )
        for _ in range(args.repeats)
    ]
    wall = median([r["wall_s"] for r in runs])
    peak = max(r["peak_rss_mib"] for r in runs)
    ok = wall <= TARGET_S and peak <= TARGET_MIB
    first = runs[0]
    summary = {
        "scale": args.scale,
        "hours": args.hours,
        "parks": first["parks"],
        "firms": first["firms"],
        "repeats": args.repeats,
        "wall_s": [r["wall_s"] for r in runs],
        "cpu_s": [r["cpu_s"] for r in runs],
        "median_wall_s": wall,
        "peak_rss_mib": peak,
        "green_volume_mwh": first["green_volume_mwh"],
        "rights_auctions": first["rights_auctions"],
        "identical_results": len({r["energy_use_tce"] for r in runs}) == 1,
        "target_s": TARGET_S,
        "target_mib": TARGET_MIB,
    }
    path = write_json("province", summary)
    print(
        f"province: {first['firms']} firms in {first['parks']} parks x {args.hours:g} h, "
        f"both markets: median {wall:.1f} s over {args.repeats} "
        f"(CPU {median([r['cpu_s'] for r in runs]):.1f} s), peak RSS {peak:.0f} MiB "
        f"(targets <= {TARGET_S:.0f} s, <= {TARGET_MIB:.0f} MiB) -> {'PASS' if ok else 'FAIL'}"
        f"  [{path}]"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
