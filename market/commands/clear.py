"""``greenmarket clear ORDERS.csv``: clear an order book from a CSV file.

CSV columns: ``id,side,quantity,price`` (required; ``side`` is ``buy`` or ``sell``), and
optionally ``zone``, ``period``, ``block``, ``agent``, ``min_acceptance_ratio``. The row order
is the submission sequence used for tie-breaking. An optional interconnector CSV
(``from_zone,to_zone,capacity[,wheeling_fee]``) links zones.

Each column may appear once and every row needs one cell per column. Values must lie within
the limits of :mod:`market.book_limits` (quantity <= 1e9 per order, |price| <= 1e6 CNY per
unit, at most 100,000 orders). A bad file is rejected as a whole: one line on stderr naming
the file, line and column, exit code 2, nothing on stdout. Reading the files lives in
:mod:`market.order_files`; this module imports it (and the clearing engine) only when the
command runs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clearing import ClearingResult, Order

EXIT_OK = 0
EXIT_SOLVER_FAILED = 1
EXIT_BAD_INPUT = 2

#: Pricing rules and solvers offered (the values of ``clearing.PricingRule`` and the solvers of
#: ``clearing.clear``); spelled out so that building the parser imports no clearing code.
RULES = ("pay_as_clear", "pay_as_bid")
SOLVERS = ("auto", "fast", "highs", "cbc")
OPTION_FLAGS = {"price_floor": "--price-floor", "price_cap": "--price-cap", "tick": "--tick"}


def format_table(result: ClearingResult, orders: list[Order]) -> str:
    """A readable summary and one row per order."""
    lines = [
        f"status   {result.status}",
        f"solver   {result.solver} ({result.solve_time_s * 1000:.1f} ms)",
        f"volume   {result.volume:.6g}",
        f"welfare  {result.welfare:.6g}",
    ]
    for (product, zone, period), value in sorted(result.prices.items()):
        low, high = result.price_intervals.get((product, zone, period), (math.nan, math.nan))
        lines.append(
            f"price    zone {zone} period {period}: {value:.6g} "
            f"(clearing interval {low:.6g} .. {high:.6g})"
        )
    for (src, dst, period), flow in sorted(result.flows.items()):
        lines.append(f"flow     {src} -> {dst} period {period}: {flow:.6g}")
    if result.paradoxically_accepted_blocks:
        lines.append(f"paradoxically accepted: {', '.join(result.paradoxically_accepted_blocks)}")
    width = max([len(o.id) for o in orders] + [2])
    lines.append("")
    lines.append(
        f"{'id':<{width}}  side  zone/period  {'quantity':>10}  {'price':>10}  "
        f"{'accepted':>10}  {'payment':>12}"
    )
    for o in orders:
        lines.append(
            f"{o.id:<{width}}  {o.side.value:<4}  {o.zone + '/' + str(o.period):<11}  "
            f"{o.quantity:>10.6g}  {o.price:>10.6g}  {result.accepted[o.id]:>10.6g}  "
            f"{result.payments[o.id]:>12.6g}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Execute ``greenmarket clear``; returns the process exit code."""
    from clearing import (
        ClearingInputError,
        InfeasibleClearing,
        MarketSpec,
        PricingRule,
        clear,
    )
    from market.clear_service import (
        ClearRequestError,
        check_finite,
        check_options,
        result_to_json,
    )
    from market.native_output import load_highs_quietly
    from market.order_files import (
        OrderFileError,
        locate_order_error,
        read_interconnectors,
        read_orders_with_lines,
    )

    try:
        check_options(args.price_floor, args.price_cap, args.tick, ())
    except ClearRequestError as exc:
        flag = OPTION_FLAGS.get(exc.path, exc.path)
        print(
            f"greenmarket clear: error: option {flag} = {exc.value!r} is not allowed; "
            f"allowed: {exc.allowed}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    lines: dict[str, int] = {}
    try:
        orders, lines = read_orders_with_lines(Path(args.orders))
        links = read_interconnectors(Path(args.interconnectors)) if args.interconnectors else []
        zones = {o.zone for o in orders} | {z for ic in links for z in (ic.from_zone, ic.to_zone)}
        spec = MarketSpec(
            rule=PricingRule(args.rule),
            price_floor=args.price_floor,
            price_cap=args.price_cap,
            tick=args.tick,
            zones=tuple(sorted(zones)) or ("default",),
            interconnectors=tuple(links),
        )
        if args.solver in ("auto", "highs"):
            load_highs_quietly()
        result = clear(orders, spec, solver=args.solver)
        check_finite(result)
    except (OrderFileError, ClearRequestError) as exc:
        print(f"greenmarket clear: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ClearingInputError as exc:
        message = locate_order_error(Path(args.orders), lines, exc)
        print(f"greenmarket clear: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except InfeasibleClearing as exc:
        print(f"greenmarket clear: solver failed: {exc}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    if args.json:
        print(json.dumps(result_to_json(result), allow_nan=False))
    else:
        print(format_table(result, orders))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``clear`` sub-command to the greenmarket CLI."""
    parser = subparsers.add_parser(
        "clear",
        help="clear an order book CSV (call auction)",
        description=(
            "Clear an order book: uniform price (pay_as_clear) or pay_as_bid. CSV columns "
            "id,side,quantity,price; optional zone,period,block,agent,min_acceptance_ratio."
        ),
    )
    parser.add_argument("orders", metavar="ORDERS.csv", help="order book CSV file")
    parser.add_argument("--rule", choices=RULES, default=RULES[0])
    parser.add_argument("--solver", choices=SOLVERS, default="auto")
    parser.add_argument("--price-floor", type=float, default=0.0, metavar="X")
    parser.add_argument("--price-cap", type=float, default=1e6, metavar="Y")
    parser.add_argument("--tick", type=float, default=0.0, help="price grid (0 = continuous)")
    parser.add_argument(
        "--interconnectors",
        metavar="LINKS.csv",
        help="CSV with from_zone,to_zone,capacity[,wheeling_fee]",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)
