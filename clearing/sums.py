"""Sums of products over order arrays that do not depend on the machine's BLAS threads."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

BLAS_SINGLE_THREAD_SIZE = 8_192
"""Longest vectors handed to BLAS ``dot``, which runs these on one thread.

BLAS libraries split longer dot products over threads: on a busy machine the threads wait for
each other (milliseconds for a book of 20,000 orders) and the rounding of the result depends on
the thread count. Longer vectors are multiplied and summed pairwise by numpy instead.
"""


def dot(a: FloatArray, b: FloatArray) -> float:
    """``sum(a * b)`` of two one-dimensional float arrays of the same length.

    The same on every machine for the same arrays, and fast at every length.
    """
    if a.size <= BLAS_SINGLE_THREAD_SIZE:
        return float(np.dot(a, b))
    return float(np.multiply(a, b).sum())
