"""The pages' message catalogues: same keys everywhere, placeholders kept, used keys exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from web.i18n import LANGUAGES, catalogue, messages_script

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HTML_KEY = re.compile(r'data-i18n="([^"]+)"')
HTML_ATTR_KEYS = re.compile(r'data-i18n-attr="([^"]+)"')
JS_KEY = re.compile(r"""\bt\(\s*["']([\w.\-]+)["']\s*[,)]""")


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for page in STATIC.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        keys.update(HTML_KEY.findall(text))
        for spec in HTML_ATTR_KEYS.findall(text):
            keys.update(pair.split(":", 1)[1].strip() for pair in spec.split(";") if ":" in pair)
    for script in STATIC.rglob("*.js"):
        keys.update(JS_KEY.findall(script.read_text(encoding="utf-8")))
    return keys


def test_every_language_has_the_same_keys() -> None:
    english = set(catalogue("en"))
    for lang in LANGUAGES:
        assert set(catalogue(lang)) == english, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_messages_are_non_empty_and_keep_their_placeholders(lang: str) -> None:
    english = catalogue("en")
    for key, text in catalogue(lang).items():
        assert text.strip(), f"{lang}:{key} is empty"
        expected = set(PLACEHOLDER.findall(english[key]))
        assert set(PLACEHOLDER.findall(text)) == expected, f"{lang}:{key}"


def test_every_key_the_pages_use_is_in_the_catalogues() -> None:
    missing = sorted(_used_keys() - set(catalogue("en")))
    assert missing == []


def test_units_follow_the_chinese_convention() -> None:
    zh = catalogue("zh")
    assert zh["unit.tce"] == "吨标准煤"
    assert zh["unit.cny_per_tco2"] == "元/tCO2"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="no message catalogue"):
        catalogue("fr")


def test_script_publishes_both_catalogues() -> None:
    script = messages_script()
    assert script.startswith("window.GM_MESSAGES={")
    assert '"zh":{' in script and '"en":{' in script
