"""Security of the server on a network: operator token, host and origin checks, body limits,
rate limits, security headers and offline API docs.

On loopback everything is open to the local user; on any other bind (or with
``WebSettings.require_operator_token``) runs, studies, clearing and the dashboard's API need the
operator token, and the classroom's join, seat and game-creation limits apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from web.security.access import allowed_host_names, new_operator_token
from web.security.csp import content_security_policy
from web.security.docs import install_docs
from web.security.middleware import BodySizeLimit, HostOriginGuard, SecurityHeaders
from web.security.operator import operator_token, require_operator
from web.security.rate import RateLimitedError, RateLimits
from web.settings import WebSettings

#: Responses a guarded operation may give besides its own (for the OpenAPI document).
GUARD_RESPONSES: dict[int | str, dict[str, str]] = {
    401: {"description": "Operator token missing or invalid (on a server open to a network)"},
    403: {"description": "Request from another site, or to a host name not of this server"},
    413: {"description": "Request body too large"},
}


def install_security(
    app: FastAPI,
    settings: WebSettings,
    body_limits: Sequence[tuple[str, int]] = (),
    style_scripts: Sequence[Path] = (),
) -> None:
    """Add the middleware, the operator token, the rate limits and the offline docs to an app.

    Parameters
    ----------
    app
        The app, built with ``docs_url=None, redoc_url=None``.
    settings
        The app's settings.
    body_limits
        ``(path prefix, bytes)`` body limits tighter than ``settings.max_body_bytes``.
    style_scripts
        Served scripts that add fixed ``<style>`` texts (allowed by hash in the policy).
    """
    csp = content_security_policy(style_scripts)
    app.state.operator_token = operator_token(settings) or new_operator_token()
    app.state.rate_limits = RateLimits.from_settings(settings)

    async def on_rate_limited(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RateLimitedError)
        return JSONResponse(
            {"detail": str(exc), "errors": [exc.as_dict()]},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after_s)},
        )

    app.add_exception_handler(RateLimitedError, on_rate_limited)
    install_docs(app, csp)
    # Added last = outermost: headers on every answer, then host/origin, then the body size.
    app.add_middleware(BodySizeLimit, default_bytes=settings.max_body_bytes, limits=body_limits)
    app.add_middleware(HostOriginGuard, allowed_hosts=allowed_host_names(settings))
    app.add_middleware(SecurityHeaders, csp=csp)


__all__ = [
    "GUARD_RESPONSES",
    "RateLimitedError",
    "RateLimits",
    "install_security",
    "require_operator",
]
