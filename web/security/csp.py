"""The Content-Security-Policy of the shipped pages.

Scripts come only from this server. Styles too, except two kinds of ``<style>`` elements that
plotly.js adds: empty ones it fills through the CSSOM, and fixed style texts in its bundle; both
are allowed by their SHA-256 hashes, computed from the installed plotly.js.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

#: A fixed style text set by a script: ``.textContent='…'`` without escapes.
STYLE_LITERAL = re.compile(r"\.textContent='([^'\\]*)'")


def sha256_source(text: str) -> str:
    """A CSP hash source of a text (``'sha256-…'``)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@lru_cache(maxsize=8)
def script_style_hashes(path: Path) -> tuple[str, ...]:
    """Hash sources of the fixed style texts a script file puts into ``<style>`` elements."""
    text = path.read_text(encoding="utf-8")
    return tuple(sha256_source(m.group(1)) for m in STYLE_LITERAL.finditer(text))


def content_security_policy(style_scripts: Iterable[Path] = ()) -> str:
    """The policy of every page, allowing the inline styles of the given scripts by hash."""
    styles = {sha256_source("")}
    for path in style_scripts:
        styles.update(script_style_hashes(path))
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' {' '.join(sorted(styles))}; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
