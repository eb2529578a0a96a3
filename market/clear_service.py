"""Clear an order book given as plain rows (the HTTP API's and notebooks' door to clearing).

Rows carry the same fields as the CSV of ``greenmarket clear``: ``id``, ``side`` (``buy`` or
``sell``), ``quantity``, ``price`` and optionally ``zone``, ``period``, ``block``, ``agent``,
``min_acceptance_ratio``. The answer is the same JSON object the CLI prints with ``--json``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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

SOLVERS = ("auto", "fast", "highs", "cbc")


class ClearRequestError(ValueError):
    """A book or an option is malformed; the message names the row and field."""


def _price_key(zone: str, period: int, periods: set[int]) -> str:
    return zone if len(periods) == 1 else f"{zone}/{period}"


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def result_to_json(result: ClearingResult) -> dict[str, Any]:
    """The documented JSON object: status, price, volume, welfare, accepted, payments.

    ``price`` is a number for one zone and period, otherwise an object keyed ``zone`` (one
    period) or ``zone/period``; a cell without trade has ``null``.
    """
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


def orders_from_rows(rows: Sequence[Mapping[str, Any]]) -> list[Order]:
    """Build orders from rows; the row order is the submission sequence."""
    orders: list[Order] = []
    for k, row in enumerate(rows):
        try:
            side = str(row["side"]).lower()
            if side not in ("buy", "sell"):
                raise ClearRequestError(
                    f"orders[{k}].side: got {row['side']!r}; allowed: 'buy' or 'sell'"
                )
            orders.append(
                Order(
                    id=str(row["id"]),
                    agent=str(row.get("agent") or row["id"]),
                    side=Side(side),
                    quantity=float(row["quantity"]),
                    price=float(row["price"]),
                    period=int(row.get("period") or 0),
                    zone=str(row.get("zone") or "default"),
                    block=(str(row["block"]) if row.get("block") else None),
                    min_acceptance_ratio=float(row.get("min_acceptance_ratio") or 0.0),
                    sequence=k,
                )
            )
        except KeyError as exc:
            raise ClearRequestError(f"orders[{k}]: field {exc.args[0]!r} is required") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ClearRequestError):
                raise
            raise ClearRequestError(f"orders[{k}]: {exc}") from None
    return orders


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
        On a malformed row or option, or any :class:`clearing.ClearingInputError`.
    """
    if solver not in SOLVERS:
        raise ClearRequestError(f"solver: got {solver!r}; allowed: {', '.join(SOLVERS)}")
    try:
        pricing = PricingRule(rule)
    except ValueError:
        allowed = ", ".join(r.value for r in PricingRule)
        raise ClearRequestError(f"rule: got {rule!r}; allowed: {allowed}") from None
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
        raise ClearRequestError(str(exc)) from None
    return result_to_json(result)
