"""No visible string of the dashboard lacks a translation.

The page (``index.html``): every text node with a letter sits directly in an element with
``data-i18n`` whose English message is that text; every visible attribute with a letter
(``title``, ``aria-label``, ``placeholder``, ``alt``) is named in ``data-i18n-attr``.

The scripts the page loads: a small tokenizer finds every string and template literal. A literal
with a letter that reads like text (a space between words once placeholders, tags and date
directives are removed), or that is set as visible text (``textContent =``, ``title =``,
``new Option(``, a plotly ``name:`` or ``text:``...), must be a message key: the key argument of
``t(...)``, or a full ``dashboard.*`` key. Console messages are for developers and exempt. The
checker is itself tested on snippets that must fail.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from web.i18n import LANGUAGES, catalogue

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
PAGE = STATIC / "index.html"
VISIBLE_ATTRS = ("title", "aria-label", "placeholder", "alt")
VOID_TAGS = {"meta", "link", "br", "hr", "img", "input", "source", "wbr", "area", "col", "base"}
KEY = re.compile(r"^(dashboard|lang|unit)\.[\w.${}]+$")
# Code names, not text: the first argument of DOM and string methods, class names.
CODE_NAME_BEFORE = re.compile(
    r"(\b(getAttribute|setAttribute|removeAttribute|hasAttribute|getElementById|querySelector"
    r"|querySelectorAll|closest|addEventListener|createElement|CustomEvent|\$)\("
    r"|\.(replace|replaceAll|split|startsWith|endsWith|includes|indexOf|join)\("
    r"|\.className\s*=|\.classList\.\w+\()\s*$"
)
# Set as visible text: the code right before the literal (same statement) ends like this.
SINK_BEFORE = re.compile(
    r"(\.(textContent|innerText|innerHTML|title|placeholder|label)\s*[+]?=\s*[^;]*"
    r"|new\s+Option\(\s*"
    r"|\.setAttribute\(\s*[\"'](title|aria-label|placeholder|alt)[\"']\s*,\s*"
    r"|\b(name|text|label)\s*:\s*"
    r"|\.(append|prepend|after|before|createTextNode)\([^;]*)$"
)
KEY_ARGUMENT_BEFORE = re.compile(r"\bt\(\s*[^;]*$")
CONSOLE_BEFORE = re.compile(r"\bconsole\.\w+\([^;]*$")
NOT_TEXT = re.compile(r"\$\{[^}]*\}|%\{[^}]*\}|<[^>]*>|%[a-zA-Z]|\\[nrt]")


def has_letter(text: str) -> bool:
    """Whether the text has a letter of any script (not a digit, fraction or symbol)."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def reads_as_text(text: str) -> bool:
    """Whether the text holds two words with a space between (placeholders removed)."""
    cleaned = NOT_TEXT.sub("", text)
    words = [w for w in re.findall(r"\w+", cleaned) if has_letter(w)]
    return len(words) >= 2 and re.search(r"\s", cleaned.strip()) is not None


@dataclass(frozen=True)
class Literal:
    """A string or template literal of a script: its static text and where it starts."""

    text: str
    start: int


def _regex_may_start(source: str, i: int) -> bool:
    before = source[:i].rstrip()
    if not before:
        return True
    if re.search(r"\b(return|typeof|case|in|of|delete|void|throw|new)$", before):
        return True
    return before[-1] in "(,=:[!&|?{};+-*%<>~^"


def _skip_regex(source: str, i: int) -> int:
    """Return the index after the regular-expression literal starting at ``source[i] == '/'``."""
    j = i + 1
    in_class = False
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            j += 1
            while j < len(source) and source[j].isalpha():
                j += 1
            return j
        j += 1
    raise ValueError(f"unterminated regular expression at {i}")


def js_literals(source: str) -> list[Literal]:
    """Return every string and template literal of a script (template expressions included)."""
    found: list[Literal] = []
    i = 0
    n = len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif c in "\"'":
            j = i + 1
            while source[j] != c:
                j += 2 if source[j] == "\\" else 1
            found.append(Literal(source[i + 1 : j], i))
            i = j + 1
        elif c == "`":
            i = _template(source, i, found)
        elif c == "/" and _regex_may_start(source, i):
            i = _skip_regex(source, i)
        else:
            i += 1
    return found


def _template(source: str, i: int, found: list[Literal]) -> int:
    """Record the template literal at ``source[i] == '`'`` and its expressions' literals."""
    parts: list[str] = []
    j = i + 1
    while source[j] != "`":
        if source[j] == "\\":
            parts.append(source[j : j + 2])
            j += 2
        elif source.startswith("${", j):
            depth, k = 1, j + 2
            while depth:
                if source[k] == "`":
                    k = _template(source, k, found) - 1
                elif source[k] == "{":
                    depth += 1
                elif source[k] == "}":
                    depth -= 1
                k += 1
            found.extend(
                Literal(lit.text, lit.start + j + 2) for lit in js_literals(source[j + 2 : k - 1])
            )
            parts.append("${}")
            j = k
        else:
            parts.append(source[j])
            j += 1
    found.append(Literal("".join(parts), i))
    return j + 1


def untranslated_js(source: str) -> list[str]:
    """Return the literals of a script that are visible text but not message keys."""
    problems = []
    for lit in js_literals(source):
        text = lit.text
        if text == "use strict" or KEY.match(text) or not has_letter(NOT_TEXT.sub("", text)):
            continue
        statement = source[max(0, source.rfind(";", 0, lit.start) + 1) : lit.start]
        if CONSOLE_BEFORE.search(statement) or CODE_NAME_BEFORE.search(statement):
            continue
        if KEY_ARGUMENT_BEFORE.search(statement) and re.fullmatch(r"[\w.]+", text):
            continue  # the key of t(...)
        if reads_as_text(text) or SINK_BEFORE.search(statement):
            line = source.count("\n", 0, lit.start) + 1
            problems.append(f"line {line}: {text!r}")
    return problems


class _PageCheck(HTMLParser):
    """Collects the untranslated text and attributes of a page."""

    def __init__(self, english: dict[str, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.english = english
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.problems: list[str] = []
        self.keys: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        if self.stack and "data-i18n" in self.stack[-1][1]:
            self.problems.append(f"<{tag}> inside data-i18n element (its text is replaced)")
        translated_attrs = {
            pair.split(":", 1)[0].strip(): pair.split(":", 1)[1].strip()
            for pair in named.get("data-i18n-attr", "").split(";")
            if ":" in pair
        }
        self.keys.update(translated_attrs.values())
        for attr in VISIBLE_ATTRS:
            if has_letter(named.get(attr, "")) and attr not in translated_attrs:
                self.problems.append(f"<{tag} {attr}={named[attr]!r}> not in data-i18n-attr")
        if "data-i18n" in named:
            self.keys.add(named["data-i18n"])
        if tag not in VOID_TAGS:
            self.stack.append((tag, named))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or not has_letter(text):
            return
        if self.stack and self.stack[-1][0] in ("script", "style"):
            return
        attrs = self.stack[-1][1] if self.stack else {}
        key = attrs.get("data-i18n")
        if key is None:
            self.problems.append(f"text without data-i18n: {text!r}")
        elif self.english.get(key) != text:
            self.problems.append(f"{key}: page says {text!r}, catalogue {self.english.get(key)!r}")


def page_problems(markup: str) -> tuple[list[str], set[str]]:
    """Return the untranslated strings of a page and the message keys it names."""
    check = _PageCheck(catalogue("en"))
    check.feed(markup)
    check.close()
    return check.problems, check.keys


def page_scripts() -> list[Path]:
    """The scripts the dashboard loads from /static/."""
    sources = re.findall(r'<script src="/static/([\w.\-/]+)"', PAGE.read_text(encoding="utf-8"))
    return [STATIC / name for name in sources]


def test_every_text_and_attribute_of_the_page_is_translated() -> None:
    problems, keys = page_problems(PAGE.read_text(encoding="utf-8"))
    assert problems == []
    for lang in LANGUAGES:
        assert keys - set(catalogue(lang)) == set(), lang


def test_the_page_loads_the_translations_before_its_scripts() -> None:
    markup = PAGE.read_text(encoding="utf-8")
    assert markup.index("/i18n/messages.js") < markup.index("/static/i18n.js")
    assert markup.index("/static/i18n.js") < markup.index("/static/app.js")
    assert "data-lang-switch" in markup


@pytest.mark.parametrize("script", page_scripts(), ids=lambda p: p.name)
def test_no_script_sets_an_untranslated_string(script: Path) -> None:
    assert untranslated_js(script.read_text(encoding="utf-8")) == []


def test_every_key_named_in_the_scripts_is_in_both_catalogues() -> None:
    keys = {
        lit.text
        for script in page_scripts()
        for lit in js_literals(script.read_text(encoding="utf-8"))
        if KEY.match(lit.text) and lit.text.startswith("dashboard.") and "${" not in lit.text
    }
    assert len(keys) > 40
    for lang in LANGUAGES:
        assert keys - set(catalogue(lang)) == set(), lang


def test_dashboard_units_follow_the_chinese_convention() -> None:
    zh = catalogue("zh")
    assert zh["dashboard.unit.cny_per_tce"] == "元/吨标准煤"
    assert zh["dashboard.unit.cny_per_mwh"] == "元/兆瓦时"
    assert "吨标准煤" in zh["dashboard.firms.energy_use"]


@pytest.mark.parametrize(
    "snippet",
    [
        '$("pause").textContent = "Resume";',
        "status.textContent = `${run.scenario} is running`;",
        'select.append(new Option("all runs", ""));',
        'setStatus("could not start");',
        "logLine(`compliance ${year}: ${rate} % compliant`);",
        'node.setAttribute("title", "Download");',
        "Plotly.newPlot(id, [{ name: 'auction', x, y }]);",
        'holder.append("Download: ", link);',
        "button.title = 'Cancel' + suffix;",
        't("dashboard.ok", { reason: "server gone away" });',
        'el.textContent = flag ? "on" : t("dashboard.off");',
    ],
)
def test_checker_flags_untranslated_script_text(snippet: str) -> None:
    assert untranslated_js(snippet) != []


@pytest.mark.parametrize(
    "snippet",
    [
        '$("pause").textContent = t("dashboard.control.resume");',
        "el.textContent = `${num(a)} · ${t(key)}`;",
        'const KEYS = { paused: "dashboard.state.paused" };',
        'fetch(`/api/runs/${id}/cancel`, { method: "POST" });',
        'const tmpl = "%{x}<br>%{y:.2f} %{text}"; const f = "%Y-%m-%d %H:%M";',
        'const re = /[",\\n\\r]/.test(text); const q = \'a\' + "b";',
        'console.warn("greenmarket: no message for key", key);',
        'select.append(new Option("—", ""));',
        'node.textContent = t(node.getAttribute("data-i18n"));',
        'button.className = "small secondary";',
        "button.textContent = t(`dashboard.download.${kind}`);",
    ],
)
def test_checker_passes_translated_script_text(snippet: str) -> None:
    assert untranslated_js(snippet) == []


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Start a run</p>",
        '<label>Speed <select aria-label="speed"></select></label>',
        '<button data-i18n="dashboard.control.start">Begin</button>',
        '<span data-i18n="dashboard.control.start">Start <b>now</b></span>',
        '<select title="pick one" data-i18n-attr="aria-label:dashboard.control.speed"></select>',
    ],
)
def test_checker_flags_untranslated_page_text(markup: str) -> None:
    assert page_problems(markup)[0] != []


def test_checker_passes_translated_page_text() -> None:
    markup = (
        '<p><span data-i18n="dashboard.control.start">Start</span> '
        '<select aria-label="x" data-i18n-attr="aria-label:dashboard.control.speed">'
        "<option>¼×</option></select> –</p>"
    )
    assert page_problems(html.unescape(markup))[0] == []
