"""Benchmark of the clearing engine.

Clearing time at 10 / 100 / 1,000 / 10,000 orders for the sort-based fast path, PuLP + HiGHS
and PuLP + CBC, with a check that all give identical results; and a day of 24 hours cleared in
one model versus 24 separate models. The book reaches ``clear`` in each of its two forms: a list
of ``Order`` objects and the same orders as an ``OrderTable`` (columns); the array function
``clear_uniform_arrays`` (no ids, no payments) is timed beside them.

The product target: the fast path at least 20 times faster than PuLP + HiGHS at 1,000 orders,
with identical results, for each form of the book (``clear(book, solver="fast")`` against
``clear(book, solver="highs")``). The benchmark prints whether it is met (ratio of the medians)
and the largest price, volume, accepted-quantity, payment and welfare differences between the
paths and between the two forms.

Timing: median wall-clock time over many calls after a few warm-up calls (the fast path takes
well under a millisecond, so a handful of calls is dominated by cache warm-up and machine noise).

Second target (``bench.clearing_floor``): the fast path within 2x of a plain numpy uniform-price
clearing of the same book at 1,000 and 10,000 orders a side, for both forms, PASS or FAIL each.

Run: ``python -m bench.bench_clearing`` (writes ``bench/out/clearing.json``).
"""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

from bench.clearing_floor import bench_floor, print_floor
from clearing import ClearingResult, Order, OrderTable, Side, clear, clear_uniform_arrays

SIZES = (10, 100, 1_000, 10_000)
FAST_REPEATS = {10: 501, 100: 301, 1_000: 201, 10_000: 21}
LP_REPEATS = {10: 41, 100: 31, 1_000: 21, 10_000: 5}
WARMUP_CALLS = 3
CBC_MAX_ORDERS = 10_000
DAY_ORDERS_PER_HOUR = 200
TARGET_ORDERS = 1_000
TARGET_SPEEDUP = 20.0
IDENTICAL_ATOL = 1e-6
"""Largest absolute difference (price, quantity, money) still counted as identical."""
OUT = Path(__file__).resolve().parent / "out" / "clearing.json"


def random_book(rng: np.random.Generator, n: int, periods: int = 1) -> list[Order]:
    """Green-power style book: prices 300-500 CNY/MWh on a 1 CNY grid, 0.1-5 MWh per order."""
    side = rng.random(n) < 0.5
    price = rng.integers(300, 501, n).astype(float)
    quantity = np.round(rng.uniform(0.1, 5.0, n), 3)
    period = rng.integers(0, periods, n)
    return [
        Order(f"o{k:06d}", f"firm{k % 1000}", Side.BUY if side[k] else Side.SELL,
              float(quantity[k]), float(price[k]), period=int(period[k]), sequence=k)
        for k in range(n)
    ]


def median_time(fn: Callable[[], object], repeats: int, warmup: int = WARMUP_CALLS) -> float:
    """Median wall-clock seconds of ``repeats`` calls, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def differences(a: ClearingResult, b: ClearingResult) -> dict[str, float]:
    """Largest absolute differences in price, volume, accepted quantity, payment and welfare."""
    return {
        "price": max((abs(a.prices[c] - b.prices[c]) for c in a.prices), default=0.0),
        "volume": abs(a.volume - b.volume),
        "accepted": max((abs(a.accepted[k] - b.accepted[k]) for k in a.accepted), default=0.0),
        "payment": max((abs(a.payments[k] - b.payments[k]) for k in a.payments), default=0.0),
        "welfare": abs(a.welfare - b.welfare),
    }


def _worst(*diffs: dict[str, float]) -> dict[str, float]:
    return {key: max(d[key] for d in diffs) for key in diffs[0]}


@dataclass(frozen=True)
class SizeRow:
    """Median times (seconds) at one book size and the largest differences between paths.

    ``fast_s`` / ``highs_s`` / ``cbc_s`` take the book as a list of ``Order``; ``table_*`` the
    same book as an ``OrderTable``.
    """

    orders: int
    fast_arrays_s: float
    fast_s: float
    highs_s: float
    cbc_s: float | None
    table_fast_s: float
    table_highs_s: float
    diff_fast_vs_highs: dict[str, float]
    diff_fast_vs_cbc: dict[str, float] | None
    diff_table_vs_orders: dict[str, float]

    @property
    def max_diff(self) -> dict[str, float]:
        """Largest difference of each kind over HiGHS, CBC and the table form."""
        others = [
            d for d in (self.diff_fast_vs_highs, self.diff_fast_vs_cbc, self.diff_table_vs_orders)
            if d is not None
        ]
        return _worst(*others)

    @property
    def speedup(self) -> float:
        """HiGHS median over fast-path median, the book as a list of ``Order``."""
        return self.highs_s / self.fast_s

    @property
    def table_speedup(self) -> float:
        """HiGHS median over fast-path median, the book as an ``OrderTable``."""
        return self.table_highs_s / self.table_fast_s


def bench_sizes(rng: np.random.Generator) -> list[SizeRow]:
    rows: list[SizeRow] = []
    for n in SIZES:
        orders = random_book(rng, n)
        table = OrderTable.from_orders(orders)
        buys = np.array([o.side == Side.BUY for o in orders])
        qty = np.array([o.quantity for o in orders])
        price = np.array([o.price for o in orders])
        bq, bp, sq, sp = qty[buys], price[buys], qty[~buys], price[~buys]
        fast = clear(orders, solver="fast")
        highs = clear(orders, solver="highs")
        table_diff = _worst(
            differences(fast, clear(table, solver="fast")),
            differences(highs, clear(table, solver="highs")),
        )
        cbc_s: float | None = None
        diff_cbc: dict[str, float] | None = None
        if n <= CBC_MAX_ORDERS:
            diff_cbc = differences(fast, clear(orders, solver="cbc"))
            cbc_s = median_time(partial(clear, orders, solver="cbc"), LP_REPEATS[n])
        rows.append(SizeRow(
            orders=n,
            fast_arrays_s=median_time(
                partial(clear_uniform_arrays, bq, bp, sq, sp), FAST_REPEATS[n]
            ),
            fast_s=median_time(partial(clear, orders, solver="fast"), FAST_REPEATS[n]),
            highs_s=median_time(partial(clear, orders, solver="highs"), LP_REPEATS[n]),
            cbc_s=cbc_s,
            table_fast_s=median_time(partial(clear, table, solver="fast"), FAST_REPEATS[n]),
            table_highs_s=median_time(partial(clear, table, solver="highs"), LP_REPEATS[n]),
            diff_fast_vs_highs=differences(fast, highs),
            diff_fast_vs_cbc=diff_cbc,
            diff_table_vs_orders=table_diff,
        ))
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
        "one_model_highs_s": median_time(lambda: clear(orders, solver="highs"), 3, warmup=0),
        "24_models_highs_s": median_time(
            lambda: [clear(h, solver="highs") for h in hours], 3, warmup=0
        ),
        "24_fast_path_s": median_time(lambda: [clear(h, solver="fast") for h in hours], 11),
        "max_price_diff": diff,
    }


def target_verdict(rows: list[SizeRow]) -> dict[str, object]:
    """Whether the fast path meets the speed target, for both forms of the book, identically."""
    row = next(r for r in rows if r.orders == TARGET_ORDERS)
    identical = max(row.max_diff.values()) <= IDENTICAL_ATOL
    return {
        "orders": TARGET_ORDERS,
        "required_speedup": TARGET_SPEEDUP,
        "speedup": row.speedup,
        "fast_ms": 1e3 * row.fast_s,
        "highs_ms": 1e3 * row.highs_s,
        "table_speedup": row.table_speedup,
        "table_fast_ms": 1e3 * row.table_fast_s,
        "table_highs_ms": 1e3 * row.table_highs_s,
        "identical": identical,
        "identical_atol": IDENTICAL_ATOL,
        "max_diff": row.max_diff,
        "met": min(row.speedup, row.table_speedup) >= TARGET_SPEEDUP and identical,
    }


def print_report(rows: list[SizeRow], day: dict[str, float]) -> None:
    """Print the table, the day comparison and the target verdict."""
    print("                 list of Order                  OrderTable")
    print(f"{'orders':>7} {'arrays ms':>10} {'fast ms':>9} {'HiGHS ms':>9} {'CBC ms':>9} "
          f"{'HiGHS/fast':>10} {'fast ms':>9} {'HiGHS ms':>9} {'HiGHS/fast':>10} "
          f"{'max dprice':>10} {'max dvolume':>11}")
    for r in rows:
        cbc = f"{1e3 * r.cbc_s:9.2f}" if r.cbc_s is not None else f"{'-':>9}"
        print(f"{r.orders:>7} {1e3 * r.fast_arrays_s:10.3f} {1e3 * r.fast_s:9.3f} "
              f"{1e3 * r.highs_s:9.2f} {cbc} {r.speedup:9.1f}x "
              f"{1e3 * r.table_fast_s:9.3f} {1e3 * r.table_highs_s:9.2f} "
              f"{r.table_speedup:9.1f}x "
              f"{r.max_diff['price']:10.1e} {r.max_diff['volume']:11.1e}")
    print(f"\nday of 24 h, {int(day['orders'])} orders: one HiGHS model "
          f"{1e3 * day['one_model_highs_s']:.1f} ms, 24 HiGHS models "
          f"{1e3 * day['24_models_highs_s']:.1f} ms, 24 fast-path clearings "
          f"{1e3 * day['24_fast_path_s']:.1f} ms (max price diff {day['max_price_diff']:.1e})")
    row = next(r for r in rows if r.orders == TARGET_ORDERS)
    worst = row.max_diff
    identical = max(worst.values()) <= IDENTICAL_ATOL
    fast_enough = min(row.speedup, row.table_speedup) >= TARGET_SPEEDUP
    print(f"\ntarget: clear(book, solver='fast') >= {TARGET_SPEEDUP:.0f}x faster than "
          f"clear(book, solver='highs') at {TARGET_ORDERS:,} orders, identical results")
    for name, highs_s, fast_s, ratio in (
        ("list of Order", row.highs_s, row.fast_s, row.speedup),
        ("OrderTable", row.table_highs_s, row.table_fast_s, row.table_speedup),
    ):
        print(f"  speed, {name}: HiGHS {1e3 * highs_s:.2f} ms / fast {1e3 * fast_s:.3f} ms = "
              f"{ratio:.1f}x -> {'MET' if ratio >= TARGET_SPEEDUP else 'NOT MET'}")
    print(f"  results (fast vs HiGHS and CBC, table vs list): max |dprice| {worst['price']:.1e}, "
          f"max |dvolume| {worst['volume']:.1e}, max |daccepted| {worst['accepted']:.1e}, "
          f"max |dpayment| {worst['payment']:.1e}, max |dwelfare| {worst['welfare']:.1e} -> "
          f"{'IDENTICAL' if identical else 'DIFFERENT'} (tolerance {IDENTICAL_ATOL:g})")
    print(f"  target {'MET' if fast_enough and identical else 'NOT MET'}")


def main() -> int:
    """Run the benchmark, print the tables and the verdicts, and write JSON.

    Returns the number of targets missed (speed-up over HiGHS; the numpy floor).
    """
    rng = np.random.default_rng(2023)
    floor = bench_floor(rng)  # first: before HiGHS has started threads in this process
    clear(random_book(rng, 10), solver="highs")  # load HiGHS once
    rows = bench_sizes(rng)
    day = bench_day(rng)
    print_report(rows, day)
    print_floor(floor)
    sizes = [
        {**asdict(r), "max_diff": r.max_diff, "speedup_fast_vs_highs": r.speedup,
         "table_speedup_fast_vs_highs": r.table_speedup}
        for r in rows
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "python": platform.python_version(),
        "machine": platform.machine(),
        "statistic": f"median wall-clock seconds after {WARMUP_CALLS} warm-up calls",
        "repeats": {"fast": FAST_REPEATS, "lp": LP_REPEATS},
        "target": target_verdict(rows),
        "sizes": sizes,
        "day_24h": day,
        "numpy_floor": floor,
    }, indent=2), encoding="utf-8")
    print(f"\nwritten {OUT}")
    return int(not target_verdict(rows)["met"]) + int(not all(r["met"] for r in floor))


if __name__ == "__main__":
    raise SystemExit(main())
