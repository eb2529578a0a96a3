"""Named errors of the classroom game: each names the field, the bad value and what is allowed."""

from __future__ import annotations


class ClassroomInputError(ValueError):
    """Input to the classroom game that cannot be accepted.

    Parameters
    ----------
    field
        Name or path of the offending field (e.g. ``orders[1].price``).
    value
        The value that was given.
    allowed
        What would have been accepted, in words.
    """

    def __init__(self, field: str, value: object, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field}: got {value!r}; {allowed}")

    def as_dict(self) -> dict[str, str]:
        """The error as an issue mapping (``path``, ``value``, ``allowed``)."""
        return {"path": self.field, "value": repr(self.value)[:80], "allowed": self.allowed}


class PresetError(ClassroomInputError):
    """A preset file is missing or invalid."""


class BidError(ClassroomInputError):
    """A bid breaks the market's rules (size, price range, holdings)."""


class GameStateError(ClassroomInputError):
    """The action is not allowed in the game's current state (e.g. bidding after the deadline)."""


class UnknownGameError(ClassroomInputError):
    """No game has the given join code."""

    def __init__(self, code: str) -> None:
        super().__init__("code", code, "the join code of an existing game")


class GameFullError(ClassroomInputError):
    """Every seat of the game is taken by a player."""

    def __init__(self, seats: int) -> None:
        super().__init__("seats", seats, "a game with a free seat (ask the instructor)")
