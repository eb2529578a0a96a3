"""The fast path against a plain numpy uniform-price clearing of the same book.

The reference does the least any exact uniform-price clearing does: bids sorted by descending
and offers by ascending price (stable, so earlier orders win ties), cumulative quantities, the
largest tradable volume, the accepted quantity of every order, the midpoint price of the clearing
interval, payments and welfare, all in numpy. For a book given as a list of ``Order`` it first
reads each order's side, quantity and price into arrays (three passes over the objects); for an
``OrderTable`` it takes the columns as they are. ``clear(book, solver="fast")`` does this and
also checks every field of every order (unique string ids, finite positive quantities, prices
within floor and cap, ...), breaks ties by sequence and id, and builds a ``ClearingResult``.

Timing: the reference and ``clear`` are called in alternation in rounds of a few calls each; the
ratio of the two medians is taken in each round and the median over rounds is reported, so both
see the same machine load.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing import ClearingResult, Order, OrderTable, Side, clear

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

ORDERS_A_SIDE = (1_000, 10_000)
TARGET_RATIO = 2.0
ROUNDS = {1_000: 41, 10_000: 15}
CALLS_PER_ROUND = {1_000: 9, 10_000: 3}
IDENTICAL_ATOL = 1e-6


@dataclass(frozen=True)
class ReferenceClearing:
    """What the plain numpy reference computes, per order in input order."""

    price: float
    volume: float
    accepted: FloatArray
    payments: FloatArray
    welfare: float


def _fill(qty: FloatArray, cum: FloatArray, volume: float, tol: float
          ) -> tuple[int, int, FloatArray]:
    """Orders in merit order filled up to ``volume``: (fully accepted, accepted, quantities)."""
    before = cum - qty
    full = cum <= volume + tol
    some = before < volume - tol
    accepted = np.where(full, qty, np.where(some, volume - before, 0.0))
    return int(np.count_nonzero(full)), int(np.count_nonzero(some)), accepted


def numpy_uniform_clearing(is_buy: BoolArray, quantity: FloatArray, price: FloatArray
                           ) -> ReferenceClearing:
    """Plain numpy uniform-price clearing of one divisible book (ties by input position)."""
    buys = np.flatnonzero(is_buy)
    sells = np.flatnonzero(~is_buy)
    buys = buys[np.argsort(-price[buys], kind="stable")]
    sells = sells[np.argsort(price[sells], kind="stable")]
    bq, bp, sq, sp = quantity[buys], price[buys], quantity[sells], price[sells]
    b_cum, s_cum = np.cumsum(bq), np.cumsum(sq)
    offers_at_bid = np.searchsorted(sp, bp, side="right")
    tradable = np.minimum(b_cum, np.concatenate(([0.0], s_cum))[offers_at_bid])
    best = int(tradable.argmax()) if tradable.size else 0
    volume = float(tradable[best]) if tradable.size else 0.0
    tol = 1e-12 * volume
    n_buys, n_sells = (best + 1, int(offers_at_bid[best])) if volume > 0.0 else (0, 0)
    b_full, b_some, b_acc = _fill(bq[:n_buys], b_cum[:n_buys], volume, tol)
    s_full, s_some, s_acc = _fill(sq[:n_sells], s_cum[:n_sells], volume, tol)
    accepted = np.zeros(quantity.size)
    accepted[buys[:n_buys]] = b_acc
    accepted[sells[:n_sells]] = s_acc
    low = max(0.0, float(bp[b_full]) if b_full < bp.size else -math.inf,
              float(sp[s_some - 1]) if s_some else -math.inf)
    high = min(1e6, float(bp[b_some - 1]) if b_some else math.inf,
               float(sp[s_full]) if s_full < sp.size else math.inf)
    clearing_price = 0.5 * (low + high) if volume > 0.0 else math.nan
    signed = np.where(is_buy, accepted, -accepted)
    payments = (clearing_price if volume > 0.0 else 0.0) * signed
    welfare = float(np.multiply(price, signed).sum())
    return ReferenceClearing(clearing_price, volume, accepted, payments, welfare)


def numpy_clearing_of_orders(orders: list[Order]) -> ReferenceClearing:
    """The reference on a list of ``Order``: read side, quantity and price, then clear."""
    n = len(orders)
    is_buy = np.fromiter([o.side is Side.BUY for o in orders], np.bool_, n)
    quantity = np.fromiter([o.quantity for o in orders], np.float64, n)
    price = np.fromiter([o.price for o in orders], np.float64, n)
    return numpy_uniform_clearing(is_buy, quantity, price)


def floor_book(rng: np.random.Generator, per_side: int) -> list[Order]:
    """``per_side`` bids and offers in random order: 300-500 CNY/MWh on a 1 CNY grid, 0.1-5 MWh."""
    n = 2 * per_side
    is_buy = np.arange(n) < per_side
    rng.shuffle(is_buy)
    price = rng.integers(300, 501, n).astype(float)
    quantity = np.round(rng.uniform(0.1, 5.0, n), 3)
    return [
        Order(f"o{k:06d}", f"firm{k % 1000}", Side.BUY if is_buy[k] else Side.SELL,
              float(quantity[k]), float(price[k]), sequence=k)
        for k in range(n)
    ]


def largest_difference(result: ClearingResult, ids: list[str], ref: ReferenceClearing) -> float:
    """Largest absolute difference in price, volume, accepted quantity, payment and welfare."""
    accepted = result.accepted
    payments = result.payments
    both_nan = math.isnan(result.price) and math.isnan(ref.price)
    return max(
        0.0 if both_nan else abs(result.price - ref.price),
        abs(result.volume - ref.volume),
        abs(result.welfare - ref.welfare),
        max(abs(accepted[i] - a) for i, a in zip(ids, ref.accepted.tolist(), strict=True)),
        max(abs(payments[i] - p) for i, p in zip(ids, ref.payments.tolist(), strict=True)),
    )


def ratio_of_medians(fast: Callable[[], Any], reference: Callable[[], Any], rounds: int,
                     calls: int) -> tuple[float, float, float]:
    """Median over rounds of (median ``fast`` time / median ``reference`` time), and both
    overall medians in seconds."""
    ratios: list[float] = []
    fast_all: list[float] = []
    ref_all: list[float] = []
    for _ in range(3):
        fast()
        reference()
    for _ in range(rounds):
        times: dict[str, list[float]] = {"fast": [], "ref": []}
        for _ in range(calls):
            for name, fn in (("ref", reference), ("fast", fast)):
                started = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - started)
        ratios.append(statistics.median(times["fast"]) / statistics.median(times["ref"]))
        fast_all += times["fast"]
        ref_all += times["ref"]
    return statistics.median(ratios), statistics.median(fast_all), statistics.median(ref_all)


def identical_to_solvers(orders: list[Order]) -> float:
    """Largest difference between the numpy reference and the fast path (both forms), HiGHS
    and CBC on one book."""
    table = OrderTable.from_orders(orders)
    ids = [o.id for o in orders]
    ref = numpy_clearing_of_orders(orders)
    return max(
        largest_difference(clear(orders, solver="fast"), ids, ref),
        largest_difference(clear(table, solver="fast"), ids, ref),
        largest_difference(clear(orders, solver="highs"), ids, ref),
        largest_difference(clear(table, solver="cbc"), ids, ref),
    )


def bench_floor(rng: np.random.Generator) -> list[dict[str, Any]]:
    """Ratio of ``clear(book, solver="fast")`` to the numpy reference for both forms and sizes.

    Every timing comes first; then the fast path, the reference, HiGHS and CBC are checked to
    give the same result (the LP solvers leave threads behind that would disturb the timing).
    """
    rows: list[dict[str, Any]] = []
    books: dict[int, list[Order]] = {}
    for per_side in ORDERS_A_SIDE:
        orders = books[per_side] = floor_book(rng, per_side)
        table = OrderTable.from_orders(orders)
        is_buy, quantity, price = table.is_buy, table.quantity, table.price
        for form, book, reference in (
            ("list of Order", orders, lambda o=orders: numpy_clearing_of_orders(o)),
            ("OrderTable", table,
             lambda b=is_buy, q=quantity, p=price: numpy_uniform_clearing(b, q, p)),
        ):
            ratio, fast_s, ref_s = ratio_of_medians(
                lambda b=book: clear(b, solver="fast"), reference, ROUNDS[per_side],
                CALLS_PER_ROUND[per_side],
            )
            rows.append({"orders_a_side": per_side, "form": form, "fast_ms": 1e3 * fast_s,
                         "numpy_ms": 1e3 * ref_s, "ratio": ratio})
    diffs = {per_side: identical_to_solvers(orders) for per_side, orders in books.items()}
    for row in rows:
        diff = diffs[row["orders_a_side"]]
        row["max_diff_fast_numpy_highs_cbc"] = diff
        row["met"] = row["ratio"] <= TARGET_RATIO and diff <= IDENTICAL_ATOL
    return rows


def print_floor(rows: list[dict[str, Any]]) -> None:
    """One line per size and form, with PASS or FAIL."""
    print(f"\ntarget: clear(book, solver='fast') within {TARGET_RATIO:g}x of a plain numpy "
          "uniform-price clearing of the same book, identical to HiGHS and CBC")
    for r in rows:
        print(f"  {r['orders_a_side']:>6,} orders a side, {r['form']:<13}: fast "
              f"{r['fast_ms']:8.3f} ms, numpy {r['numpy_ms']:8.3f} ms, ratio {r['ratio']:4.2f}x, "
              f"max |diff| vs numpy/HiGHS/CBC {r['max_diff_fast_numpy_highs_cbc']:.1e} -> "
              f"{'PASS' if r['met'] else 'FAIL'}")


def main() -> int:
    """Run the floor comparison alone; exit code 1 when a size or form misses the target."""
    rows = bench_floor(np.random.default_rng(2024))
    print_floor(rows)
    return int(not all(r["met"] for r in rows))


if __name__ == "__main__":
    raise SystemExit(main())
