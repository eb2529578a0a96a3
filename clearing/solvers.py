"""Solver back-ends for the PuLP clearing model: in-process HiGHS and bundled CBC."""

from __future__ import annotations

import os

import pulp

from clearing.errors import ClearingInputError, InfeasibleClearing

LP_SOLVERS: tuple[str, ...] = ("highs", "cbc")


def _cbc_path() -> str | None:
    """The CBC executable bundled with PuLP 3.x, or None to look for ``cbc`` on the PATH."""
    bundled = getattr(getattr(pulp, "PULP_CBC_CMD", None), "pulp_cbc_path", None)
    if isinstance(bundled, str) and os.access(bundled, os.X_OK):
        return bundled
    return None


def make_solver(name: str) -> pulp.LpSolver:
    """Return a quiet PuLP solver with a zero optimality gap.

    Parameters
    ----------
    name
        ``"highs"`` (in-process HiGHS via highspy; returns duals) or ``"cbc"`` (CBC bundled
        with PuLP).

    Raises
    ------
    ClearingInputError
        For another name, or when HiGHS is not installed.
    """
    if name == "highs":
        solver = pulp.HiGHS(msg=False, gapRel=0.0, gapAbs=1e-9)
        if not solver.available():
            raise ClearingInputError(
                "solver = 'highs' is not available: install highspy, or use solver='cbc'"
            )
        return solver
    if name == "cbc":
        solver = pulp.COIN_CMD(path=_cbc_path(), msg=False, gapRel=0.0, gapAbs=1e-9)
        if not solver.available():
            raise ClearingInputError(
                "solver = 'cbc' is not available: no CBC executable found; use solver='highs'"
            )
        return solver
    raise ClearingInputError(f"solver = {name!r} is not allowed; use one of {list(LP_SOLVERS)}")


def solve(problem: pulp.LpProblem, name: str) -> None:
    """Solve ``problem`` in place with solver ``name``.

    Raises
    ------
    InfeasibleClearing
        When the solver does not report an optimal solution.
    """
    status = problem.solve(make_solver(name))
    if status != pulp.LpStatusOptimal or problem.sol_status not in (
        pulp.LpSolutionOptimal,
        pulp.LpSolutionIntegerFeasible,
    ):
        raise InfeasibleClearing(
            f"solver {name!r} returned status {pulp.LpStatus.get(status, status)!r} "
            f"(solution status {problem.sol_status!r}) for the clearing model"
        )
