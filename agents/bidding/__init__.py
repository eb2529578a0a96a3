"""Bidding strategies for firms, vectorised over firms, behind one protocol and a registry.

* :class:`BidderState` holds each firm's private schedule (units to buy with their values, units
  to sell with their costs); :func:`rights_bidder_state` derives it for the energy-use-rights
  market from the MAC curve, the penalty and the production margin.
* A :class:`BiddingStrategy` turns it into :class:`OrderArrays` (``orders``) and learns from a
  :class:`MarketOutcome` (``observe``). Registered strategies: ``truthful``, ``zi_c``, ``zi_u``,
  ``zip``, ``roth_erev`` and ``human`` (a placeholder: a web player acts, and the web layer puts
  a bot in on timeout).
* :func:`to_orders` and :func:`to_uniform_arrays` hand orders to the clearing engine;
  :func:`run_cda_session` trades them in the continuous double auction.
"""

from agents.bidding.cda_session import CdaSessionResult, run_cda_session
from agents.bidding.equilibrium import (
    CompetitiveEquilibrium,
    allocative_efficiency,
    competitive_equilibrium,
)
from agents.bidding.errors import (
    BiddingInputError,
    StrategyParameterError,
    UnknownStrategyError,
)
from agents.bidding.human import HumanStrategy
from agents.bidding.orders import (
    BUY,
    SELL,
    OrderArrays,
    UniformBook,
    fills_from_clearing,
    fills_from_uniform,
    to_orders,
    to_uniform_arrays,
)
from agents.bidding.protocol import BiddingStrategy
from agents.bidding.registry import STRATEGY_REGISTRY, make_bidding_strategy
from agents.bidding.roth_erev import RothErevStrategy, choice_probabilities, roth_erev_update
from agents.bidding.state import (
    BidderState,
    MarketOutcome,
    MarketView,
    bidder_state,
    rights_bidder_state,
)
from agents.bidding.truthful import TruthfulStrategy
from agents.bidding.zero_intelligence import (
    ZeroIntelligenceConstrained,
    ZeroIntelligenceUnconstrained,
)
from agents.bidding.zip_trader import ZipStrategy

__all__ = [
    "BUY",
    "SELL",
    "STRATEGY_REGISTRY",
    "BidderState",
    "BiddingInputError",
    "BiddingStrategy",
    "CdaSessionResult",
    "CompetitiveEquilibrium",
    "HumanStrategy",
    "MarketOutcome",
    "MarketView",
    "OrderArrays",
    "RothErevStrategy",
    "StrategyParameterError",
    "TruthfulStrategy",
    "UniformBook",
    "UnknownStrategyError",
    "ZeroIntelligenceConstrained",
    "ZeroIntelligenceUnconstrained",
    "ZipStrategy",
    "allocative_efficiency",
    "bidder_state",
    "choice_probabilities",
    "competitive_equilibrium",
    "fills_from_clearing",
    "fills_from_uniform",
    "make_bidding_strategy",
    "rights_bidder_state",
    "roth_erev_update",
    "run_cda_session",
    "to_orders",
    "to_uniform_arrays",
]
