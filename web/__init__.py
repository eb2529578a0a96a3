"""The greenmarket web app: REST API, live websocket stream and dashboard.

Build the app with :func:`web.app.create_app`; serve it with ``greenmarket serve``.
"""

from web.app import create_app
from web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
