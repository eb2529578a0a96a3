"""API documentation served from this server: Swagger UI at ``/docs``.

The JavaScript and CSS come from the ``fastapi_offline`` package's static folder, so the page
works without internet access. Its inline start-up script is allowed by its hash in the page's
own Content-Security-Policy. There is no ReDoc page: ReDoc loads its logo from the internet.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Where the documentation's scripts and styles are served.
ASSETS_URL = "/docs-assets"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def assets_dir() -> Path:
    """Folder of Swagger UI's files inside the installed ``fastapi_offline`` package."""
    return Path(str(files("fastapi_offline") / "static"))


def page_csp(html: str, base: str) -> str:
    """A Content-Security-Policy that allows the page's inline scripts by their SHA-256 hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in INLINE_SCRIPT.findall(html)
    )
    return base.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip(), 1)


def install_docs(app: FastAPI, csp: str) -> None:
    """Add ``/docs`` (the app must be built with ``docs_url=None, redoc_url=None``) and the
    files it loads."""
    swagger = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title=f"{app.title} - API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},
    ).body
    html = bytes(swagger).decode("utf-8")
    headers = {"Content-Security-Policy": page_csp(html, csp)}

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(html, headers=headers)

    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")
