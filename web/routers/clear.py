"""Clear an order book over HTTP: the same answer as ``greenmarket clear ORDERS.csv --json``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, Strict

from market.api import (
    MAX_ABS_PRICE_CNY_PER_UNIT,
    MAX_ORDER_QUANTITY,
    MAX_PERIOD,
    ClearRequestError,
    clear_book,
)
from web.errors import WebInputError
from web.schemas import NOT_BOOL_OR_TEXT, error_responses

router = APIRouter(prefix="/api", tags=["clearing"])

#: Largest book one request may carry (the command line takes up to ``MAX_BOOK_ORDERS``).
MAX_HTTP_BOOK_ORDERS = 20_000


class BookOrder(BaseModel):
    """One order: the CSV columns of ``greenmarket clear``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str = Field(min_length=1, max_length=128)
    side: Literal["buy", "sell"]
    quantity: float = Field(
        gt=0.0,
        le=MAX_ORDER_QUANTITY,
        allow_inf_nan=False,
        description="Quantity in the product's unit (MWh, tce, ...).",
    )
    price: float = Field(
        ge=-MAX_ABS_PRICE_CNY_PER_UNIT,
        le=MAX_ABS_PRICE_CNY_PER_UNIT,
        allow_inf_nan=False,
        description="Limit price [CNY per unit].",
    )
    zone: str | None = Field(default=None, max_length=64)
    period: Annotated[int, Field(ge=0, le=MAX_PERIOD), Strict(False), NOT_BOOL_OR_TEXT] | None = (
        None
    )
    block: str | None = Field(default=None, max_length=128)
    agent: str | None = Field(default=None, max_length=128)
    min_acceptance_ratio: float | None = Field(default=None, ge=0.0, le=1.0)


class ClearRequest(BaseModel):
    """A book and the clearing options."""

    model_config = ConfigDict(extra="forbid", strict=True)

    orders: list[BookOrder] = Field(max_length=MAX_HTTP_BOOK_ORDERS)
    rule: Literal["pay_as_clear", "pay_as_bid"] = "pay_as_clear"
    solver: Literal["auto", "fast", "highs", "cbc"] = "auto"
    price_floor: float = Field(
        default=0.0,
        ge=-MAX_ABS_PRICE_CNY_PER_UNIT,
        le=MAX_ABS_PRICE_CNY_PER_UNIT,
        allow_inf_nan=False,
        description="Lowest allowed order price [CNY per unit].",
    )
    price_cap: float = Field(
        default=MAX_ABS_PRICE_CNY_PER_UNIT,
        ge=-MAX_ABS_PRICE_CNY_PER_UNIT,
        le=MAX_ABS_PRICE_CNY_PER_UNIT,
        allow_inf_nan=False,
        description="Highest allowed order price [CNY per unit].",
    )


@router.post(
    "/clear",
    responses=error_responses(422, s422="Invalid book: the message names the order and field."),
    summary="Clear an order book",
)
def clear_orders(body: ClearRequest) -> dict[str, Any]:
    """Return ``{status, price, volume, welfare, accepted, payments}``.

    Quantities lie in (0, 1e9] and prices, floor and cap in [-1e6, 1e6] CNY per unit, so every
    figure of the answer is finite. A bad book is a 422 ``{"detail", "errors": [{"path",
    "value", "allowed"}]}`` naming the order and the field.
    """
    rows = [o.model_dump(exclude_none=True) for o in body.orders]
    try:
        return clear_book(
            rows,
            rule=body.rule,
            solver=body.solver,
            price_floor=body.price_floor,
            price_cap=body.price_cap,
        )
    except ClearRequestError as exc:
        raise WebInputError(exc.path, exc.value, exc.allowed, 422) from None
    except RuntimeError as exc:  # a solver that gives up: the book cannot be cleared
        raise WebInputError(
            "orders", "<book>", f"a book the solver can clear ({exc})", 422
        ) from None
