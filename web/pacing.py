"""Pacing of a run: how far the engine advances per chunk and when the next chunk is due.

Pure functions; the worker thread applies them.
"""

from __future__ import annotations

import math

#: Largest chunk the engine runs at once [h] (one simulated day).
MAX_CHUNK_H = 24.0
#: Chunks per wall-clock second aimed at when a run is paced, so the stream stays smooth.
CHUNKS_PER_S = 4.0


def chunk_hours(pace_h_per_s: float, step_h: float) -> float:
    """Return the simulated hours to run per chunk [h].

    A whole number of steps, at least one step and at most a day; for paced runs about a quarter
    of a wall second's worth of simulated time.

    Parameters
    ----------
    pace_h_per_s
        Simulated hours per wall second; 0 means as fast as possible (chunks of a day).
    step_h
        Step length of the scenario [h].
    """
    if step_h <= 0.0 or not math.isfinite(step_h):
        raise ValueError(f"step_h: got {step_h}; allowed: a positive number of hours")
    if pace_h_per_s < 0.0 or not math.isfinite(pace_h_per_s):
        raise ValueError(f"pace_h_per_s: got {pace_h_per_s}; allowed: a number >= 0")
    wanted = MAX_CHUNK_H if pace_h_per_s == 0.0 else pace_h_per_s / CHUNKS_PER_S
    steps = max(1, math.floor(min(wanted, MAX_CHUNK_H) / step_h + 1e-9))
    return steps * step_h


def next_chunk_end_h(now_h: float, chunk_h: float, horizon_h: float) -> float:
    """Return the end of the next chunk [h], aligned to multiples of ``chunk_h``."""
    end = (math.floor(now_h / chunk_h + 1e-9) + 1) * chunk_h
    return min(end, horizon_h)


def due_wall_s(anchor_wall_s: float, anchor_sim_h: float, now_sim_h: float, pace: float) -> float:
    """Return the wall-clock time [s] at which simulated time ``now_sim_h`` is due.

    Parameters
    ----------
    anchor_wall_s, anchor_sim_h
        A wall time [s] and the simulated time [h] it corresponded to (reset on resume and on a
        change of speed).
    now_sim_h
        Simulated time just reached [h].
    pace
        Simulated hours per wall second (> 0).
    """
    return anchor_wall_s + (now_sim_h - anchor_sim_h) / pace
