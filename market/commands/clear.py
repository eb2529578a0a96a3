"""``greenmarket clear ORDERS.csv``: clear an order book from a CSV file.

CSV columns: ``id,side,quantity,price`` (required; ``side`` is ``buy`` or ``sell``), and
optionally ``zone``, ``period``, ``block``, ``agent``, ``min_acceptance_ratio``. The row order
is the submission sequence used for tie-breaking. An optional interconnector CSV
(``from_zone,to_zone,capacity[,wheeling_fee]``) links zones.

Each column may appear once and every row needs one cell per column. Values must lie within
the limits of :mod:`market.book_limits` (quantity <= 1e9 per order, |price| <= 1e6 CNY per
unit, at most 100,000 orders). A bad file is rejected as a whole: one line on stderr naming
the file, line and column, exit code 2, nothing on stdout.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from clearing import (
    ClearingInputError,
    ClearingResult,
    InfeasibleClearing,
    Interconnector,
    MarketSpec,
    Order,
    PricingRule,
    clear,
)
from market.book_limits import (
    CAPACITY_RANGE,
    FEE_RANGE,
    MAX_BOOK_ORDERS,
    capacity_ok,
    fee_ok,
)
from market.clear_service import (
    ClearRequestError,
    check_finite,
    check_options,
    order_from_row,
    result_to_json,
)
from market.native_output import load_highs_quietly

EXIT_OK = 0
EXIT_SOLVER_FAILED = 1
EXIT_BAD_INPUT = 2

REQUIRED_COLUMNS = ("id", "side", "quantity", "price")
OPTIONAL_COLUMNS = ("zone", "period", "block", "agent", "min_acceptance_ratio")
LINK_COLUMNS = ("from_zone", "to_zone", "capacity")
OPTION_FLAGS = {"price_floor": "--price-floor", "price_cap": "--price-cap", "tick": "--tick"}


class OrderFileError(ValueError):
    """A CSV file that cannot be read as an order book or link list; names file, line and
    column."""


def _cell_error(path: Path, line: int, column: str, value: str, allowed: str) -> OrderFileError:
    return OrderFileError(
        f"{path}, line {line}: column '{column}' = {value!r} is not allowed; allowed: {allowed}"
    )


def _check_header(
    path: Path, header: list[str], required: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    known = list(required + allowed)
    for k, name in enumerate(header):
        if name == "":
            raise OrderFileError(
                f"{path}, line 1: column {k + 1} has no name; allowed names are {known}"
            )
        if name in header[:k]:
            raise OrderFileError(
                f"{path}, line 1: column {k + 1} '{name}' repeats column {header.index(name) + 1}"
                "; each column may appear once"
            )
    unknown = [c for c in header if c not in known]
    if unknown:
        raise OrderFileError(f"{path}, line 1: unknown column(s) {unknown}; allowed are {known}")
    missing = [c for c in required if c not in header]
    if missing:
        raise OrderFileError(
            f"{path}, line 1: missing column(s) {missing}; required columns are {list(required)}"
        )


def _row_length_error(path: Path, line: int, cells: int, header: list[str]) -> OrderFileError:
    if cells > len(header):
        where = f"column {len(header) + 1} has no header"
    else:
        where = f"column {cells + 1} '{header[cells]}' is missing"
    return OrderFileError(
        f"{path}, line {line}: {where} ({cells} cell(s), the header has {len(header)} "
        "column(s)); each row needs one cell per column"
    )


def _read_rows(
    path: Path, required: tuple[str, ...], allowed: tuple[str, ...], max_rows: int
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV file with their line numbers, each cell stripped.

    The header must name each column once, all ``required`` columns and otherwise only
    ``allowed`` ones; every row must have one cell per column. Blank lines are skipped.
    """
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            _check_header(path, header, required, allowed)
            for cells in reader:
                line = reader.line_num
                if not cells:
                    continue
                if len(cells) != len(header):
                    raise _row_length_error(path, line, len(cells), header)
                if len(rows) == max_rows:
                    raise OrderFileError(
                        f"{path}, line {line}: more than {max_rows} rows; at most {max_rows} "
                        "are allowed"
                    )
                rows.append((line, {k: v.strip() for k, v in zip(header, cells, strict=True)}))
    except FileNotFoundError:
        raise OrderFileError(f"{path}: file not found") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise OrderFileError(f"{path}, line {line + 1}: cannot read file ({exc})") from None
    except OSError as exc:
        raise OrderFileError(f"{path}: cannot read file ({exc})") from None
    return rows


def read_orders(path: Path) -> list[Order]:
    """Read an order book CSV (see module docstring); the row order is the sequence.

    Raises
    ------
    OrderFileError
        Naming the file, the line and the column of the first bad cell, header or row.
    """
    orders: list[Order] = []
    lines: dict[str, int] = {}
    rows = _read_rows(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, MAX_BOOK_ORDERS)
    for k, (line, row) in enumerate(rows):
        if row["id"] == "":
            raise _cell_error(path, line, "id", "", "a non-empty id")
        if row["id"] in lines:
            raise _cell_error(
                path, line, "id", row["id"], f"an id not used before (line {lines[row['id']]})"
            )
        lines[row["id"]] = line
        try:
            orders.append(order_from_row(row, k))
        except ClearRequestError as exc:
            column = exc.path.rpartition(".")[2]
            raise _cell_error(path, line, column, row.get(column, ""), exc.allowed) from None
    return orders


def _link_number(
    path: Path, line: int, row: dict[str, str], column: str, ok: Callable[[float], bool],
    allowed: str,
) -> float:
    text = row.get(column, "") or "0"
    try:
        value = float(text)
    except ValueError:
        raise _cell_error(path, line, column, text, allowed) from None
    if not ok(value):
        raise _cell_error(path, line, column, text, allowed)
    return value


def read_interconnectors(path: Path) -> list[Interconnector]:
    """Read ``from_zone,to_zone,capacity[,wheeling_fee]`` rows.

    Raises
    ------
    OrderFileError
        Naming the file, the line and the column of the first bad cell, header or row.
    """
    links: list[Interconnector] = []
    for line, row in _read_rows(path, LINK_COLUMNS, ("wheeling_fee",), MAX_BOOK_ORDERS):
        for column in ("from_zone", "to_zone"):
            if row[column] == "":
                raise _cell_error(path, line, column, "", "a zone name")
        links.append(
            Interconnector(
                row["from_zone"],
                row["to_zone"],
                _link_number(path, line, row, "capacity", capacity_ok, CAPACITY_RANGE),
                _link_number(path, line, row, "wheeling_fee", fee_ok, FEE_RANGE),
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
        check_options(args.price_floor, args.price_cap, args.tick, ())
    except ClearRequestError as exc:
        flag = OPTION_FLAGS.get(exc.path, exc.path)
        print(
            f"greenmarket clear: error: option {flag} = {exc.value!r} is not allowed; "
            f"allowed: {exc.allowed}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
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
        check_finite(result)
    except (OrderFileError, ClearingInputError, ClearRequestError) as exc:
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
