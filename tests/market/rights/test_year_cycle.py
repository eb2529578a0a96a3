"""Two compliance years end to end: cap, hybrid allocation, auction, recycling, compliance,
penalties and make-good, with every ledger conserved after every event."""

from __future__ import annotations

import math

import numpy as np
import pytest

from market.ledgers import MoneyLedger, RightsLedger
from market.rights import (
    CompliancePolicy,
    PenaltyRule,
    apply_make_good,
    auction_rights,
    auction_volume_tce,
    cap_path,
    grandfathering,
    hybrid,
    recycle_revenue,
    settle_compliance,
)


def test_two_years_conserve_rights_and_money() -> None:
    n = 3
    rights = RightsLedger(n, 2025)
    money = MoneyLedger(n, n_parks=1)
    lay = money.layout
    caps = cap_path(300.0, -0.1, 2)  # [300, 270]
    basis = grandfathering([120.0, 100.0, 80.0], 1.0)  # 300 in total
    schedule = {2025: 0.8, 2026: 0.5}
    use = np.array([110.0, 90.0, 85.0])
    policy = CompliancePolicy(PenaltyRule(kind="price_multiple", multiple=3.0), make_good=True)
    owed = np.zeros(n)
    penalties = 0.0
    prices: list[float] = []

    def check() -> None:
        rights.check_conservation()
        money.check_conservation()

    for k, year in enumerate((2025, 2026)):
        free = hybrid(schedule, year, basis, caps[k])
        free, owed = apply_make_good(free, owed)
        rights.allocate(np.arange(n), free, year, "free")
        check()
        volume = auction_volume_tce(caps[k], free)
        res = auction_rights(
            [0, 1, 2],
            [40.0, 30.0, 30.0],
            [500.0, 400.0, 300.0],
            n_firms=n,
            volume_tce=volume,
            reserve_price_cny_per_tce=100.0,
        )
        rights.allocate(np.arange(n), res.awarded_tce, year, "auction")
        money.post(
            lay.firm(np.arange(n)),
            lay.market_operator,
            res.paid_cny,
            "rights_purchase",
            payee_category="auction_revenue",
        )
        check()
        back = recycle_revenue(res.revenue_cny, "lump_sum_equal", n)
        money.post(lay.market_operator, lay.firm(np.arange(n)), back.to_firms_cny, "recycling")
        check()
        # a bilateral trade: firm 2 buys 5 tce from firm 0 at 250 CNY/tce
        rights.transfer([0], [2], [5.0])
        money.post(2, 0, 5.0 * 250.0, "rights_purchase", payee_category="rights_sale")
        check()
        avg = (res.revenue_cny + 1250.0) / (res.sold_tce + 5.0)
        result = settle_compliance(rights, use, policy, avg)
        money.post(lay.firm(np.arange(n)), lay.treasury, result.penalty_cny, "penalty")
        owed = owed + result.make_good_tce
        penalties += result.total_penalty_cny
        prices.append(res.price_cny_per_tce)
        check()

    assert rights.year == 2027
    assert rights.allocated_tce(2025) == pytest.approx(300.0)
    # year 1: free 0.8 x basis = [96, 80, 64], auction 60: f0 40 and f1 20 at the marginal 400
    assert rights.allocated_tce(2025, "auction") == pytest.approx(60.0)
    # every tce surrendered was allocated once and no more than used
    assert math.fsum(rights.surrendered_tce) <= 2 * use.sum() + 1e-9
    paid_by_firms = -sum(money.by_category(i)["penalty"] for i in range(n))
    assert money.by_category(lay.treasury)["penalty"] == pytest.approx(paid_by_firms)
    assert paid_by_firms == pytest.approx(penalties)
    assert prices[0] == pytest.approx(400.0)
    assert money.balance(lay.market_operator) == pytest.approx(0.0, abs=1e-6)
