"""Benchmark of the clearing engine.

Clearing time at 10 / 100 / 1,000 / 10,000 orders for the sort-based fast path (object API and
array API), PuLP + HiGHS and PuLP + CBC, with a check that all give identical results; and a
day of 24 hours cleared in one model versus 24 separate models.

Run: ``python -m bench.bench_clearing`` (writes ``bench/out/clearing.json``).
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from clearing import ClearingResult, Order, Side, clear, clear_uniform_arrays

SIZES = (10, 100, 1_000, 10_000)
REPEATS = {10: 21, 100: 11, 1_000: 5, 10_000: 3}
CBC_MAX_ORDERS = 10_000
DAY_ORDERS_PER_HOUR = 200
OUT = Path(__file__).resolve().parent / "out" / "clearing.json"


def random_book(rng: np.random.Generator, n: int, periods: int = 1) -> list[Order]:
    """Green-power style book: prices 300-500 CNY/MWh on a 1 CNY grid, 0.1-5 MWh per order."""
    side = rng.random(n) < 0.5
    price = rng.integers(300, 501, n).astype(float)
    quantity = np.round(rng.uniform(0.1, 5.0, n), 3)
    period = rng.integers(0, periods, n)
    return [
        Order(
            f"o{k:06d}",
            f"firm{k % 1000}",
            Side.BUY if side[k] else Side.SELL,
            float(quantity[k]),
            float(price[k]),
            period=int(period[k]),
            sequence=k,
        )
        for k in range(n)
    ]


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median wall-clock seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def max_difference(a: ClearingResult, b: ClearingResult) -> float:
    """Largest absolute difference in prices, welfare and accepted quantities."""
    diffs = [abs(a.welfare - b.welfare), abs(a.volume - b.volume)]
    diffs += [abs(a.prices[c] - b.prices[c]) for c in a.prices]
    diffs += [abs(a.accepted[k] - b.accepted[k]) for k in a.accepted]
    return max(diffs)


def bench_sizes(rng: np.random.Generator) -> list[dict[str, float | int]]:
    rows: list[dict[str, float | int]] = []
    for n in SIZES:
        orders = random_book(rng, n)
        buys = np.array([o.side == Side.BUY for o in orders])
        qty = np.array([o.quantity for o in orders])
        price = np.array([o.price for o in orders])
        bq, bp, sq, sp = qty[buys], price[buys], qty[~buys], price[~buys]
        repeats = REPEATS[n]
        fast = clear(orders, solver="fast")
        highs = clear(orders, solver="highs")
        row: dict[str, float | int] = {
            "orders": n,
            "fast_arrays_s": median_time(partial(clear_uniform_arrays, bq, bp, sq, sp), repeats),
            "fast_s": median_time(partial(clear, orders, solver="fast"), repeats),
            "highs_s": median_time(partial(clear, orders, solver="highs"), repeats),
            "max_diff_fast_vs_highs": max_difference(fast, highs),
        }
        if n <= CBC_MAX_ORDERS:
            cbc = clear(orders, solver="cbc")
            row["cbc_s"] = median_time(partial(clear, orders, solver="cbc"), repeats)
            row["max_diff_fast_vs_cbc"] = max_difference(fast, cbc)
        row["speedup_fast_vs_highs"] = float(row["highs_s"]) / float(row["fast_s"])
        rows.append(row)
    return rows


def bench_day(rng: np.random.Generator) -> dict[str, float]:
    orders = random_book(rng, 24 * DAY_ORDERS_PER_HOUR, periods=24)
    hours = [[o for o in orders if o.period == h] for h in range(24)]
    one_model = clear(orders, solver="highs")
    separate = [clear(h, solver="highs") for h in hours]
    diff = max(
        abs(one_model.prices[("default", "default", h)] - r.price) for h, r in enumerate(separate)
    )
    return {
        "orders": float(len(orders)),
        "one_model_highs_s": median_time(lambda: clear(orders, solver="highs"), 3),
        "24_models_highs_s": median_time(lambda: [clear(h, solver="highs") for h in hours], 3),
        "24_fast_path_s": median_time(lambda: [clear(h, solver="fast") for h in hours], 3),
        "max_price_diff": diff,
    }


def main() -> None:
    """Run the benchmark, print a table and write JSON."""
    rng = np.random.default_rng(2023)
    clear(random_book(rng, 10), solver="highs")  # load HiGHS once
    rows = bench_sizes(rng)
    day = bench_day(rng)
    header = (
        f"{'orders':>7} {'arrays ms':>10} {'fast ms':>9} {'HiGHS ms':>9} {'CBC ms':>9} "
        f"{'HiGHS/fast':>10} {'max diff':>9}"
    )
    print(header)
    for r in rows:
        cbc = f"{1e3 * float(r['cbc_s']):9.2f}" if "cbc_s" in r else f"{'-':>9}"
        diff = max(float(r["max_diff_fast_vs_highs"]), float(r.get("max_diff_fast_vs_cbc", 0.0)))
        print(
            f"{r['orders']:>7} {1e3 * float(r['fast_arrays_s']):10.3f} "
            f"{1e3 * float(r['fast_s']):9.3f} {1e3 * float(r['highs_s']):9.2f} {cbc} "
            f"{float(r['speedup_fast_vs_highs']):9.0f}x {diff:9.1e}"
        )
    print(
        f"\nday of 24 h, {int(day['orders'])} orders: one HiGHS model "
        f"{1e3 * day['one_model_highs_s']:.1f} ms, 24 HiGHS models "
        f"{1e3 * day['24_models_highs_s']:.1f} ms, 24 fast-path clearings "
        f"{1e3 * day['24_fast_path_s']:.1f} ms (max price diff {day['max_price_diff']:.1e})"
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "python": platform.python_version(),
                "machine": platform.machine(),
                "statistic": "median wall-clock seconds",
                "sizes": rows,
                "day_24h": day,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nwritten {OUT}")


if __name__ == "__main__":
    main()
