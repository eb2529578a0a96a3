"""Validation of an order book and market specification before clearing.

Every check runs before any computation, so a bad book never yields a partial result. Each error
names the order (or specification field), the field, the bad value and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from operator import countOf
from typing import Any

import numpy as np
import numpy.typing as npt

from clearing.columns import (
    NumericColumns,
    OrderColumns,
    buy_mask,
    extract_columns,
    numeric_columns,
)
from clearing.errors import ClearingInputError
from clearing.types import Interconnector, MarketSpec, Order, PricingRule, Side

TIE_BREAK_RULES: tuple[str, ...] = ("price_sequence_id",)
INT_TYPES = frozenset({int, np.int64, np.int32})
NUMBER_TYPES = INT_TYPES | {float, np.float64, np.float32}
TICK_RTOL = 1e-9
#: Largest order quantity, in the product's unit. Far above any physical book, it keeps every
#: quantity × price sum, welfare and payment finite together with :data:`PRICE_LIMIT`.
QUANTITY_LIMIT = 1e15
#: Largest magnitude of the price floor, price cap and wheeling fees, in money per unit (so of
#: every order price, which lies between floor and cap).
PRICE_LIMIT = 1e12
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def is_real(value: object) -> bool:
    """True for a real number that is not a bool."""
    return isinstance(value, Real) and not isinstance(value, bool)


def is_finite_real(value: object) -> bool:
    """True for a real number that is not a bool and is finite as a float.

    An integer too large for a float is not finite here (``math.isfinite`` would raise).
    """
    if not is_real(value):
        return False
    try:
        return math.isfinite(value)  # type: ignore[arg-type]
    except OverflowError:
        return False


def is_int(value: object) -> bool:
    """True for an integer that is not a bool."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def on_tick(value: float, tick: float) -> bool:
    """True when ``value`` is a multiple of ``tick`` (``tick`` > 0) up to rounding error."""
    ratio = value / tick
    return abs(ratio - round(ratio)) <= TICK_RTOL * max(1.0, abs(ratio))


def _spec_error(field: str, value: object, allowed: str) -> ClearingInputError:
    return ClearingInputError(f"market spec: field '{field}' = {value!r} is not allowed; {allowed}")


def order_error(
    order_id: object, field: str, value: object, allowed: str, row: int | None = None
) -> ClearingInputError:
    """The error naming a bad field of one order (and its table row), its value and what is
    allowed."""
    where = f"order {order_id!r}" if row is None else f"order {order_id!r} (row {row})"
    return ClearingInputError(
        f"{where}: field '{field}' = {value!r} is not allowed; {allowed}",
        order_id=order_id,
        field=field,
    )


def off_tick(values: FloatArray, tick: float) -> BoolArray:
    """True where a value is not a multiple of ``tick`` (> 0), up to rounding error."""
    steps = values / tick
    return np.abs(steps - np.round(steps)) > TICK_RTOL * np.maximum(1.0, np.abs(steps))


def _validate_interconnectors(spec: MarketSpec, zones: set[str]) -> None:
    seen: set[tuple[str, str]] = set()
    for k, link in enumerate(spec.interconnectors):
        name = f"interconnectors[{k}]"
        if not isinstance(link, Interconnector):
            raise _spec_error(name, link, "must be an Interconnector")
        for attr in ("from_zone", "to_zone"):
            zone = getattr(link, attr)
            if zone not in zones:
                raise _spec_error(f"{name}.{attr}", zone, f"must be one of zones {sorted(zones)}")
        if link.from_zone == link.to_zone:
            raise _spec_error(f"{name}.to_zone", link.to_zone, "must differ from from_zone")
        key = (link.from_zone, link.to_zone)
        if key in seen:
            raise _spec_error(name, key, "each direction may be given only once")
        seen.add(key)
        if not (is_finite_real(link.capacity) and link.capacity >= 0):
            raise _spec_error(f"{name}.capacity", link.capacity, "must be a finite number >= 0")
        fee = link.wheeling_fee
        if not (is_finite_real(fee) and 0 <= fee <= PRICE_LIMIT):
            raise _spec_error(
                f"{name}.wheeling_fee", fee, f"must be a number in [0, {PRICE_LIMIT:g}]"
            )
        if spec.tick > 0 and not on_tick(fee, spec.tick):
            raise _spec_error(
                f"{name}.wheeling_fee", fee, f"must be a multiple of tick {spec.tick}"
            )


_VALID_SPECS: dict[int, MarketSpec] = {}
"""Specifications already found valid, by object id (each kept, so its id is not reused)."""
VALID_SPECS_KEPT = 32


def validate_spec(spec: MarketSpec) -> None:
    """Check a market specification.

    A specification object found valid once is not checked again: it is frozen, and its zones
    and interconnectors are tuples, so it cannot have changed (a market clearing every hour
    with one specification checks it once).

    Raises
    ------
    ClearingInputError
        Naming the field, the bad value and what is allowed.
    """
    if _VALID_SPECS.get(id(spec)) is spec:
        return
    _check_spec(spec)
    if type(spec.zones) is tuple and type(spec.interconnectors) is tuple:
        if len(_VALID_SPECS) >= VALID_SPECS_KEPT:
            _VALID_SPECS.clear()
        _VALID_SPECS[id(spec)] = spec


def _check_spec(spec: MarketSpec) -> None:
    if not isinstance(spec, MarketSpec):
        raise ClearingInputError(f"spec = {spec!r} is not allowed; pass a MarketSpec")
    try:
        PricingRule(spec.rule)
    except ValueError:
        raise _spec_error(
            "rule", spec.rule, f"must be one of {[r.value for r in PricingRule]}"
        ) from None
    for name in ("price_floor", "price_cap", "tick"):
        value = getattr(spec, name)
        if not (is_finite_real(value)):
            raise _spec_error(name, value, "must be a finite number")
    for name in ("price_floor", "price_cap"):
        value = getattr(spec, name)
        if abs(value) > PRICE_LIMIT:
            raise _spec_error(name, value, f"must lie in [-{PRICE_LIMIT:g}, {PRICE_LIMIT:g}]")
    if spec.price_floor >= spec.price_cap:
        raise _spec_error(
            "price_cap", spec.price_cap, f"must exceed price_floor {spec.price_floor}"
        )
    if spec.tick < 0:
        raise _spec_error("tick", spec.tick, "must be >= 0 (0 = continuous prices)")
    if spec.tick > 0:
        for name in ("price_floor", "price_cap"):
            value = getattr(spec, name)
            if not on_tick(value, spec.tick):
                raise _spec_error(name, value, f"must be a multiple of tick {spec.tick}")
    if spec.tie_break not in TIE_BREAK_RULES:
        raise _spec_error("tie_break", spec.tie_break, f"must be one of {list(TIE_BREAK_RULES)}")
    zones = spec.zones
    if (
        not isinstance(zones, tuple)
        or not zones
        or not all(isinstance(z, str) and z for z in zones)
    ):
        raise _spec_error("zones", zones, "must be a non-empty tuple of non-empty strings")
    if len(set(zones)) != len(zones):
        raise _spec_error("zones", zones, "zone names must be unique")
    _validate_interconnectors(spec, set(zones))


def _validate_order(order: Order, spec: MarketSpec, zones: frozenset[str]) -> None:
    oid = order.id
    if not isinstance(order.agent, str):
        raise order_error(oid, "agent", order.agent, "must be a string")
    if order.side not in (Side.BUY, Side.SELL):
        raise order_error(oid, "side", order.side, "must be 'buy' or 'sell'")
    q = order.quantity
    if not (is_finite_real(q) and 0 < q <= QUANTITY_LIMIT):
        raise order_error(oid, "quantity", q, f"must be a number > 0 and <= {QUANTITY_LIMIT:g}")
    p = order.price
    if not (is_finite_real(p)):
        raise order_error(oid, "price", p, "must be a finite number")
    if not spec.price_floor <= p <= spec.price_cap:
        raise order_error(
            oid, "price", p, f"must lie in [price_floor, price_cap] = "
            f"[{spec.price_floor}, {spec.price_cap}]"
        )
    if spec.tick > 0 and not on_tick(p, spec.tick):
        raise order_error(oid, "price", p, f"must be a multiple of tick {spec.tick}")
    if not (is_int(order.period) and order.period >= 0):
        raise order_error(oid, "period", order.period, "must be an integer >= 0")
    if not isinstance(order.zone, str) or order.zone not in zones:
        raise order_error(oid, "zone", order.zone, f"must be one of {sorted(zones)}")
    if not (isinstance(order.product, str) and order.product):
        raise order_error(oid, "product", order.product, "must be a non-empty string")
    r = order.min_acceptance_ratio
    if not (is_finite_real(r) and 0.0 <= r <= 1.0):
        raise order_error(oid, "min_acceptance_ratio", r, "must be a number in [0, 1]")
    if not is_int(order.sequence):
        raise order_error(oid, "sequence", order.sequence, "must be an integer")
    if order.block is not None:
        if not (isinstance(order.block, str) and order.block.strip()):
            raise order_error(oid, "block", order.block, "must be None or a non-empty string")
        if 0.0 < r < 1.0:
            raise order_error(
                oid,
                "min_acceptance_ratio",
                r,
                f"block {order.block!r} orders are all-or-nothing; use 0 or 1",
            )


def all_strings(values: Sequence[Any]) -> bool:
    """True when every element is a ``str`` (``str.join`` rejects anything else, at C speed)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _all_equal(values: list[Any]) -> bool:
    """True when every element of a non-empty list equals the first."""
    return values.count(values[0]) == len(values)


def types_within(values: list[Any], usual: type, allowed: frozenset[type]) -> bool:
    """True when the exact type of every element is in ``allowed`` (so no bool passes).

    Counting the elements of the ``usual`` type settles the common case in one pass.
    """
    return countOf(map(type, values), usual) == len(values) or set(map(type, values)) <= allowed


def _cell_fields_valid(columns: OrderColumns, spec: MarketSpec) -> bool:
    """Period, zone, product and ratio of every order are plain and allowed; no blocks."""
    periods, zones, products, ratios = (
        columns.periods, columns.zones, columns.products, columns.ratios
    )
    if columns.shared:  # every order holds the first order's objects
        period, zone, product, ratio = periods[0], zones[0], products[0], ratios[0]
        return (
            columns.blocks[0] is None
            and type(period) in INT_TYPES
            and period >= 0
            and isinstance(zone, str)
            and zone in spec.zones
            and isinstance(product, str)
            and product != ""
            and type(ratio) in NUMBER_TYPES
            and 0.0 <= ratio <= 1.0
        )
    if not (
        columns.blocks.count(None) == columns.size
        and all_strings(zones)
        and all_strings(products)
        and types_within(periods, int, INT_TYPES)
        and types_within(ratios, float, NUMBER_TYPES)
        and min(periods) >= 0
        and set(zones) <= set(spec.zones)
        and "" not in products
    ):
        return False
    ratio_values = np.fromiter(ratios, np.float64, len(ratios))
    return bool(ratio_values.min() >= 0.0 and ratio_values.max() <= 1.0)


def _columns_valid(columns: OrderColumns, spec: MarketSpec) -> NumericColumns | None:
    """Vectorised check of a non-empty book of plain values; None means "look order by order".

    It accepts only books the order-by-order pass accepts: element types are checked exactly
    (a bool is not a number here), strings with ``str.join``, unique ids by the size of their
    set, numeric ranges on arrays. Anything else (blocks, unusual types, any bad value) is
    left to the order-by-order pass, which names the first bad order and field.
    """
    n = columns.size
    ids, sides = columns.ids, columns.sides
    if (
        sides.count(Side.BUY) + sides.count(Side.SELL) != n
        or not all_strings(ids)
        or not all_strings(columns.agents)
        or not types_within(columns.sequences, int, INT_TYPES)
        or not types_within(columns.quantities, float, NUMBER_TYPES)
        or not types_within(columns.prices, float, NUMBER_TYPES)
        or not _cell_fields_valid(columns, spec)
    ):
        return None
    unique_ids = set(ids)
    if len(unique_ids) != n or "" in unique_ids:
        return None
    qty = np.fromiter(columns.quantities, np.float64, n)
    price = np.fromiter(columns.prices, np.float64, n)
    # NaN fails every comparison, so it never passes these bounds.
    if not (
        qty.min() > 0.0
        and qty.max() <= QUANTITY_LIMIT
        and price.min() >= spec.price_floor
        and price.max() <= spec.price_cap
    ):
        return None
    if spec.tick > 0 and off_tick(price, spec.tick).any():
        return None
    ratios = columns.ratios
    if _all_equal(ratios):
        ratio = np.zeros(n) if ratios[0] == 0.0 else np.full(n, float(ratios[0]))
    else:
        ratio = np.fromiter(ratios, np.float64, n)
    return NumericColumns(
        quantity=qty, price=price, ratio=ratio, is_buy=buy_mask(sides)
    )


def validate_orders(
    orders: Sequence[Order], spec: MarketSpec
) -> tuple[OrderColumns, NumericColumns]:
    """Check every order of a book against the specification.

    A vectorised pass accepts ordinary books; otherwise each order is checked in turn so the
    first bad one can be named.

    Returns
    -------
    (OrderColumns, NumericColumns)
        The book's fields and its numeric fields as arrays, for building the array view.

    Raises
    ------
    ClearingInputError
        For the first bad order: NaN/inf, non-positive or too large quantity, price outside
        floor/cap or off the tick grid, unknown zone, duplicate id, malformed block (empty id,
        orders of several agents, partial minimum ratio), bad period or ratio.
    """
    if not orders:
        columns = extract_columns(orders)
        return columns, numeric_columns(columns)
    if countOf(map(type, orders), Order) == len(orders):
        columns = extract_columns(orders)
        try:
            numeric = _columns_valid(columns, spec)
        except (TypeError, OverflowError):  # unhashable, unorderable or too large a field:
            # named by the order-by-order pass
            numeric = None
        if numeric is not None:
            return columns, numeric
    _validate_each(orders, spec)
    columns = extract_columns(orders)
    return columns, numeric_columns(columns)


def _validate_each(orders: Sequence[Order], spec: MarketSpec) -> None:
    zones = frozenset(spec.zones)
    seen_ids: set[str] = set()
    block_agent: dict[str, str] = {}
    for k, order in enumerate(orders):
        if not isinstance(order, Order):
            raise ClearingInputError(f"orders[{k}] = {order!r} is not allowed; pass Order objects")
        if not (isinstance(order.id, str) and order.id):
            raise order_error(order.id, "id", order.id, f"orders[{k}] needs a non-empty string id")
        if order.id in seen_ids:
            raise order_error(order.id, "id", order.id, "ids must be unique within a book")
        seen_ids.add(order.id)
        _validate_order(order, spec, zones)
        if order.block is not None:
            owner = block_agent.setdefault(order.block, order.agent)
            if owner != order.agent:
                raise order_error(
                    order.id,
                    "block",
                    order.block,
                    f"block already belongs to agent {owner!r}, not {order.agent!r}",
                )


def validate(
    orders: Sequence[Order], spec: MarketSpec
) -> tuple[OrderColumns, NumericColumns]:
    """Validate the specification, then the book; return the book's columns."""
    validate_spec(spec)
    return validate_orders(orders, spec)
