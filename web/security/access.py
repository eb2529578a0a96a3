"""Who may do what: the operator token, the allowed ``Host`` names and same-origin checks.

Pure functions of the settings and of request headers; the middleware and the dependencies in
this package apply them.
"""

from __future__ import annotations

import hmac
import secrets
import socket
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import psutil

from web.settings import LOOPBACK_NAMES, WebSettings, is_loopback

#: Largest token read from a request [characters].
MAX_TOKEN_CHARS = 128
#: Bind addresses that listen on every interface of the machine.
ANY_ADDRESS = ("0.0.0.0", "::", "")
#: Query parameter that carries the operator token where no header can be sent (websockets).
TOKEN_QUERY = "token"


def new_operator_token() -> str:
    """A fresh operator token (256 random bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or ``None``."""
    auth = headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_is_valid(presented: str | None, expected: str) -> bool:
    """Whether a presented token equals the expected one (constant-time comparison)."""
    if not presented or len(presented) > MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The name of a ``Host`` header without its port, lower case (``[::1]:8000`` -> ``::1``)."""
    text = host_header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


def machine_names() -> set[str]:
    """Names of this machine and the IP addresses of all its network interfaces.

    The interface addresses are what students type when they reach the server by address
    (``http://192.168.1.10:8000``); they come from ``psutil`` (IPv6 zone suffixes dropped).
    """
    names: set[str] = set()
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                names.add(address.address.split("%", 1)[0].lower())
    try:
        hostname = socket.gethostname()
        names |= {hostname.lower(), socket.getfqdn().lower()}
        for info in socket.getaddrinfo(hostname, None):
            names.add(str(info[4][0]).lower())
    except OSError:
        pass
    return names


def allowed_host_names(settings: WebSettings, extra: Iterable[str] = ()) -> frozenset[str]:
    """``Host`` names the server answers.

    The bind address; on loopback the localhost names; on an any-interface bind the machine's
    own names and addresses; plus ``settings.allowed_hosts`` and ``extra``.
    """
    names = {host_name(h) for h in (*settings.allowed_hosts, *extra)}
    bind = settings.host.strip("[]").lower()
    if bind in ANY_ADDRESS:
        names |= machine_names() | set(LOOPBACK_NAMES)
    else:
        names.add(bind)
    if is_loopback(bind):
        names |= set(LOOPBACK_NAMES)
    return frozenset(names)


def host_allowed(host_header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's ``Host`` header names this server."""
    if "*" in allowed:
        return True
    return bool(host_header) and host_name(host_header or "") in allowed


def origin_matches_host(origin: str | None, host_header: str | None) -> bool:
    """Whether a page's ``Origin`` (when sent) is the address the server was reached at."""
    if origin is None:
        return True
    if not host_header or origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == host_header.strip().lower()
