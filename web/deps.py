"""Access to the app's services from request handlers."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from web.runs import RunManager
from web.settings import WebSettings
from web.store import RunStore


def get_settings(request: Request) -> WebSettings:
    """Return the app's settings."""
    return cast(WebSettings, request.app.state.settings)


def get_manager(request: Request) -> RunManager:
    """Return the app's run manager (exists while the app runs)."""
    return cast(RunManager, request.app.state.manager)


def get_store(request: Request) -> RunStore:
    """Return the app's run store."""
    return cast(RunStore, request.app.state.store)
