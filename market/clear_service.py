"""Clear an order book given as plain rows (the HTTP API's and notebooks' door to clearing).

Rows carry the same fields as the CSV of ``greenmarket clear``: ``id``, ``side`` (``buy`` or
``sell``), ``quantity``, ``price`` and optionally ``zone``, ``period``, ``block``, ``agent``,
``min_acceptance_ratio``. The answer is the same JSON object the CLI prints with ``--json``.
Values must lie within the limits of :mod:`market.book_limits`, so every figure of the answer
is finite.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from clearing import (
    ClearingInputError,
    ClearingResult,
    Interconnector,
    MarketSpec,
    Order,
    PricingRule,
    Side,
    clear,
)
from market.book_limits import (
    CAPACITY_RANGE,
    FEE_RANGE,
    MAX_ABS_PRICE_CNY_PER_UNIT,
    MAX_BOOK_ORDERS,
    PERIOD_RANGE,
    PRICE_RANGE,
    QUANTITY_RANGE,
    RATIO_RANGE,
    capacity_ok,
    fee_ok,
    period_ok,
    price_ok,
    quantity_ok,
    ratio_ok,
)

SOLVERS = ("auto", "fast", "highs", "cbc")
ROW_FIELDS = frozenset(
    {"id", "side", "quantity", "price", "zone", "period", "block", "agent",
     "min_acceptance_ratio"}
)


class ClearRequestError(ValueError):
    """A book or an option is malformed; names the field path, the value and what is allowed.

    Parameters
    ----------
    path
        Field path, e.g. ``orders[3].quantity``.
    value
        The value given.
    allowed
        What would have been accepted, in words.
    """

    def __init__(self, path: str, value: object, allowed: str) -> None:
        self.path = path
        self.value = value
        self.allowed = allowed
        super().__init__(f"{path}: got {value!r}; allowed: {allowed}")


def _price_key(zone: str, period: int, periods: set[int]) -> str:
    return zone if len(periods) == 1 else f"{zone}/{period}"


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def check_finite(result: ClearingResult) -> None:
    """Raise unless volume, welfare, prices, accepted quantities and payments are finite.

    A price is ``nan`` for a cell without trade (published as ``null``); nothing else may be
    ``nan`` or infinite.

    Raises
    ------
    ClearRequestError
        Naming the first figure that is not finite.
    """
    figures: list[tuple[str, float]] = [("volume", result.volume), ("welfare", result.welfare)]
    figures += [(f"accepted[{oid!r}]", v) for oid, v in result.accepted.items()]
    figures += [(f"payments[{oid!r}]", v) for oid, v in result.payments.items()]
    figures += [(f"price[{cell!r}]", v) for cell, v in result.prices.items() if not math.isnan(v)]
    for name, value in figures:
        if not math.isfinite(value):
            raise ClearRequestError(
                f"result.{name}", value, "a finite number; the book's figures are too large"
            )


def result_to_json(result: ClearingResult) -> dict[str, Any]:
    """The documented JSON object: status, price, volume, welfare, accepted, payments.

    ``price`` is a number for one zone and period, otherwise an object keyed ``zone`` (one
    period) or ``zone/period``; a cell without trade has ``null``.

    Raises
    ------
    ClearRequestError
        When a figure is not finite (see :func:`check_finite`).
    """
    check_finite(result)
    periods = {period for (_p, _z, period) in result.prices}
    price: float | None | dict[str, float | None]
    if len(result.prices) == 1:
        price = _json_number(next(iter(result.prices.values())))
    elif not result.prices:
        price = None
    else:
        price = {
            _price_key(zone, period, periods): _json_number(value)
            for (_p, zone, period), value in sorted(result.prices.items())
        }
    return {
        "status": result.status,
        "price": price,
        "volume": result.volume,
        "welfare": result.welfare,
        "accepted": dict(result.accepted),
        "payments": dict(result.payments),
    }


def _number(
    row: Mapping[str, Any], path: str, name: str, ok: Callable[[float], bool], allowed: str
) -> float:
    value = row[name]
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ClearRequestError(f"{path}.{name}", value, allowed) from None
    if not ok(number):
        raise ClearRequestError(f"{path}.{name}", value, allowed)
    return number


def _period(row: Mapping[str, Any], path: str) -> int:
    value = row.get("period")
    if value is None or value == "":
        return 0
    try:
        if isinstance(value, bool | float):
            raise TypeError
        period = int(value)
    except (TypeError, ValueError):
        raise ClearRequestError(f"{path}.period", value, PERIOD_RANGE) from None
    if not period_ok(period):
        raise ClearRequestError(f"{path}.period", value, PERIOD_RANGE)
    return period


def _text(row: Mapping[str, Any], path: str, name: str) -> str | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ClearRequestError(f"{path}.{name}", value, "a string")
    return value


def order_from_row(row: Mapping[str, Any], k: int) -> Order:
    """Build the order of row ``k`` (its submission sequence).

    Raises
    ------
    ClearRequestError
        With path ``orders[k].<field>`` for a missing, unknown or malformed field or a value
        outside the limits of :mod:`market.book_limits`.
    """
    path = f"orders[{k}]"
    if not isinstance(row, Mapping):
        raise ClearRequestError(path, row, "an object with fields id, side, quantity, price")
    unknown = sorted(str(name) for name in row if name not in ROW_FIELDS)
    if unknown:
        raise ClearRequestError(f"{path}.{unknown[0]}", row[unknown[0]],
                                f"known fields only: {', '.join(sorted(ROW_FIELDS))}")
    for name in ("id", "side", "quantity", "price"):
        if name not in row:
            raise ClearRequestError(f"{path}.{name}", "<missing>", f"field {name!r} is required")
    oid = row["id"]
    if not (isinstance(oid, str | int) and not isinstance(oid, bool) and str(oid)):
        raise ClearRequestError(f"{path}.id", oid, "a non-empty string")
    side = row["side"]
    if not (isinstance(side, str) and side.lower() in ("buy", "sell")):
        raise ClearRequestError(f"{path}.side", side, "'buy' or 'sell'")
    ratio_given = row.get("min_acceptance_ratio") not in (None, "")
    return Order(
        id=str(oid),
        agent=_text(row, path, "agent") or str(oid),
        side=Side(side.lower()),
        quantity=_number(row, path, "quantity", quantity_ok, QUANTITY_RANGE),
        price=_number(row, path, "price", price_ok, PRICE_RANGE),
        period=_period(row, path),
        zone=_text(row, path, "zone") or "default",
        block=_text(row, path, "block"),
        min_acceptance_ratio=(
            _number(row, path, "min_acceptance_ratio", ratio_ok, RATIO_RANGE)
            if ratio_given else 0.0
        ),
        sequence=k,
    )


def orders_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[Order]:
    """Build orders from rows; the row order is the submission sequence.

    Raises
    ------
    ClearRequestError
        For the first bad row: a missing, unknown or malformed field, a value outside the
        limits of :mod:`market.book_limits`, a repeated id, or more than ``MAX_BOOK_ORDERS``
        rows.
    """
    if len(rows) > MAX_BOOK_ORDERS:
        raise ClearRequestError(
            "orders", f"{len(rows)} orders", f"at most {MAX_BOOK_ORDERS} orders per book"
        )
    orders: list[Order] = []
    seen: set[str] = set()
    for k, row in enumerate(rows):
        order = order_from_row(row, k)
        if order.id in seen:
            raise ClearRequestError(f"orders[{k}].id", order.id, "an id not used by another order")
        seen.add(order.id)
        orders.append(order)
    return orders


def check_options(
    price_floor: float, price_cap: float, tick: float, interconnectors: Sequence[Interconnector]
) -> None:
    """Check price floor and cap, tick and interconnectors against :mod:`market.book_limits`.

    Raises
    ------
    ClearRequestError
        Naming the option (``price_floor``, ``interconnectors[k].capacity``, ...).
    """
    for name, value in (("price_floor", price_floor), ("price_cap", price_cap)):
        if not (isinstance(value, int | float) and price_ok(value)):
            raise ClearRequestError(name, value, PRICE_RANGE)
    if price_floor >= price_cap:
        raise ClearRequestError("price_cap", price_cap, f"a number above price_floor {price_floor}")
    if not (isinstance(tick, int | float) and 0 <= tick <= MAX_ABS_PRICE_CNY_PER_UNIT):
        raise ClearRequestError(
            "tick", tick, f"a number in [0, {MAX_ABS_PRICE_CNY_PER_UNIT:g}] (0 = continuous)"
        )
    for k, link in enumerate(interconnectors):
        if not capacity_ok(link.capacity):
            raise ClearRequestError(f"interconnectors[{k}].capacity", link.capacity,
                                    CAPACITY_RANGE)
        if not fee_ok(link.wheeling_fee):
            raise ClearRequestError(f"interconnectors[{k}].wheeling_fee", link.wheeling_fee,
                                    FEE_RANGE)


def clear_book(
    rows: Sequence[Mapping[str, Any]],
    *,
    rule: str = "pay_as_clear",
    solver: str = "auto",
    price_floor: float = 0.0,
    price_cap: float = 1e6,
    tick: float = 0.0,
    interconnectors: Sequence[Interconnector] = (),
) -> dict[str, Any]:
    """Clear a book of rows and return the documented JSON object.

    Raises
    ------
    ClearRequestError
        On a malformed row or option, a value outside the limits of
        :mod:`market.book_limits`, any :class:`clearing.ClearingInputError`, or a result figure
        that is not finite.
    """
    if solver not in SOLVERS:
        raise ClearRequestError("solver", solver, ", ".join(SOLVERS))
    try:
        pricing = PricingRule(rule)
    except ValueError:
        raise ClearRequestError("rule", rule, ", ".join(r.value for r in PricingRule)) from None
    check_options(price_floor, price_cap, tick, interconnectors)
    orders = orders_from_rows(rows)
    zones = {o.zone for o in orders} | {
        z for link in interconnectors for z in (link.from_zone, link.to_zone)
    }
    try:
        spec = MarketSpec(
            rule=pricing,
            price_floor=price_floor,
            price_cap=price_cap,
            tick=tick,
            zones=tuple(sorted(zones)) or ("default",),
            interconnectors=tuple(interconnectors),
        )
        result = clear(orders, spec, solver=solver)
    except ClearingInputError as exc:
        raise _located(exc, orders) from None
    return result_to_json(result)


def _located(exc: ClearingInputError, orders: Sequence[Order]) -> ClearRequestError:
    """The clearing error as a request error with the path of the order and field at fault."""
    index = {order.id: k for k, order in enumerate(orders)}
    if isinstance(exc.order_id, str) and exc.order_id in index and exc.field:
        k = index[exc.order_id]
        value = getattr(orders[k], exc.field, None)
        return ClearRequestError(f"orders[{k}].{exc.field}", value, str(exc))
    return ClearRequestError("orders", "<book>", str(exc))
