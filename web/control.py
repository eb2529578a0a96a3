"""Run control shared between the API (any thread) and a run's worker thread."""

from __future__ import annotations

import threading
import time

#: Allowed range of the speed multiplier.
MIN_SPEED = 0.01
MAX_SPEED = 10_000.0


class RunControl:
    """Pause, resume, speed and cancel for one run.

    Parameters
    ----------
    pace_h_per_s
        Base pace: simulated hours per wall second at speed 1 (0 = as fast as possible).
    speed
        Multiplier on the base pace.
    """

    def __init__(self, pace_h_per_s: float, speed: float = 1.0) -> None:
        self._cond = threading.Condition()
        self._pace_h_per_s = pace_h_per_s
        self._speed = speed
        self._paused = False
        self._cancelled = False
        self._version = 0

    @property
    def paused(self) -> bool:
        """Whether the run is paused."""
        return self._paused

    @property
    def cancelled(self) -> bool:
        """Whether the run has been asked to stop."""
        return self._cancelled

    @property
    def speed(self) -> float:
        """Multiplier on the base pace."""
        return self._speed

    @property
    def pace_h_per_s(self) -> float:
        """Effective pace [simulated h per wall s]; 0 means as fast as possible."""
        return self._pace_h_per_s * self._speed

    @property
    def version(self) -> int:
        """Counter bumped by every change (the worker re-anchors its pacing on a change)."""
        return self._version

    def _change(self) -> None:
        self._version += 1
        self._cond.notify_all()

    def pause(self) -> None:
        """Pause the run after its current chunk."""
        with self._cond:
            self._paused = True
            self._change()

    def resume(self) -> None:
        """Resume a paused run."""
        with self._cond:
            self._paused = False
            self._change()

    def set_speed(self, speed: float) -> None:
        """Set the speed multiplier (``MIN_SPEED`` .. ``MAX_SPEED``)."""
        if not MIN_SPEED <= speed <= MAX_SPEED:
            raise ValueError(f"speed: got {speed}; allowed: {MIN_SPEED} to {MAX_SPEED}")
        with self._cond:
            self._speed = speed
            self._change()

    def cancel(self) -> None:
        """Ask the run to stop after its current chunk."""
        with self._cond:
            self._cancelled = True
            self._change()

    def wait_while_paused(self) -> None:
        """Block while the run is paused and not cancelled."""
        with self._cond:
            while self._paused and not self._cancelled:
                self._cond.wait()

    def sleep_until(self, deadline_s: float, version: int) -> None:
        """Block until ``time.monotonic()`` reaches ``deadline_s`` or the control changes.

        Parameters
        ----------
        deadline_s
            Monotonic time to wake at [s].
        version
            The :attr:`version` the caller's pacing is anchored to.
        """
        with self._cond:
            while self._version == version:
                remaining = deadline_s - time.monotonic()
                if remaining <= 0.0:
                    return
                self._cond.wait(remaining)
