"""Settlement of an allocation: payments, welfare, volume and paradoxical block decisions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from clearing.book import OrderBook
from clearing.lp_path import Allocation
from clearing.sums import dot
from clearing.types import PricingRule

FloatArray = npt.NDArray[np.float64]

SURPLUS_RTOL = 1e-7


@dataclass(frozen=True, slots=True)
class Settlement:
    """Money and summary figures of a clearing.

    Attributes
    ----------
    payments
        Per order, in book order: money paid (positive) or received (negative).
    published_price
        Per cell: the rule price, ``nan`` where nothing traded or flowed.
    volume
        Accepted quantity (buys; equal to sells).
    welfare
        Buyers' value minus sellers' cost minus wheeling fees, in money.
    paradoxically_accepted, paradoxically_rejected
        Block ids (or order ids of standalone fill-or-kill / minimum-ratio orders).
    """

    payments: FloatArray
    published_price: FloatArray
    volume: float
    welfare: float
    paradoxically_accepted: tuple[str, ...]
    paradoxically_rejected: tuple[str, ...]


def _paradoxical(
    book: OrderBook, allocation: Allocation, order_price: FloatArray
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Blocks accepted at a loss and blocks rejected though profitable at the final prices."""
    if not book.needs_integer:
        return (), ()
    indivisible = ~book.is_divisible
    sign = np.where(book.is_buy, 1.0, -1.0)
    unit_surplus = sign * (book.price - order_price)  # buyer: bid - price; seller: price - offer
    scale = SURPLUS_RTOL * np.maximum(1.0, np.abs(book.price)) * book.quantity
    accepted_pa: list[str] = []
    rejected_pa: list[str] = []
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(indivisible).tolist():
        groups.setdefault(book.group_of(i), []).append(i)
    for name, positions in sorted(groups.items()):
        idx = np.asarray(positions, dtype=np.int64)
        if np.isnan(order_price[idx]).any():
            continue
        tolerance = float(scale[idx].sum())
        if (allocation.accepted[idx] > 0.0).any():
            if dot(unit_surplus[idx], allocation.accepted[idx]) < -tolerance:
                accepted_pa.append(name)
        else:
            floor_qty = book.quantity[idx] * np.where(book.block[idx] >= 0, 1.0,
                                                      book.min_ratio[idx])
            best = max(
                dot(unit_surplus[idx], floor_qty), dot(unit_surplus[idx], book.quantity[idx])
            )
            if best > tolerance:
                rejected_pa.append(name)
    return tuple(accepted_pa), tuple(rejected_pa)


def settle(book: OrderBook, allocation: Allocation, rule: PricingRule) -> Settlement:
    """Compute payments, published prices, volume, welfare and paradoxical blocks."""
    published = np.where(allocation.cell_active, allocation.price, np.nan)
    accepted = allocation.accepted
    signed_accepted = np.where(book.is_buy, accepted, -accepted)
    if rule == PricingRule.PAY_AS_BID:  # a validated rule: the enum or its string value
        payments = book.price * signed_accepted
    elif published.size == 1:  # one cell: every order settles at the same finite price
        price = float(published[0])
        payments = (0.0 if math.isnan(price) else price) * signed_accepted
    else:
        order_price = published[allocation.order_cell] if book.size else np.zeros(0)
        unit_prices = np.where(np.isnan(order_price), 0.0, order_price)
        payments = np.where(accepted > 0.0, unit_prices * signed_accepted, 0.0)
    volume = float(np.compress(book.is_buy, accepted).sum())
    fees = 0.0
    if allocation.arcs is not None and allocation.flows.size:
        fees = dot(allocation.arcs.fee, allocation.flows)
    welfare = dot(book.price, signed_accepted) - fees
    pab: tuple[str, ...] = ()
    prb: tuple[str, ...] = ()
    if book.needs_integer:
        order_price = published[allocation.order_cell] if book.size else np.zeros(0)
        pab, prb = _paradoxical(book, allocation, order_price)
    return Settlement(payments + 0.0, published, volume, welfare, pab, prb)
