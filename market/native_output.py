"""Keep native libraries' console output out of the CLI's standard output.

HiGHS prints a licence banner to the C-level standard output the first time a solver instance is
created in a process, whatever its options. Commands that print machine-readable output create
that first instance here with file descriptor 1 pointed at ``/dev/null``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def stdout_silenced() -> Iterator[None]:
    """Silence native writes to standard output for the block's duration."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def load_highs_quietly() -> None:
    """Create the process's first HiGHS instance with standard output silenced."""
    try:
        import highspy
    except ImportError:
        return
    try:
        with stdout_silenced():
            highspy.Highs()
    except OSError:
        return
