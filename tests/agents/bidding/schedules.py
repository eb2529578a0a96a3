"""Supply and demand schedules shared by the market-experiment tests."""

from __future__ import annotations

import numpy as np

from agents.bidding import BidderState, MarketView, bidder_state

#: Gode & Sunder style market: five buyers and five sellers with three units each; prices in the
#: range [1, 200] as in their experiments. Pooled demand 180, 170, 160, 155, 150, 145, 140, 130,
#: 125, 120, 115, 110, 100, 95, 85; pooled supply 40, 50, 60, 65, 70, 75, 80, 90, 95, 100, 105,
#: 110, 120, 125, 135. Eleven units trade at the competitive equilibrium, the price is 110 and
#: the largest total surplus is 760.
BUYER_VALUES = np.array(
    [[180, 150, 120], [170, 140, 110], [160, 130, 100], [155, 125, 95], [145, 115, 85]], float
)
SELLER_COSTS = np.array(
    [[40, 70, 100], [50, 80, 110], [60, 90, 120], [65, 95, 125], [75, 105, 135]], float
)
EQUILIBRIUM_PRICE = 110.0
EQUILIBRIUM_SURPLUS = 760.0
GS_MARKET = MarketView(price_floor=1.0, price_cap=200.0)


def gode_sunder_state() -> BidderState:
    """Firms 0-4 are the buyers, 5-9 the sellers; one unit per step."""
    n = 10
    buy_qty = np.zeros((n, 3))
    buy_value = np.zeros((n, 3))
    sell_qty = np.zeros((n, 3))
    sell_cost = np.zeros((n, 3))
    buy_qty[:5] = 1.0
    buy_value[:5] = BUYER_VALUES
    sell_qty[5:] = 1.0
    sell_cost[5:] = SELLER_COSTS
    return bidder_state(buy_qty, buy_value, sell_qty, sell_cost)
