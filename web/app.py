"""The app factory: ``create_app(settings)`` builds the FastAPI app with its services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from market.api import ConfigError, RunError, load_highs_quietly
from web.classroom import router as classroom_router
from web.classroom.deps import MAX_BODY_BYTES as CLASSROOM_BODY_BYTES
from web.errors import WebInputError
from web.hub import StreamHub
from web.i18n import messages_script
from web.methods import add_options_route, allowed_methods
from web.openapi import use_error_body_schema
from web.routers import clear, configs, horizon, results, runs, stream, studies
from web.runs import RunManager, SimulationFactory
from web.security import GUARD_RESPONSES, install_security, require_operator
from web.settings import WebSettings
from web.store import RunStore

STATIC_DIR = Path(__file__).resolve().parent / "static"


def plotly_js_path() -> Path:
    """Return the path of ``plotly.min.js`` inside the installed ``plotly`` package."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


def _error(
    status: int,
    detail: str,
    errors: list[dict[str, str]],
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors}, status_code=status, headers=headers)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<body>"


def _install_error_handlers(app: FastAPI) -> None:
    async def on_web_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, WebInputError)
        return _error(exc.status_code, str(exc), [exc.as_dict()])

    async def on_config_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ConfigError)
        head = str(exc).splitlines()[0]
        return _error(422, head, [issue.as_dict() for issue in exc.issues])

    async def on_run_error(request: Request, exc: Exception) -> JSONResponse:
        return _error(422, str(exc), [])

    async def on_request_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        issues = [
            {
                "path": _location(tuple(e.get("loc", ()))),
                "value": "<missing>" if e.get("type") == "missing" else repr(e.get("input"))[:80],
                "allowed": str(e.get("msg", "invalid value")).removeprefix("Value error, "),
            }
            for e in exc.errors()
        ]
        return _error(422, f"request: {len(issues)} error(s)", issues)

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        # Unknown paths (404), unsupported methods (405) and errors raised as HTTPException.
        assert isinstance(exc, StarletteHTTPException)
        status, detail, headers = exc.status_code, str(exc.detail), dict(exc.headers or {})
        errors: list[dict[str, str]] = []
        if status == 405:
            methods = allowed_methods(request.app.routes, request.scope)
            if methods:
                headers["Allow"] = ", ".join(methods)
                errors.append(
                    {"path": request.url.path, "value": request.method, "allowed": headers["Allow"]}
                )
            else:  # only the OPTIONS route matched: no route has the path
                status, detail = 404, "Not Found"
        if status == 404 and detail == "Not Found":
            errors.append(
                {"path": request.url.path, "value": request.method, "allowed": "a path of the API"}
            )
        return _error(status, detail, errors, headers)

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(WebInputError, on_web_error)
    app.add_exception_handler(ConfigError, on_config_error)
    app.add_exception_handler(RunError, on_run_error)
    app.add_exception_handler(RequestValidationError, on_request_error)


def create_app(
    settings: WebSettings | None = None, simulation_factory: SimulationFactory | None = None
) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    settings
        Where to listen and keep data, and how to pace runs (defaults when ``None``).
    simulation_factory
        Builds a simulation from a scenario (the engine's ``Simulation`` by default).

    Returns
    -------
    FastAPI
        The app; its run manager, store and stream hub exist while it runs (lifespan).
    """
    cfg = settings if settings is not None else WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        load_highs_quietly()
        store = RunStore(cfg.db_path)
        store.mark_interrupted()
        hub = StreamHub(cfg.replay_buffer_events)
        manager = RunManager(
            store,
            hub,
            asyncio.get_running_loop(),
            cfg.results_dir,
            cfg.max_active_runs,
            simulation_factory,
        )
        app.state.store, app.state.hub, app.state.manager = store, hub, manager
        try:
            yield
        finally:
            await asyncio.to_thread(manager.shutdown)
            hub.close_all()

    app = FastAPI(
        title="greenmarket",
        version="0.1.0",
        summary="Simulate green-power and energy-use-rights markets in industrial parks.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = cfg
    _install_error_handlers(app)
    for router in (
        configs.router,
        runs.router,
        horizon.router,
        results.router,
        studies.router,
        clear.router,
        stream.router,
    ):
        # The dashboard's API: the operator token is needed on a server open to a network.
        app.include_router(
            router, dependencies=[Depends(require_operator)], responses=GUARD_RESPONSES
        )
    # Classroom market game (web/classroom): pages, API, websocket views and round timers.
    app.include_router(classroom_router)

    @app.get("/api/health", tags=["meta"], summary="Health check")
    def health() -> dict[str, str]:
        """Answer ``{"status": "ok"}`` while the server runs."""
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    @app.get("/i18n/messages.js", include_in_schema=False)
    def messages_js() -> Response:
        return Response(messages_script(), media_type="text/javascript; charset=utf-8")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        return FileResponse(plotly_js_path(), media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    add_options_route(app)
    use_error_body_schema(app)
    install_security(
        app,
        cfg,
        body_limits=[("/api/classroom", CLASSROOM_BODY_BYTES)],
        style_scripts=[plotly_js_path()],
    )
    return app
