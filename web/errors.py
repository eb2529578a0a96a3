"""Named errors of the web layer (each maps to one HTTP status)."""

from __future__ import annotations


class WebInputError(ValueError):
    """A request names something that does not exist or asks for something not allowed.

    Parameters
    ----------
    field
        Name of the offending field or path parameter.
    value
        The value that was given.
    allowed
        What would have been accepted, in words.
    status_code
        HTTP status the error maps to.
    """

    def __init__(self, field: str, value: object, allowed: str, status_code: int = 400) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.status_code = status_code
        super().__init__(f"{field}: got {value!r}; {allowed}")

    def as_dict(self) -> dict[str, str]:
        """Return the error in the API's issue form (``path``, ``value``, ``allowed``)."""
        return {"path": self.field, "value": repr(self.value), "allowed": self.allowed}


class UnknownRunError(WebInputError):
    """No run has the given id."""

    def __init__(self, run_id: str) -> None:
        super().__init__("run_id", run_id, "the id of an existing run (see GET /api/runs)", 404)


class UnknownExampleError(WebInputError):
    """No example scenario has the given name."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__("example", name, f"one of {known}", 404)


class RunStateError(WebInputError):
    """The run is not in a state that allows the action (e.g. pausing a finished run)."""

    def __init__(self, action: str, state: str, allowed_states: tuple[str, ...]) -> None:
        wanted = " or ".join(allowed_states)
        super().__init__("state", state, f"{action} needs a run that is {wanted}", 409)


class TooManyRunsError(WebInputError):
    """The server already runs as many runs as its settings allow."""

    def __init__(self, limit: int) -> None:
        allowed = "wait for a run to finish, or cancel one, then start again"
        super().__init__("max_active_runs", limit, allowed, 429)
