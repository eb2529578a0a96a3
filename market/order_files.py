"""Order book and interconnector CSV files, read into clearing orders and links.

Order book columns: ``id,side,quantity,price`` (required; ``side`` is ``buy`` or ``sell``), and
optionally ``zone``, ``period``, ``block``, ``agent``, ``min_acceptance_ratio``. The row order
is the submission sequence used for tie-breaking. Interconnector columns:
``from_zone,to_zone,capacity[,wheeling_fee]``.

Each column may appear once and every row needs one cell per column; blank lines are skipped.
Values must lie within the limits of :mod:`market.book_limits`. A bad file is rejected as a
whole with an :class:`OrderFileError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from clearing import Interconnector, Order
from market.book_limits import (
    CAPACITY_RANGE,
    FEE_RANGE,
    MAX_BOOK_ORDERS,
    capacity_ok,
    fee_ok,
)
from market.clear_service import ClearRequestError, order_from_row

REQUIRED_COLUMNS = ("id", "side", "quantity", "price")
OPTIONAL_COLUMNS = ("zone", "period", "block", "agent", "min_acceptance_ratio")
LINK_COLUMNS = ("from_zone", "to_zone", "capacity")


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
    return read_orders_with_lines(path)[0]


def read_orders_with_lines(path: Path) -> tuple[list[Order], dict[str, int]]:
    """Read an order book CSV; also return the line of each order id (to name it in errors).

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
    return orders, lines


def locate_order_error(path: Path, lines: dict[str, int], exc: Exception) -> str:
    """The message of a clearing error about one order, prefixed with its file, line and column.

    Errors that name no order of the file keep their message.
    """
    order_id = getattr(exc, "order_id", None)
    field = getattr(exc, "field", None)
    if not isinstance(order_id, str) or order_id not in lines or not field:
        return str(exc)
    return f"{path}, line {lines[order_id]}: column '{field}': {exc}"


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
    seen: dict[tuple[str, str], int] = {}
    for line, row in _read_rows(path, LINK_COLUMNS, ("wheeling_fee",), MAX_BOOK_ORDERS):
        for column in ("from_zone", "to_zone"):
            if row[column] == "":
                raise _cell_error(path, line, column, "", "a zone name")
        key = (row["from_zone"], row["to_zone"])
        if key[0] == key[1]:
            raise _cell_error(path, line, "to_zone", key[1], "a zone other than from_zone")
        if key in seen:
            raise _cell_error(
                path, line, "to_zone", key[1], f"a link not given before (line {seen[key]})"
            )
        seen[key] = line
        links.append(
            Interconnector(
                row["from_zone"],
                row["to_zone"],
                _link_number(path, line, row, "capacity", capacity_ok, CAPACITY_RANGE),
                _link_number(path, line, row, "wheeling_fee", fee_ok, FEE_RANGE),
            )
        )
    return links
