"""``POST /api/clear``: stated limits in the schema, 422 with the API's error body for bad books."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from web.app import create_app
from web.settings import WebSettings

GOOD = [
    {"id": "b1", "side": "buy", "quantity": 10, "price": 30},
    {"id": "s1", "side": "sell", "quantity": 15, "price": 10},
]


@pytest.fixture
def client(settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _issue_paths(body: dict[str, Any]) -> list[str]:
    assert set(body) == {"detail", "errors"} and body["errors"]
    for issue in body["errors"]:
        assert set(issue) == {"path", "value", "allowed"}
    return [issue["path"] for issue in body["errors"]]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"quantity": 1e308}, "orders[1].quantity"),
        ({"quantity": 1.7976931348623157e308}, "orders[1].quantity"),
        ({"price": -1e308}, "orders[1].price"),
        ({"price": 1e6 + 1}, "orders[1].price"),
        ({"quantity": 0}, "orders[1].quantity"),
    ],
)
def test_values_beyond_the_limits_are_422(
    client: TestClient, change: dict[str, float], path: str
) -> None:
    response = client.post("/api/clear", json={"orders": [GOOD[0], {**GOOD[1], **change}]})
    assert response.status_code == 422
    assert path in _issue_paths(response.json())


def test_options_beyond_the_limits_are_422(client: TestClient) -> None:
    response = client.post("/api/clear", json={"orders": GOOD, "price_cap": 1e300})
    assert response.status_code == 422 and _issue_paths(response.json()) == ["price_cap"]


def test_engine_errors_use_the_error_body(client: TestClient) -> None:
    # Within the stated limits but below the default price floor of 0: named by the engine.
    response = client.post("/api/clear", json={"orders": [GOOD[0], {**GOOD[1], "price": -5}]})
    assert response.status_code == 422
    body = response.json()
    assert _issue_paths(body) == ["orders[1].price"]
    assert "price_floor" in body["errors"][0]["allowed"]
    inverted = client.post("/api/clear", json={"orders": GOOD, "price_floor": 5, "price_cap": 1})
    assert inverted.status_code == 422 and _issue_paths(inverted.json()) == ["price_cap"]


def test_largest_allowed_book_has_finite_figures(client: TestClient) -> None:
    orders = [
        {"id": "b", "side": "buy", "quantity": 1e9, "price": 1e6},
        {"id": "s", "side": "sell", "quantity": 1e9, "price": -1e6},
    ]
    response = client.post("/api/clear", json={"orders": orders, "price_floor": -1e6})
    assert response.status_code == 200
    answer = response.json()
    figures = [answer["volume"], answer["welfare"], *answer["payments"].values()]
    assert all(isinstance(v, float) and math.isfinite(v) for v in figures)


def test_openapi_states_the_limits(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    order = schemas["BookOrder"]["properties"]
    assert order["quantity"]["exclusiveMinimum"] == 0 and order["quantity"]["maximum"] == 1e9
    assert (order["price"]["minimum"], order["price"]["maximum"]) == (-1e6, 1e6)
    request = schemas["ClearRequest"]["properties"]
    assert request["orders"]["maxItems"] == 20_000
    assert (request["price_cap"]["minimum"], request["price_cap"]["maximum"]) == (-1e6, 1e6)
