"""The operator token: runs, studies, clearing and the dashboard's API on a guarded server."""

from __future__ import annotations

from fastapi import WebSocketException
from starlette.requests import HTTPConnection

from web.errors import WebInputError
from web.security.access import TOKEN_QUERY, bearer_token, token_is_valid
from web.security.middleware import POLICY_VIOLATION
from web.settings import WebSettings

OPERATOR_ALLOWED = "Authorization: Bearer <operator token> (printed by greenmarket serve)"


def operator_token(settings: WebSettings) -> str | None:
    """The configured operator token, or ``None``."""
    return settings.operator_token.get_secret_value() if settings.operator_token else None


def require_operator(conn: HTTPConnection) -> None:
    """Refuse a request (401) or websocket (close 1008) without the operator token.

    Open to everyone on an unguarded (loopback) server. Websockets may send the token as the
    ``token`` query parameter, as browsers cannot set their headers.
    """
    settings: WebSettings = conn.app.state.settings
    if not settings.guarded:
        return
    expected: str = conn.app.state.operator_token
    presented = bearer_token(conn.headers)
    if conn.scope["type"] == "websocket":
        presented = presented or conn.query_params.get(TOKEN_QUERY)
        if not token_is_valid(presented, expected):
            raise WebSocketException(POLICY_VIOLATION, "operator token needed")
        return
    if not token_is_valid(presented, expected):
        value = "<missing>" if presented is None else "<invalid>"
        raise WebInputError("Authorization", value, OPERATOR_ALLOWED, 401)
