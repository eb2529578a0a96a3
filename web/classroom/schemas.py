"""Request bodies of the classroom API (sizes bounded; the game checks the meaning)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from web.schemas import NOT_BOOL_OR_TEXT, RequestBody


class CreateGame(RequestBody):
    """Create a game from a preset."""

    preset: str = Field(min_length=1, max_length=60)
    seats: Annotated[int, Field(ge=2, le=200), Strict(False), NOT_BOOL_OR_TEXT] | None = None
    rounds: Annotated[int, Field(ge=1, le=30), Strict(False), NOT_BOOL_OR_TEXT] | None = None
    round_seconds: float | None = Field(default=None, ge=1, le=3600)
    bot_strategy: Literal["truthful", "zi_c", "zip", "roth_erev"] | None = None
    bots_enabled: bool = True
    practice_round: bool = Field(
        default=False, description="Play one unscored practice round before the scored rounds."
    )


class JoinGame(RequestBody):
    """Join a game with its code and a name (or a claim token from the instructor)."""

    code: str = Field(min_length=1, max_length=16)
    name: str = Field(default="", max_length=200)
    claim: str | None = Field(default=None, max_length=128)


class OrderIn(RequestBody):
    """One limit order (the game checks the price range and the seat's limits of the round and
    answers 422)."""

    side: Literal["buy", "sell"]
    quantity: float = Field(gt=0, le=1e9, description="Quantity [unit of the game], > 0.")
    price: float = Field(ge=0, le=1e6, description="Limit price [CNY per unit].")


class BidIn(RequestBody):
    """A seat's bid for the open round (replaces its earlier bid)."""

    orders: list[OrderIn] = Field(max_length=10)


class ControlIn(RequestBody):
    """An instructor action."""

    action: Literal["start", "pause", "resume", "advance", "extend", "finish"]
    seconds: float | None = Field(default=None, gt=0, le=3600)


class ParamsIn(RequestBody):
    """Rule changes for the coming rounds (only the fields given change; the game answers 422
    when the result breaks a rule across fields, e.g. a floor above the cap)."""

    cap_share: float | None = Field(default=None, gt=0, le=2)
    allocation: Literal["grandfathering", "benchmark", "auction"] | None = None
    penalty_cny_per_unit: float | None = Field(default=None, ge=0, le=1e6)
    price_cap_cny_per_unit: float | None = Field(default=None, gt=0, le=1e6)
    price_floor_cny_per_unit: float | None = Field(default=None, ge=0, le=1e6)
    reserve_price_cny_per_unit: float | None = Field(default=None, ge=0, le=1e6)
    target_share: float | None = Field(default=None, ge=0, le=1)


class SwitchIn(RequestBody):
    """Switch something on or off."""

    enabled: bool


class HideIn(RequestBody):
    """Hide or show something."""

    hidden: bool


class ReassignIn(RequestBody):
    """Give a seat to a new device or player."""

    name: str = Field(min_length=1, max_length=200)
