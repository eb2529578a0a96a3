"""Clear an order book over HTTP: the same answer as ``greenmarket clear ORDERS.csv --json``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, Strict

from market.api import ClearRequestError, clear_book
from web.schemas import NOT_BOOL_OR_TEXT, error_responses

router = APIRouter(prefix="/api", tags=["clearing"])


class BookOrder(BaseModel):
    """One order: the CSV columns of ``greenmarket clear``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1, max_length=128)
    side: Literal["buy", "sell"]
    quantity: float
    price: float
    zone: str | None = Field(default=None, max_length=64)
    period: Annotated[int, Field(ge=0, le=100_000), Strict(False), NOT_BOOL_OR_TEXT] | None = None
    block: str | None = Field(default=None, max_length=128)
    agent: str | None = Field(default=None, max_length=128)
    min_acceptance_ratio: float | None = Field(default=None, ge=0.0, le=1.0)


class ClearRequest(BaseModel):
    """A book and the clearing options."""

    model_config = ConfigDict(extra="forbid", strict=True)

    orders: list[BookOrder] = Field(max_length=20_000)
    rule: Literal["pay_as_clear", "pay_as_bid"] = "pay_as_clear"
    solver: Literal["auto", "fast", "highs", "cbc"] = "auto"
    price_floor: float = Field(default=0.0, allow_inf_nan=False)
    price_cap: float = Field(default=1e6, allow_inf_nan=False)


@router.post(
    "/clear",
    responses=error_responses(422, s422="Invalid book: the message names the order and field."),
    summary="Clear an order book",
)
def clear_orders(body: ClearRequest) -> dict[str, Any]:
    """Return ``{status, price, volume, welfare, accepted, payments}``; a bad book is a 422
    naming the order and the field."""
    rows = [o.model_dump(exclude_none=True) for o in body.orders]
    try:
        return clear_book(
            rows,
            rule=body.rule,
            solver=body.solver,
            price_floor=body.price_floor,
            price_cap=body.price_cap,
        )
    except (ClearRequestError, ValueError) as exc:
        raise HTTPException(422, str(exc)) from None
    except RuntimeError as exc:  # a solver that gives up: the book cannot be cleared
        raise HTTPException(422, f"the book could not be cleared: {exc}") from None
