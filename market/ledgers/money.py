"""Double-entry money ledger [CNY] over firms, park operators, the market operator, the
treasury and the grid company.

Every posting moves an amount from a payer to a payee: the payer's balance falls and the
payee's rises by the same amount, so all balances always sum to zero. A balance is the
account's net receipts [CNY]: negative for a net payer (a firm buying energy), positive for
a net receiver. Each leg of a posting is booked under a category (the payee's leg under the
payer's category unless another is given, so a rights trade can be a ``rights_purchase`` for
the buyer and a ``rights_sale`` for the seller), so results can break costs down per account.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from market.ledgers._checks import FloatArray, amount_array, index_array, sum_by_index
from market.ledgers.errors import LedgerError, LedgerInvariantError

CATEGORIES: tuple[str, ...] = (
    "energy",
    "green_premium",
    "rights_purchase",
    "rights_sale",
    "penalty",
    "auction_revenue",
    "recycling",
    "wheeling_fee",
    "demand_charge",
    "degradation",
    "fuel",
    "imbalance",
)
"""Posting categories, in the column order of :meth:`MoneyLedger.category_matrix_cny`."""

_REL_TOL = 1e-9


@dataclass(frozen=True)
class AccountLayout:
    """Numbering of money accounts.

    Firms come first (``0 .. n_firms - 1``), then park operators, then the market
    operator, the treasury (government) and the grid company.
    """

    n_firms: int
    n_parks: int

    def __post_init__(self) -> None:
        for name, value in (("n_firms", self.n_firms), ("n_parks", self.n_parks)):
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise LedgerError(
                    f"money ledger: {name} = {value!r} not allowed; need an integer >= 0"
                )

    def firm(self, i: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Account indices of firms ``i``."""
        return index_array("account layout", "firm", i, self.n_firms)

    def park_operator(self, j: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Account indices of the operators of parks ``j``."""
        return self.n_firms + index_array("account layout", "park", j, self.n_parks)

    @property
    def market_operator(self) -> int:
        """Account index of the market operator."""
        return self.n_firms + self.n_parks

    @property
    def treasury(self) -> int:
        """Account index of the government treasury."""
        return self.n_firms + self.n_parks + 1

    @property
    def grid_company(self) -> int:
        """Account index of the grid company."""
        return self.n_firms + self.n_parks + 2

    @property
    def n_accounts(self) -> int:
        """Total number of accounts."""
        return self.n_firms + self.n_parks + 3

    def names(self) -> list[str]:
        """Readable account names in index order (``firm_0``, ``park_0``, ...)."""
        return (
            [f"firm_{i}" for i in range(self.n_firms)]
            + [f"park_{j}" for j in range(self.n_parks)]
            + ["market_operator", "treasury", "grid_company"]
        )


class MoneyLedger:
    """Balances and per-category totals of every account [CNY].

    Parameters
    ----------
    n_firms, n_parks
        Sizes of the account layout (see :class:`AccountLayout`).
    """

    def __init__(self, n_firms: int, n_parks: int) -> None:
        self.layout = AccountLayout(n_firms, n_parks)
        n = self.layout.n_accounts
        self._balance = np.zeros(n)
        self._by_category = np.zeros((n, len(CATEGORIES)))
        self._gross_cny = 0.0
        self._n_postings = 0

    @property
    def n_postings(self) -> int:
        """Number of single postings (payer-payee pairs) recorded."""
        return self._n_postings

    @property
    def gross_cny(self) -> float:
        """Sum of all amounts ever posted [CNY]."""
        return self._gross_cny

    def post(
        self,
        payer: npt.ArrayLike,
        payee: npt.ArrayLike,
        amount_cny: npt.ArrayLike,
        category: str,
        payee_category: str | None = None,
    ) -> None:
        """Record payments, one entry per (payer, payee, amount).

        Parameters
        ----------
        payer, payee
            Account indices (see :class:`AccountLayout`); a payer may not pay itself.
        amount_cny
            Amounts [CNY], finite and >= 0; a scalar applies to every entry.
        category
            Category of the payer's leg (one of :data:`CATEGORIES`).
        payee_category
            Category of the payee's leg; defaults to ``category``.

        Raises
        ------
        LedgerError
            On any bad entry; nothing is recorded then.
        """
        op = "post"
        n = self.layout.n_accounts
        for name, cat in (("category", category), ("payee_category", payee_category)):
            if cat is not None and cat not in CATEGORIES:
                raise LedgerError(
                    f"{op}: {name} {cat!r} not allowed; use one of {', '.join(CATEGORIES)}"
                )
        src = index_array(op, "payer", payer, n)
        dst = index_array(op, "payee", payee, n)
        if src.size != dst.size:
            if src.size == 1:
                src = np.full(dst.size, src[0])
            elif dst.size == 1:
                dst = np.full(src.size, dst[0])
            else:
                raise LedgerError(
                    f"{op}: {src.size} payers but {dst.size} payees; need one of each per entry"
                )
        same = src == dst
        if np.any(same):
            i = int(np.argmax(same))
            raise LedgerError(f"{op}: entry {i} has account {src[i]} paying itself")
        amt = amount_array(op, "amount_cny", amount_cny, src.size, "CNY")

        c_out = CATEGORIES.index(category)
        c_in = c_out if payee_category is None else CATEGORIES.index(payee_category)
        self._balance += sum_by_index(dst, amt, n) - sum_by_index(src, amt, n)
        self._by_category[:, c_in] += sum_by_index(dst, amt, n)
        self._by_category[:, c_out] -= sum_by_index(src, amt, n)
        self._gross_cny += math.fsum(amt)
        self._n_postings += int(src.size)

    def balance(self, account: int) -> float:
        """Net receipts of ``account`` [CNY] (negative: net payer)."""
        i = int(index_array("balance", "account", account, self.layout.n_accounts)[0])
        return float(self._balance[i])

    def balances(self) -> FloatArray:
        """Net receipts of every account [CNY] (copy)."""
        return self._balance.copy()

    def by_category(self, account: int) -> dict[str, float]:
        """Net receipts of ``account`` per category [CNY] (costs are negative)."""
        i = int(index_array("by_category", "account", account, self.layout.n_accounts)[0])
        return {c: float(v) for c, v in zip(CATEGORIES, self._by_category[i], strict=True)}

    def category_matrix_cny(self) -> FloatArray:
        """Net receipts per account (rows) and category (columns of :data:`CATEGORIES`)."""
        return self._by_category.copy()

    def check_conservation(self) -> None:
        """Check that balances sum to zero and equal their category breakdowns.

        The tolerance is 1e-9 of the gross amount ever posted.

        Raises
        ------
        LedgerInvariantError
            If money was created or lost, or a breakdown disagrees with its balance.
        """
        tol = _REL_TOL * max(1.0, self._gross_cny)
        total = math.fsum(self._balance)
        if abs(total) > tol:
            raise LedgerInvariantError(f"money ledger: balances sum to {total!r} CNY, not 0")
        diff = np.abs(self._by_category.sum(axis=1) - self._balance)
        if np.any(diff > tol):
            i = int(np.argmax(diff))
            raise LedgerInvariantError(
                f"money ledger: account {i} balance {self._balance[i]!r} CNY differs from its "
                f"category breakdown by {diff[i]!r} CNY"
            )
