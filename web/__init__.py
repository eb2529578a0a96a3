"""The greenmarket web app: REST API, live websocket stream and dashboard.

Build the app with :func:`web.app.create_app`; serve it with ``greenmarket serve``. The names
below load on first use, so that ``web.cli`` (the ``serve`` command's parser) stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.app import create_app
    from web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]

_HOMES = {"create_app": "web.app", "WebSettings": "web.settings"}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'web' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
