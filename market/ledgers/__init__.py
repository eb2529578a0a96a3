"""Ledgers of the markets: energy-use rights [tce], green certificates [MWh] and money [CNY].

Pure data structures over numpy arrays; the engine calls them after each market event and
may check their conservation identities at any time.
"""

from market.ledgers.certificates import HELD, RETIRED, CertificateInfo, CertificateRegistry
from market.ledgers.errors import LedgerError, LedgerInvariantError
from market.ledgers.money import CATEGORIES, AccountLayout, MoneyLedger
from market.ledgers.rights import ALLOCATION_KINDS, RightsLedger, RightsSnapshot

__all__ = [
    "ALLOCATION_KINDS",
    "CATEGORIES",
    "HELD",
    "RETIRED",
    "AccountLayout",
    "CertificateInfo",
    "CertificateRegistry",
    "LedgerError",
    "LedgerInvariantError",
    "MoneyLedger",
    "RightsLedger",
    "RightsSnapshot",
]
