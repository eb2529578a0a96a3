"""Stated limits of an order book read from a file or a request (CSV, JSON rows, HTTP body).

The limits are physically sensible maxima for the markets greenmarket simulates (green power in
MWh, energy-use rights in tce). Together they keep every figure of a clearing finite: the
largest book moves at most ``MAX_BOOK_ORDERS × MAX_ORDER_QUANTITY × MAX_ABS_PRICE_CNY_PER_UNIT
= 1e20`` CNY, far below the largest float (about 1.8e308).
"""

from __future__ import annotations

#: Largest quantity of one order, in the product's unit (MWh, tce, ...).
MAX_ORDER_QUANTITY = 1e9
#: Largest magnitude of an order price, a price floor or cap and a wheeling fee [CNY per unit].
MAX_ABS_PRICE_CNY_PER_UNIT = 1e6
#: Largest number of orders in one book.
MAX_BOOK_ORDERS = 100_000
#: Largest delivery period index (e.g. hours of eleven years).
MAX_PERIOD = 100_000
#: Largest interconnector capacity per period, in the product's unit.
MAX_LINK_CAPACITY = MAX_ORDER_QUANTITY * MAX_BOOK_ORDERS

QUANTITY_RANGE = f"a number > 0 and <= {MAX_ORDER_QUANTITY:g}"
PRICE_RANGE = f"a number in [-{MAX_ABS_PRICE_CNY_PER_UNIT:g}, {MAX_ABS_PRICE_CNY_PER_UNIT:g}]"
FEE_RANGE = f"a number in [0, {MAX_ABS_PRICE_CNY_PER_UNIT:g}]"
CAPACITY_RANGE = f"a number in [0, {MAX_LINK_CAPACITY:g}]"
RATIO_RANGE = "a number in [0, 1]"
PERIOD_RANGE = f"an integer in [0, {MAX_PERIOD}]"


def quantity_ok(value: float) -> bool:
    """True for an order quantity in ``(0, MAX_ORDER_QUANTITY]`` (NaN is not)."""
    return 0.0 < value <= MAX_ORDER_QUANTITY


def price_ok(value: float) -> bool:
    """True for a price in ``[-MAX_ABS_PRICE_CNY_PER_UNIT, MAX_ABS_PRICE_CNY_PER_UNIT]``."""
    return -MAX_ABS_PRICE_CNY_PER_UNIT <= value <= MAX_ABS_PRICE_CNY_PER_UNIT


def fee_ok(value: float) -> bool:
    """True for a wheeling fee in ``[0, MAX_ABS_PRICE_CNY_PER_UNIT]``."""
    return 0.0 <= value <= MAX_ABS_PRICE_CNY_PER_UNIT


def capacity_ok(value: float) -> bool:
    """True for an interconnector capacity in ``[0, MAX_LINK_CAPACITY]``."""
    return 0.0 <= value <= MAX_LINK_CAPACITY


def ratio_ok(value: float) -> bool:
    """True for a minimum acceptance ratio in ``[0, 1]``."""
    return 0.0 <= value <= 1.0


def period_ok(value: int) -> bool:
    """True for a period index in ``[0, MAX_PERIOD]``."""
    return 0 <= value <= MAX_PERIOD
