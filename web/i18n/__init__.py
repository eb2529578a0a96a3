"""Message catalogues of the web pages: every visible string, in English and Chinese.

The catalogues are flat JSON files named ``<area>.<lang>.json`` (``common.en.json``,
``classroom.zh.json``, ...) mapping a message key to its text; ``{name}`` marks a value filled in
by the page. A language's catalogue is the union of its area files; a key may live in one area
only. The pages load them through ``/i18n/messages.js`` (:func:`messages_script`) and translate
with ``static/i18n.js``.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path

CATALOGUE_DIR = Path(__file__).resolve().parent
#: The languages the pages are translated into; the first is the fallback.
LANGUAGES: tuple[str, ...] = ("en", "zh")


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Return the message catalogue of one language (key -> text).

    Parameters
    ----------
    lang
        A language code of :data:`LANGUAGES`.

    Raises
    ------
    ValueError
        If the language has no catalogue or a key is defined in two area files.
    """
    if lang not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"no message catalogue for language {lang!r}; known: {known}")
    merged: dict[str, str] = {}
    for path in sorted(CATALOGUE_DIR.glob(f"*.{lang}.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for key, text in data.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            merged[str(key)] = str(text)
    return merged


@lru_cache(maxsize=1)
def messages_script() -> str:
    """Return the JavaScript that publishes every catalogue as ``window.GM_MESSAGES``."""
    payload = {lang: catalogue(lang) for lang in LANGUAGES}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"window.GM_MESSAGES={text};\n"
