"""Which HTTP methods a path supports, derived from the app's routes.

Starlette answers ``OPTIONS`` and 405 with the methods of the first route whose path matches,
although several routes (``GET /api/runs`` and ``POST /api/runs``) may share one path.
:func:`allowed_methods` collects them all; :func:`add_options_route` answers ``OPTIONS`` for
every path with that ``Allow`` list.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import FastAPI, Request, Response
from starlette.routing import BaseRoute, Mount, Route

from web.errors import WebInputError

#: Methods answered for every path that exists.
_ALWAYS = frozenset({"OPTIONS"})


def allowed_methods(routes: Iterable[BaseRoute], path: str) -> list[str]:
    """The methods that some route accepts on ``path``, sorted (empty: no route has the path).

    Parameters
    ----------
    routes
        The app's routes (``app.routes``); mounted static files accept ``GET`` and ``HEAD``.
    path
        The request path.

    Returns
    -------
    list[str]
        Upper-case method names, ``OPTIONS`` included when the path exists.
    """
    found: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(path):
            found |= set(route.methods) - _ALWAYS
        elif isinstance(route, Mount) and route.path_regex.match(path):
            found |= {"GET", "HEAD"}
    return sorted(found | _ALWAYS) if found else []


def add_options_route(app: FastAPI) -> None:
    """Answer ``OPTIONS`` on every path with 204 and the ``Allow`` list of all its routes (404
    for a path no route has). Kept out of the OpenAPI document."""

    @app.options("/{path:path}", include_in_schema=False, status_code=204)
    def options(request: Request) -> Response:
        methods = allowed_methods(request.app.routes, request.url.path)
        if not methods:
            raise WebInputError("path", request.url.path, "a path of the API", 404)
        return Response(status_code=204, headers={"Allow": ", ".join(methods)})
