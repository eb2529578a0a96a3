"""Property-based fuzzing of every OpenAPI operation: no input gives a server error (5xx)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from web.app import create_app
from web.settings import WebSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=15,
)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.text(max_size=6)
)
START_BODY = st.fixed_dictionaries(
    {},
    optional={
        "example": st.one_of(st.sampled_from(["tiny", "week", "broken", "../tiny"]), st.text()),
        "config": JSON,
        "seed": NUMBERS,
        "pace_h_per_s": NUMBERS,
        "speed": NUMBERS,
        "other": JSON,
    },
)
PATH_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=20
).map(lambda text: quote(text, safe=""))


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (method, path template, operation) of an OpenAPI document."""
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "delete", "patch")
    ]


def test_no_request_gives_a_server_error(settings: WebSettings) -> None:
    # Started runs crawl (0.01 h per second) so the run limit is reached and then 429s follow.
    slow = settings.model_copy(update={"pace_h_per_s": 0.01, "max_active_runs": 2})
    with TestClient(create_app(slow)) as client:
        ops = operations(client.get("/openapi.json").json())
        assert len(ops) >= 11
        known_ids: list[str] = []
        statuses: set[int] = set()

        @hypothesis_settings(
            max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        )
        @given(data=st.data())
        def check(data: st.DataObject) -> None:
            method, template, op = data.draw(st.sampled_from(ops), label="operation")
            path = template
            for name in re.findall(r"{(\w+)}", template):
                if name == "file_name":
                    choices = st.one_of(
                        PATH_TEXT, st.sampled_from(["firms.csv", "summary.json", "x.parquet"])
                    )
                    value = data.draw(choices, label=name)
                else:
                    pick = data.draw(st.one_of(PATH_TEXT, st.integers(0, 100)), label=name)
                    value = (
                        pick
                        if isinstance(pick, str)
                        else (known_ids or ["x"])[pick % max(1, len(known_ids))]
                    )
                path = path.replace("{" + name + "}", value)
            query = {
                p["name"]: data.draw(NUMBERS, label=p["name"])
                for p in op.get("parameters", [])
                if p["in"] == "query" and data.draw(st.booleans())
            }
            kwargs: dict[str, Any] = {"params": query}
            if "requestBody" in op:
                body = data.draw(START_BODY if template == "/api/runs" else JSON, label="body")
                kwargs["content"] = json.dumps(body)  # NaN and Infinity tokens included
                kwargs["headers"] = {"content-type": "application/json"}
            response = client.request(method, path, **kwargs)
            assert response.status_code < 500 or (
                response.status_code == 501 and template == "/api/studies"
            ), (method, path, kwargs, response.status_code, response.text)
            statuses.add(response.status_code)
            if template == "/api/runs" and response.status_code == 201:
                known_ids.append(response.json()["id"])

        check()
        assert {200, 404, 422} <= statuses  # the fuzzer reached valid and invalid paths
