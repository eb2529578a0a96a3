"""Clearing engine: pure market math for greenmarket.

Call auctions for green power and energy-use rights: uniform-price (pay-as-clear) and
pay-as-bid double auctions, block orders, several zones (parks) with transfer limits and
wheeling fees, several periods in one model. Two paths give identical answers where both apply:
an exact sort-based merit order (:func:`clear_uniform_arrays`, microseconds) and a PuLP
LP/MILP solved with HiGHS (default) or CBC.

This package imports no other greenmarket package and performs no I/O.
"""

from clearing.engine import clear
from clearing.errors import ClearingInputError, InfeasibleClearing
from clearing.merit_order import UniformClearing, clear_uniform_arrays
from clearing.pricing import rule_price
from clearing.table import OrderTable
from clearing.types import (
    ClearingResult,
    Interconnector,
    MarketSpec,
    Order,
    PricingRule,
    Side,
)

__all__ = [
    "ClearingInputError",
    "ClearingResult",
    "InfeasibleClearing",
    "Interconnector",
    "MarketSpec",
    "Order",
    "OrderTable",
    "PricingRule",
    "Side",
    "UniformClearing",
    "clear",
    "clear_uniform_arrays",
    "rule_price",
]
