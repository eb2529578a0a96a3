"""Energy-use-rights market rules: allocation, annual compliance and the price-corridor reserve.

Pure functions over arrays of firms; the engine applies their results to the ledgers in
:mod:`market.ledgers`.
"""

from market.rights.allocation import (
    RECYCLING_RULES,
    AllocationError,
    RevenueRecycling,
    RightsAuctionResult,
    auction,
    auction_rights,
    auction_volume_tce,
    benchmark_ex_ante,
    cap_path,
    free_share,
    grandfathering,
    hybrid,
    linear_free_share,
    output_based_ex_post,
    recycle_revenue,
)
from market.rights.compliance import (
    ComplianceError,
    CompliancePolicy,
    ComplianceResult,
    PenaltyRule,
    apply_make_good,
    assess_compliance,
    average_price_cny_per_tce,
    settle_compliance,
)
from market.rights.reserve import (
    PriceCorridor,
    ReserveError,
    ReserveFills,
    corridor_orders,
    reserve_fills,
    reserve_order_ids,
)

__all__ = [
    "RECYCLING_RULES",
    "AllocationError",
    "ComplianceError",
    "CompliancePolicy",
    "ComplianceResult",
    "PenaltyRule",
    "PriceCorridor",
    "ReserveError",
    "ReserveFills",
    "RevenueRecycling",
    "RightsAuctionResult",
    "apply_make_good",
    "assess_compliance",
    "auction",
    "auction_rights",
    "auction_volume_tce",
    "average_price_cny_per_tce",
    "benchmark_ex_ante",
    "cap_path",
    "corridor_orders",
    "free_share",
    "grandfathering",
    "hybrid",
    "linear_free_share",
    "output_based_ex_post",
    "recycle_revenue",
    "reserve_fills",
    "reserve_order_ids",
    "settle_compliance",
]
