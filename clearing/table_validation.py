"""Validation of an ``OrderTable`` against a market specification, column by column.

Accepts exactly the books that :func:`clearing.validation.validate_orders` accepts for the same
orders, with the same messages: each error names the order (and its row), the field, the bad
value and what is allowed. Whole columns are checked at once; a row is looked at only to name
the first bad one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing.columns import NumericColumns
from clearing.errors import ClearingInputError
from clearing.table import OrderTable
from clearing.types import MarketSpec
from clearing.validation import (
    QUANTITY_LIMIT,
    all_strings,
    is_finite_real,
    is_int,
    off_tick,
    order_error,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NUMBER_KINDS = "iuf"
"""numpy dtype kinds that hold plain numbers (booleans, text and objects do not)."""


@dataclass(frozen=True, slots=True)
class TableKeys:
    """Ids, sequences, cells and blocks of a checked table, one list per field (``BookKeys``).

    When ``shared`` is True (one period, zone, product and ratio for every row, no blocks) the
    period, zone, product and block lists hold the first row's value only.
    """

    size: int
    ids: Sequence[Any]
    sequences: Sequence[Any] | IntArray
    periods: list[Any]
    zones: list[Any]
    products: list[Any]
    blocks: list[Any]
    shared: bool


class _Rows:
    """Names rows of one table in error messages."""

    def __init__(self, table: OrderTable) -> None:
        self.ids = table.id

    def error(self, k: int, field: str, value: object, allowed: str) -> ClearingInputError:
        return order_error(self.ids[k] if k < len(self.ids) else None, field, value, allowed, k)

    def first(self, bad: BoolArray, field: str, values: Any, allowed: str) -> None:
        """Raise for the first row flagged in ``bad``, if any."""
        if bad.any():
            k = int(np.argmax(bad))
            value = values[k]
            raise self.error(k, field, value.item() if isinstance(value, np.generic) else value,
                             allowed)


def _lengths(table: OrderTable, n: int) -> None:
    for name in ("is_buy", "quantity", "price", "agent", "period", "zone", "product", "block",
                 "min_acceptance_ratio", "sequence"):
        values = getattr(table, name)
        if isinstance(values, (tuple, np.ndarray)) and len(values) != n:
            raise ClearingInputError(
                f"order table: field '{name}' has {len(values)} rows but 'id' has {n}; "
                "give one value per row (or one value for every row)"
            )


def _ids(table: OrderTable, rows: _Rows) -> tuple[Any, ...]:
    ids = table.id
    unique = set(ids) if all_strings(ids) else None
    if unique is None or "" in unique:
        k = next(k for k, i in enumerate(ids) if not (isinstance(i, str) and i))
        raise rows.error(k, "id", ids[k], f"orders[{k}] needs a non-empty string id")
    if len(unique) != len(ids):
        seen: set[str] = set()
        for k, order_id in enumerate(ids):
            if order_id in seen:
                raise rows.error(k, "id", order_id, "ids must be unique within a book")
            seen.add(order_id)
    return ids


def _numbers(rows: _Rows, name: str, values: np.ndarray, allowed: str) -> FloatArray:
    """A numeric column as float64, or its first value that is not a finite number named."""
    if values.dtype.kind in NUMBER_KINDS or values.size == 0:
        return values.astype(np.float64, copy=False)
    as_objects = values.tolist()
    for k, value in enumerate(as_objects):
        if not is_finite_real(value):
            raise rows.error(k, name, value, allowed)
    return np.array(as_objects, dtype=np.float64)


def _integers(rows: _Rows, name: str, values: np.ndarray, allowed: str) -> list[Any]:
    """An integer column as Python integers (of any size), or its first non-integer named."""
    if values.dtype.kind in "iu" or values.size == 0:
        return values.tolist()
    if values.dtype.kind == "f":
        raise ClearingInputError(
            f"order table: field '{name}' has element type {values.dtype}; must be integers"
        )
    as_objects = values.tolist()
    for k, value in enumerate(as_objects):
        if not is_int(value):
            raise rows.error(k, name, value, allowed)
    return as_objects


def _one_number(
    rows: _Rows, name: str, value: Any, allowed: str, integer: bool = False
) -> float | int:
    if not (is_int(value) if integer else is_finite_real(value)):
        raise rows.error(0, name, value, allowed)
    return value


def _text(
    rows: _Rows,
    name: str,
    values: Any,
    n: int,
    allowed: str,
    choices: frozenset[str] | None = None,
    non_empty: bool = True,
) -> list[Any]:
    """A text column as one value per row; a bad value is named by its (first) row."""

    def valid(value: Any) -> bool:
        return isinstance(value, str) and (bool(value) or not non_empty) and (
            choices is None or value in choices
        )

    if isinstance(values, tuple):
        if not (
            all_strings(values)
            and (not non_empty or "" not in values)
            and (choices is None or set(values) <= choices)
        ):
            k = next(k for k, v in enumerate(values) if not valid(v))
            raise rows.error(k, name, values[k], allowed)
        return list(values)
    if n and not valid(values):
        raise rows.error(0, name, values, allowed)
    return [values] * n


def _agents(rows: _Rows, agents: Any, n: int) -> Sequence[Any]:
    """The owners, one per row (a column given per row is returned as it is, not copied)."""
    if isinstance(agents, tuple) and all_strings(agents):
        return agents
    return _text(rows, "agent", agents, n, "must be a string", non_empty=False)


def _prices(rows: _Rows, table: OrderTable, spec: MarketSpec) -> FloatArray:
    price = _numbers(rows, "price", table.price, "must be a finite number")
    # Within floor and cap means finite too: NaN fails every comparison.
    if not (price.size and spec.price_floor <= price.min() and price.max() <= spec.price_cap):
        _name_bad_price(rows, price, spec)
    if spec.tick > 0:
        rows.first(off_tick(price, spec.tick), "price", price,
                   f"must be a multiple of tick {spec.tick}")
    return price


def _name_bad_price(rows: _Rows, price: FloatArray, spec: MarketSpec) -> None:
    """Raise for the first price that is not finite or lies outside floor and cap, if any."""
    rows.first(~np.isfinite(price), "price", price, "must be a finite number")
    rows.first(
        (price < spec.price_floor) | (price > spec.price_cap), "price", price,
        f"must lie in [price_floor, price_cap] = [{spec.price_floor}, {spec.price_cap}]",
    )


def _periods(rows: _Rows, periods: Any, n: int) -> list[Any]:
    allowed = "must be an integer >= 0"
    if isinstance(periods, np.ndarray):
        values = _integers(rows, "period", periods, allowed)
        if values and min(values) < 0:
            k = next(k for k, v in enumerate(values) if v < 0)
            raise rows.error(k, "period", values[k], allowed)
        return values
    if n:
        value = _one_number(rows, "period", periods, allowed, integer=True)
        if value < 0:
            raise rows.error(0, "period", periods, allowed)
    return [periods] * n


def _ratios(rows: _Rows, ratios: Any, n: int) -> FloatArray:
    allowed = "must be a number in [0, 1]"
    if isinstance(ratios, np.ndarray):
        values = _numbers(rows, "min_acceptance_ratio", ratios, allowed)
        rows.first(
            ~(np.isfinite(values) & (values >= 0.0) & (values <= 1.0)),
            "min_acceptance_ratio", values, allowed,
        )
        return values
    if n:
        value = _one_number(rows, "min_acceptance_ratio", ratios, allowed)
        if not 0.0 <= value <= 1.0:
            raise rows.error(0, "min_acceptance_ratio", ratios, allowed)
    return np.zeros(n) if n == 0 or ratios == 0.0 else np.full(n, float(ratios))


def _blocks(
    rows: _Rows, blocks: Any, agents: Sequence[Any], ratio: FloatArray, n: int
) -> list[Any]:
    if blocks is None:
        return [None] * n
    if not isinstance(blocks, tuple):
        raise ClearingInputError(
            f"order table: field 'block' = {blocks!r} is not allowed; "
            "pass None or one block id (or None) per row"
        )
    owner: dict[str, str] = {}
    for k, block in enumerate(blocks):
        if block is None:
            continue
        if not (isinstance(block, str) and block.strip()):
            raise rows.error(k, "block", block, "must be None or a non-empty string")
        if 0.0 < ratio[k] < 1.0:
            raise rows.error(
                k, "min_acceptance_ratio", float(ratio[k]),
                f"block {block!r} orders are all-or-nothing; use 0 or 1",
            )
        first = owner.setdefault(block, agents[k])
        if first != agents[k]:
            raise rows.error(
                k, "block", block, f"block already belongs to agent {first!r}, not {agents[k]!r}"
            )
    return list(blocks)


def _sequences(
    rows: _Rows, sequence: np.ndarray | None, n: int
) -> Sequence[Any] | IntArray:
    """Sequence numbers: ``range(n)`` when not given, an ``int64`` column as it is, else a list
    of Python integers (of any size)."""
    if sequence is None:
        return range(n)
    if sequence.dtype == np.int64:
        return sequence
    return _integers(rows, "sequence", sequence, "must be an integer")


def validate_table(table: OrderTable, spec: MarketSpec) -> tuple[TableKeys, NumericColumns]:
    """Check every column of a table against an (already checked) specification.

    Returns
    -------
    (TableKeys, NumericColumns)
        Ids, sequences, cells and blocks as lists, and the numeric columns as arrays, for
        :func:`clearing.book.build_book`.

    Raises
    ------
    ClearingInputError
        For the first bad column, naming its first bad row: the same checks as for a list of
        ``Order`` (see :func:`clearing.validation.validate_orders`), and columns of the wrong
        length.
    """
    if not isinstance(table, OrderTable):
        raise ClearingInputError(
            f"book of type {type(table).__name__} is not allowed; pass an OrderTable"
        )
    n = len(table)
    _lengths(table, n)
    rows = _Rows(table)
    ids = _ids(table, rows)
    agents = _agents(rows, table.agent, n)
    if table.is_buy.dtype.kind != "b" and n:
        raise ClearingInputError(
            f"order table: field 'is_buy' has element type {table.is_buy.dtype}; "
            "must be booleans (True for a bid)"
        )
    allowed = f"must be a number > 0 and <= {QUANTITY_LIMIT:g}"
    quantity = _numbers(rows, "quantity", table.quantity, allowed)
    if not (quantity.size and quantity.min() > 0.0 and quantity.max() <= QUANTITY_LIMIT):
        rows.first(
            ~((quantity > 0.0) & (quantity <= QUANTITY_LIMIT)), "quantity", quantity, allowed
        )
    price = _prices(rows, table, spec)
    shared = n > 0 and table.block is None and not any(
        isinstance(getattr(table, name), (tuple, np.ndarray))
        for name in ("period", "zone", "product", "min_acceptance_ratio")
    )
    width = 1 if shared else n  # shared: the first row's value stands for every row
    periods = _periods(rows, table.period, width)
    zones = _text(rows, "zone", table.zone, width, f"must be one of {sorted(spec.zones)}",
                  frozenset(spec.zones))
    products = _text(rows, "product", table.product, width, "must be a non-empty string")
    ratio = _ratios(rows, table.min_acceptance_ratio, n)
    blocks = _blocks(rows, table.block, agents, ratio, width)
    sequences = _sequences(rows, table.sequence, n)
    keys = TableKeys(n, ids, sequences, periods, zones, products, blocks, shared)
    return keys, NumericColumns(quantity=quantity, price=price, ratio=ratio,
                                is_buy=np.asarray(table.is_buy, dtype=bool))
