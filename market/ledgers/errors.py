"""Errors raised by the ledgers (rights, certificates, money).

A rejected operation raises :class:`LedgerError`; the ledger it was applied to is left
exactly as it was before the call. A broken invariant (a bug, never bad input) raises
:class:`LedgerInvariantError`.
"""

from __future__ import annotations


class LedgerError(ValueError):
    """An operation on a ledger was rejected; the message names the operation, the
    account (firm, holder) and the amount at fault, and what is allowed."""


class LedgerInvariantError(RuntimeError):
    """A conservation or consistency check of a ledger failed."""
