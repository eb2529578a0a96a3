"""Which HTTP methods a path supports, derived from the app's routes.

Starlette answers ``OPTIONS`` and 405 with the methods of the first route whose path matches,
although several routes (``GET /api/runs`` and ``POST /api/runs``) may share one path.
:func:`allowed_methods` collects them all; :func:`add_options_route` answers ``OPTIONS`` for
every path with that ``Allow`` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.routing import BaseRoute, Match, Mount

from web.errors import WebInputError

#: Methods a route may serve; ``OPTIONS`` is answered for every path that exists.
_METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
#: What mounted static files serve.
_STATIC_METHODS = frozenset({"GET", "HEAD"})


def allowed_methods(routes: Iterable[BaseRoute], scope: Mapping[str, Any]) -> list[str]:
    """The methods that some route accepts on the path of ``scope``, sorted (empty: no route
    has the path).

    Parameters
    ----------
    routes
        The app's routes (``app.routes``); mounted static files accept ``GET`` and ``HEAD``.
    scope
        The ASGI scope of a request to the path (its method does not matter).

    Returns
    -------
    list[str]
        Upper-case method names, ``OPTIONS`` included when the path exists.
    """
    # Inside a mount, ``root_path`` has grown; match from the app's own root.
    base = {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}
    found: set[str] = set()
    for route in routes:
        for method in _METHODS:
            if method in found or (isinstance(route, Mount) and method not in _STATIC_METHODS):
                continue
            match, _ = route.matches({**base, "method": method})
            if match is Match.FULL:
                found.add(method)
    return sorted(found | {"OPTIONS"}) if found else []


def add_options_route(app: FastAPI) -> None:
    """Answer ``OPTIONS`` on every path with 204 and the ``Allow`` list of all its routes (404
    for a path no route has). Kept out of the OpenAPI document."""

    @app.options("/{path:path}", include_in_schema=False, status_code=204)
    def options(request: Request) -> Response:
        methods = allowed_methods(request.app.routes, request.scope)
        if not methods:
            raise WebInputError("path", request.url.path, "a path of the API", 404)
        return Response(status_code=204, headers={"Allow": ", ".join(methods)})
