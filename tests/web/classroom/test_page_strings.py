"""No visible text of the classroom pages bypasses the message catalogues.

Markup: every text node with a letter sits inside an element with ``data-i18n``, and every visible
attribute with a letter (``placeholder``, ``title``, ``aria-label``, ``alt``) is named in that
element's ``data-i18n-attr``. Scripts: every string literal with a letter that reaches the page
(assigned to ``textContent``/``innerText``/``innerHTML``/``title``/``placeholder``/``alt``; the
text or visible attributes of ``GM.el``; ``confirm``/``alert``; ``setAttribute`` of a visible
attribute; table and list helpers, and rows pushed to lists; chart trace names and axis titles)
is a message key or lies inside a ``t(...)`` call. Each check is first shown to catch a planted
untranslated string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from web.i18n import catalogue

PAGES = Path(__file__).resolve().parents[3] / "web" / "static" / "classroom"
LETTER = re.compile(r"[^\W\d_]")
VISIBLE_ATTRS = ("placeholder", "title", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
KEY = re.compile(r"^(classroom|unit|lang)\.[a-z0-9_.]*$")


# ---------------------------------------------------------------------------------------- HTML
class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.problems: list[str] = []

    def _translated(self) -> bool:
        return any(flag for _tag, flag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        named = {
            pair.split(":", 1)[0].strip()
            for pair in (values.get("data-i18n-attr") or "").split(";")
            if ":" in pair
        }
        for attr in VISIBLE_ATTRS:
            text = values.get(attr)
            if text and LETTER.search(text) and attr not in named:
                self.problems.append(f"<{tag} {attr}={text!r}> without data-i18n-attr")
        if tag not in VOID:
            self.stack.append((tag, "data-i18n" in values))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        inside = [t for t, _ in self.stack]
        if "script" in inside or "style" in inside:
            return
        if LETTER.search(data) and not self._translated():
            self.problems.append(f"text {data.strip()!r} in <{inside[-1] if inside else '?'}>")


def html_problems(text: str) -> list[str]:
    """Untranslated visible strings of an HTML page."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.problems


# ----------------------------------------------------------------------------------- scripts
@dataclass(frozen=True)
class Literal:
    start: int
    end: int
    text: str


def _scan(source: str) -> tuple[list[Literal], str]:
    """String literals of a script, and the script with comments and literals blanked out
    (same length, so positions match)."""
    literals: list[Literal] = []
    out = list(source)
    i, n = 0, len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            j = source.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif source.startswith("/*", i):
            j = source.find("*/", i + 2) + 2
            out[i:j] = " " * (j - i)
            i = j
        elif c in "\"'`":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            literals.append(Literal(i, j + 1, source[i + 1 : j]))
            out[i + 1 : j] = " " * (j - i - 1)
            i = j + 1
        else:
            i += 1
    return literals, "".join(out)


def _close(code: str, open_at: int) -> int:
    """Index of the bracket closing the one at ``open_at`` (in comment- and string-free code)."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] in "([{":
            depth += 1
        elif code[k] in ")]}":
            depth -= 1
            if depth == 0:
                return k
    return len(code)


def _args(code: str, open_at: int) -> list[tuple[int, int]]:
    """Spans of the arguments of the call whose ``(`` is at ``open_at``."""
    end = _close(code, open_at)
    spans, depth, start = [], 0, open_at + 1
    for k in range(open_at + 1, end):
        if code[k] in "([{":
            depth += 1
        elif code[k] in ")]}":
            depth -= 1
        elif code[k] == "," and depth == 0:
            spans.append((start, k))
            start = k + 1
    spans.append((start, end))
    return spans


def _statement_end(code: str, start: int) -> int:
    depth = 0
    for k in range(start, len(code)):
        if code[k] in "([{":
            depth += 1
        elif code[k] in ")]}":
            depth -= 1
            if depth < 0:
                return k
        elif code[k] == ";" and depth == 0:
            return k
    return len(code)


SINK_ASSIGN = re.compile(r"\.(textContent|innerText|innerHTML|title|placeholder|alt)\s*=(?!=)")
SINK_CALLS = {
    # call pattern: indexes of the arguments that reach the page
    r"\bGM\.el\(": (1,),
    r"\b(?:window\.)?(?:confirm|alert|prompt)\(": (0, 1),
    r"\bGM\.fillTable\(": (1, 2),
    r"\bkv\(": (1,),
    r"\bhead\(": (1,),
    r"\bsay\(": (1,),
    r"\.push\(": (0, 1, 2, 3),
    r"\bGM\.plot\(": (1, 2),
    r"\bGM\.layout\(": (0, 1, 2),
    r"\bGM\.roundLayout\(": (0, 1),
}
VISIBLE_PAIR = re.compile(r"""["']?\b(aria-label|title|placeholder|alt|name|text)["']?\s*:\s*$""")
T_CALL = re.compile(r"\b(?:GM\.)?t\(")


def _shown_in(code: str, sink_start: int, at: int) -> bool:
    """Whether a literal at ``at`` in a sink starting at ``sink_start`` is itself shown: not an
    argument of a call nor a value in an object nested in the sink (those are checked as sinks
    or pairs of their own), but e.g. part of a sum or an array of cells."""
    stack: list[int] = []
    for k in range(sink_start, at):
        if code[k] in "([{":
            stack.append(k)
        elif code[k] in ")]}" and stack:
            stack.pop()
    if not stack:
        return True
    inner = stack[-1]
    if code[inner] == "{":
        return False
    if code[inner] == "(":
        before = code[:inner].rstrip()
        return not (before and (before[-1].isalnum() or before[-1] in "_$"))
    return True


def js_problems(source: str, known_keys: set[str]) -> list[str]:
    """Untranslated visible string literals of a script, and unknown message keys."""
    literals, code = _scan(source)
    t_spans = [(m.end() - 1, _close(code, m.end() - 1)) for m in T_CALL.finditer(code)]
    sinks: list[tuple[int, int]] = []
    for m in SINK_ASSIGN.finditer(code):
        sinks.append((m.end(), _statement_end(code, m.end())))
    for pattern, indexes in SINK_CALLS.items():
        for m in re.finditer(pattern, code):
            spans = _args(code, m.end() - 1)
            sinks.extend(spans[i] for i in indexes if i < len(spans))
    for m in re.finditer(r"\bsetAttribute\(", code):
        spans = _args(code, m.end() - 1)
        first = next((lit for lit in literals if spans[0][0] <= lit.start < spans[0][1]), None)
        if first is not None and first.text in VISIBLE_ATTRS and len(spans) > 1:
            sinks.append(spans[1])
    problems = []
    for lit in literals:
        if KEY.match(lit.text) and not lit.text.endswith((".", "_")) and lit.text not in known_keys:
            problems.append(f"unknown message key {lit.text!r}")
        if not LETTER.search(lit.text) or KEY.match(lit.text):
            continue
        if any(a < lit.start < b for a, b in t_spans):
            continue
        if code[: lit.start].rstrip().endswith(("==", "!=")) or code[lit.end :].lstrip().startswith(
            ("==", "!=")
        ):
            continue  # compared with, not shown
        in_sink = any(
            a <= lit.start < b and _shown_in(code, a, lit.start) for a, b in sinks
        ) and not lit.text.startswith(("/", "?", "#"))
        # An object property that is shown: {"aria-label": "..."}, {name: "..."}, {text: "..."}.
        line_start = code.rfind("\n", 0, lit.start) + 1
        shown_pair = VISIBLE_PAIR.search(code[line_start : lit.start]) is not None
        if in_sink or shown_pair:
            problems.append(f"untranslated {lit.text!r} at offset {lit.start}")
    return problems


# ------------------------------------------------------------------------------------- tests
def _keys() -> set[str]:
    return set(catalogue("en"))


def test_the_checks_catch_planted_untranslated_strings() -> None:
    bad_html = (
        '<p>Hello</p><p data-i18n="k">Hi <b>there</b></p><input placeholder="Name">'
        '<label><span data-i18n="k2">Seats</span> <select aria-label="seats"></select></label>'
    )
    assert html_problems(bad_html) == [
        "text 'Hello' in <p>",
        "<input placeholder='Name'> without data-i18n-attr",
        "<select aria-label='seats'> without data-i18n-attr",
    ]
    assert html_problems('<input placeholder="x" data-i18n-attr="placeholder:k">') == []
    keys = {"classroom.ok"}
    bad_js = "\n".join(
        [
            'node.textContent = "Hello";',
            'node.textContent = ok ? t("classroom.ok") : "fallback";',
            'x.appendChild(GM.el("p", "Round " + n, "cls"));',
            'if (!window.confirm("Sure?")) return;',
            'b.setAttribute("aria-label", "close");',
            'traces.push({ x, y, name: "clearing price" });',
            'const k = "classroom.missing";',
        ]
    )
    problems = js_problems(bad_js, keys)
    assert len(problems) == 7, problems
    good_js = "\n".join(
        [
            'node.textContent = t("classroom.ok", { n: GM.fmt(v, 2) });',
            'x.appendChild(GM.el("p", t(s === "open" ? "classroom.ok" : "classroom.ok"), "cls"));',
            'node.textContent = "–";',
            'GM.el("input", null, "price", { type: "number" });',
            'node.textContent = t("classroom.by." + who);',
        ]
    )
    assert js_problems(good_js, keys) == []


@pytest.mark.parametrize("page", sorted(p.name for p in PAGES.glob("*.html")))
def test_page_markup_has_no_untranslated_text(page: str) -> None:
    assert html_problems((PAGES / page).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("script", sorted(p.name for p in PAGES.glob("*.js")))
def test_page_scripts_show_no_untranslated_text(script: str) -> None:
    assert js_problems((PAGES / script).read_text(encoding="utf-8"), _keys()) == []


def test_every_classroom_page_loads_the_catalogues_and_has_a_language_switch() -> None:
    for page in PAGES.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert '<script src="/i18n/messages.js"></script>' in text, page.name
        assert '<script src="/static/i18n.js"></script>' in text, page.name
        assert "data-lang-switch" in text, page.name
