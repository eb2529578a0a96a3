"""Input checks shared by the ledgers.

Each check returns a clean numpy array or raises :class:`~market.ledgers.errors.LedgerError`
whose message names the operation, the field, the first bad entry and what is allowed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from market.ledgers.errors import LedgerError

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def index_array(operation: str, field: str, values: npt.ArrayLike, size: int) -> IntArray:
    """Return ``values`` as a 1-D int64 array of indices in ``[0, size)``.

    Parameters
    ----------
    operation, field
        Names used in the error message.
    values
        An integer or array of integers.
    size
        Number of accounts; valid indices are ``0 .. size - 1``.
    """
    raw = np.atleast_1d(np.asarray(values))
    if raw.ndim != 1:
        raise LedgerError(f"{operation}: {field} must be one-dimensional, got shape {raw.shape}")
    if raw.size and not np.issubdtype(raw.dtype, np.integer):
        if (
            np.issubdtype(raw.dtype, np.floating)
            and np.all(np.isfinite(raw))
            and np.all(raw == np.round(raw))
        ):
            raw = raw.astype(np.int64)
        else:
            raise LedgerError(
                f"{operation}: {field} must be integer indices, got {raw[:3].tolist()!r}"
            )
    idx = raw.astype(np.int64, copy=False)
    bad = (idx < 0) | (idx >= size)
    if np.any(bad):
        first = int(idx[np.argmax(bad)])
        raise LedgerError(f"{operation}: unknown {field} {first}; allowed 0 to {size - 1}")
    return idx


def amount_array(
    operation: str, field: str, values: npt.ArrayLike, n: int, unit: str
) -> FloatArray:
    """Return ``values`` as a 1-D float64 array of ``n`` finite, non-negative amounts.

    A scalar is broadcast to ``n`` entries.
    """
    raw = np.asarray(values, dtype=np.float64) if _is_numeric(values) else None
    if raw is None:
        raise LedgerError(f"{operation}: {field} must be numbers in {unit}, got {values!r}")
    if raw.ndim == 0:
        raw = np.full(n, float(raw))
    if raw.ndim != 1 or raw.shape[0] != n:
        raise LedgerError(
            f"{operation}: {field} must have one entry per index ({n}), got shape {raw.shape}"
        )
    bad = ~np.isfinite(raw) | (raw < 0.0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise LedgerError(
            f"{operation}: {field}[{i}] = {float(raw[i])!r} {unit} is not allowed; "
            "amounts must be finite and >= 0"
        )
    return raw


def _is_numeric(values: npt.ArrayLike) -> bool:
    try:
        np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def sum_by_index(idx: IntArray, weights: FloatArray, size: int) -> FloatArray:
    """Sum ``weights`` per index into an array of length ``size`` (repeats add up)."""
    return np.asarray(np.bincount(idx, weights=weights, minlength=size), dtype=np.float64)
