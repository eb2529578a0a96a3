"""ASGI middleware of a server open to a network: host and origin checks, body size limit,
security headers.

Each refusal answers in the API's error form ``{"detail": ..., "errors": [...]}``; a refused
websocket is accepted and closed at once with code 1008 and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.security.access import host_allowed, origin_matches_host

#: Methods that change state (their requests must come from this server's own pages).
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Close code of a websocket refused for policy (RFC 6455).
POLICY_VIOLATION = 1008


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def send_error(send: Send, status: int, path: str, value: str, allowed: str) -> None:
    """Send a whole JSON error response in the API's error form."""
    detail = f"{path}: got {value!r}; {allowed}"
    body = json.dumps(
        {"detail": detail, "errors": [{"path": path, "value": repr(value), "allowed": allowed}]}
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def refuse_websocket(receive: Receive, send: Send, reason: str) -> None:
    """Accept a websocket and close it at once with code 1008 and a reason."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": reason[:120]})


class HostOriginGuard:
    """Refuse requests whose ``Host`` is not this server's, and websockets and state-changing
    requests whose ``Origin`` is another site (403 / close 1008).

    Parameters
    ----------
    app
        The wrapped ASGI app.
    allowed_hosts
        ``Host`` names the server answers (``*`` for any).
    """

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        host = headers.get("host")
        problem: tuple[str, str, str] | None = None
        if not host_allowed(host, self.allowed_hosts):
            allowed = "a host name of this server (add it with --allowed-host)"
            problem = ("Host", host or "<missing>", allowed)
        elif (
            scope["type"] == "websocket" or scope.get("method", "GET") in STATE_CHANGING
        ) and not origin_matches_host(headers.get("origin"), host):
            allowed = "a page served by this server (same origin)"
            problem = ("Origin", headers.get("origin", ""), allowed)
        if problem is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await refuse_websocket(receive, send, f"{problem[0]} refused: {problem[2]}")
        else:
            await send_error(send, 403, *problem)


class BodySizeLimit:
    """Read a request's body up to a limit and refuse it with 413 beyond (chunked bodies too).

    The body is counted as it arrives, whatever ``Content-Length`` says, and handed on to the
    app only when it is within the limit.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    default_bytes
        Limit of every path not named in ``limits``.
    limits
        ``(path prefix, limit in bytes)`` pairs; the first matching prefix wins.
    """

    def __init__(
        self, app: ASGIApp, default_bytes: int, limits: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.limits = tuple(limits)

    def limit_of(self, path: str) -> int:
        """The body limit of a path [bytes]."""
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope.get("path", ""))
        declared = _headers(scope).get("content-length", "0")
        if not declared.isdigit() or int(declared) > limit:
            await send_error(send, 413, "body", f"{declared} bytes", f"at most {limit} bytes")
            return
        buffered: list[Message] = []
        size = 0
        while True:
            message = await receive()
            buffered.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await send_error(send, 413, "body", f"over {limit} bytes", f"at most {limit} bytes")
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeaders:
    """Add ``X-Frame-Options``, ``X-Content-Type-Options``, ``Referrer-Policy`` and a
    Content-Security-Policy to every response that does not set its own.

    Parameters
    ----------
    app
        The wrapped ASGI app.
    csp
        The default Content-Security-Policy.
    """

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.defaults = [
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"content-security-policy", csp.encode("latin-1")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.defaults if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
