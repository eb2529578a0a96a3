"""Request bodies of the classroom API (sizes bounded; the game checks the meaning)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateGame(_Body):
    """Create a game from a preset."""

    preset: str = Field(min_length=1, max_length=60)
    seats: int | None = Field(default=None, ge=2, le=200)
    rounds: int | None = Field(default=None, ge=1, le=30)
    round_seconds: float | None = Field(default=None, ge=1, le=3600)
    bot_strategy: Literal["truthful", "zi_c", "zip", "roth_erev"] | None = None
    bots_enabled: bool = True


class JoinGame(_Body):
    """Join a game with its code and a name (or a claim token from the instructor)."""

    code: str = Field(min_length=1, max_length=16)
    name: str = Field(default="", max_length=200)
    claim: str | None = Field(default=None, max_length=128)


class OrderIn(_Body):
    """One limit order (the game checks sides, ranges and limits and answers 422)."""

    side: str = Field(max_length=8)
    quantity: float
    price: float


class BidIn(_Body):
    """A seat's bid for the open round (replaces its earlier bid)."""

    orders: list[OrderIn] = Field(max_length=10)


class ControlIn(_Body):
    """An instructor action."""

    action: Literal["start", "pause", "resume", "advance", "extend", "finish"]
    seconds: float | None = Field(default=None, gt=0, le=3600)


class ParamsIn(_Body):
    """Rule changes for the coming rounds (only the fields given change)."""

    cap_share: float | None = None
    allocation: str | None = Field(default=None, max_length=30)
    penalty_cny_per_unit: float | None = None
    price_cap_cny_per_unit: float | None = None
    price_floor_cny_per_unit: float | None = None
    reserve_price_cny_per_unit: float | None = None
    target_share: float | None = None


class SwitchIn(_Body):
    """Switch something on or off."""

    enabled: bool


class HideIn(_Body):
    """Hide or show something."""

    hidden: bool


class ReassignIn(_Body):
    """Give a seat to a new device or player."""

    name: str = Field(min_length=1, max_length=200)
