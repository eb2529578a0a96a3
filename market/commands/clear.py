"""``greenmarket clear ORDERS.csv``: clear an order book from a CSV file.

CSV columns: ``id,side,quantity,price`` (required; ``side`` is ``buy`` or ``sell``), and
optionally ``zone``, ``period``, ``block``, ``agent``, ``min_acceptance_ratio``. The row order
is the submission sequence used for tie-breaking. An optional interconnector CSV
(``from_zone,to_zone,capacity[,wheeling_fee]``) links zones.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path

from clearing import (
    ClearingInputError,
    ClearingResult,
    InfeasibleClearing,
    Interconnector,
    MarketSpec,
    Order,
    PricingRule,
    Side,
    clear,
)
from market.clear_service import result_to_json
from market.native_output import load_highs_quietly

EXIT_OK = 0
EXIT_SOLVER_FAILED = 1
EXIT_BAD_INPUT = 2

REQUIRED_COLUMNS = ("id", "side", "quantity", "price")
OPTIONAL_COLUMNS = ("zone", "period", "block", "agent", "min_acceptance_ratio")
LINK_COLUMNS = ("from_zone", "to_zone", "capacity")


class OrderFileError(ValueError):
    """A CSV file that cannot be read as an order book or link list."""


def _read_rows(
    path: Path, required: tuple[str, ...], allowed: tuple[str, ...]
) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise OrderFileError(
                    f"{path}: missing column(s) {missing}; required columns are {list(required)}"
                )
            unknown = [c for c in header if c not in required + allowed]
            if unknown:
                raise OrderFileError(
                    f"{path}: unknown column(s) {unknown}; allowed are {list(required + allowed)}"
                )
            reader.fieldnames = header
            rows = [
                {k: (v or "").strip() for k, v in row.items() if k is not None} for row in reader
            ]
    except FileNotFoundError:
        raise OrderFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise OrderFileError(f"{path}: cannot read file ({exc})") from None
    return rows


def _number(row: dict[str, str], column: str, line: int, path: Path) -> float:
    text = row.get(column, "")
    try:
        return float(text)
    except ValueError:
        raise OrderFileError(
            f"{path}, line {line}: column '{column}' = {text!r} is not a number"
        ) from None


def _integer(row: dict[str, str], column: str, line: int, path: Path, default: int) -> int:
    text = row.get(column, "")
    if text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise OrderFileError(
            f"{path}, line {line}: column '{column}' = {text!r} is not an integer"
        ) from None


def read_orders(path: Path) -> list[Order]:
    """Read an order book CSV (see module docstring); the row order is the sequence."""
    orders: list[Order] = []
    for k, row in enumerate(_read_rows(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)):
        line = k + 2
        side_text = row["side"].lower()
        if side_text not in ("buy", "sell"):
            raise OrderFileError(
                f"{path}, line {line}: column 'side' = {row['side']!r} must be 'buy' or 'sell'"
            )
        ratio_text = row.get("min_acceptance_ratio", "")
        orders.append(
            Order(
                id=row["id"],
                agent=row.get("agent", "") or row["id"],
                side=Side(side_text),
                quantity=_number(row, "quantity", line, path),
                price=_number(row, "price", line, path),
                period=_integer(row, "period", line, path, 0),
                zone=row.get("zone", "") or "default",
                block=row.get("block", "") or None,
                min_acceptance_ratio=(
                    _number(row, "min_acceptance_ratio", line, path) if ratio_text else 0.0
                ),
                sequence=k,
            )
        )
    return orders


def read_interconnectors(path: Path) -> list[Interconnector]:
    """Read ``from_zone,to_zone,capacity[,wheeling_fee]`` rows."""
    links: list[Interconnector] = []
    for k, row in enumerate(_read_rows(path, LINK_COLUMNS, ("wheeling_fee",))):
        line = k + 2
        fee = _number(row, "wheeling_fee", line, path) if row.get("wheeling_fee") else 0.0
        links.append(
            Interconnector(
                row["from_zone"], row["to_zone"], _number(row, "capacity", line, path), fee
            )
        )
    return links


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
    try:
        orders = read_orders(Path(args.orders))
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
    except (OrderFileError, ClearingInputError) as exc:
        print(f"greenmarket clear: error: {exc}", file=sys.stderr)
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
    parser.add_argument(
        "--rule", choices=[r.value for r in PricingRule], default=PricingRule.PAY_AS_CLEAR.value
    )
    parser.add_argument("--solver", choices=["auto", "fast", "highs", "cbc"], default="auto")
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
