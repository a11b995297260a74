"""Narrative text: the guide's Jinja2 templates rendered in a sandbox into a small document tree.

The templates write a tiny XML vocabulary (h1–h4, p, ul/li, table/tr/th/td, chart, cover, toc,
pagebreak; see the template folder's README). They run in an `ImmutableSandboxedEnvironment`
with autoescaping on, so every answer a planner typed is inserted as escaped text: it can never
add an element, and it is never evaluated as Jinja (`{{ 7*7 }}` stays `{{ 7*7 }}`). The Word,
HTML and Markdown writers all walk the same tree, so the three formats say the same thing.

A template error (syntax, unknown variable or key, sandbox violation) raises `TemplateError`
naming the template file and line.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import jinja2
from defusedxml import ElementTree as SafeET
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from plan_builder.errors import PlanBuilderError
from plan_builder.export.context import format_value
from plan_builder.plan import format_date, format_fiscal_year, strip_forbidden

ROOT_TEMPLATE = "document.xml.j2"


BLOCKS = {"cover", "toc", "pagebreak", "h1", "h2", "h3", "h4", "p", "ul", "table", "chart", "charts"}
COVER_PARTS = {"title", "subtitle", "org", "date", "note"}
INLINE = {"b", "br", "a"}
_LINK = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


class TemplateError(PlanBuilderError):
    """A document template is broken; the message names the file and the line."""

    def __init__(self, template: str | None, line: int | None, message: str) -> None:
        self.template, self.line, self.detail = template, line, message
        where = f"文書テンプレート {template}" if template else "文書テンプレート"
        if line:
            where += f" の {line} 行目"
        super().__init__(f"{where}: {message}")


def clean(text: str) -> str:
    """Strip characters that XML (and so Word) cannot hold."""
    return strip_forbidden(text)  # cleaned on input too, but an unvalidated plan must not break XML


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return Markup(clean(str(value)))
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, float):
        return format_value(value)
    return value


def _as_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [clean(str(v)).strip() for v in value if str(v).strip()]
    return [line.strip() for line in clean(str(value)).split("\n") if line.strip()]


def _paras(value: Any, cls: str = "") -> Markup:
    """Each line of an answer as its own paragraph (escaped)."""
    attr = Markup(' class="{}"').format(cls) if cls else Markup("")
    return Markup("").join(Markup("<p{}>{}</p>").format(attr, line) for line in _as_lines(value))


def _lines(value: Any) -> Markup:
    """Lines of an answer (or items of a list) joined by line breaks, for table cells."""
    return Markup("<br/>").join(escape(line) for line in _as_lines(value))


def _items(value: Any) -> Markup:
    """A list (or the lines of a text) as bullet items."""
    return Markup("").join(Markup("<li>{}</li>").format(line) for line in _as_lines(value))


def make_environment(template_dir: Path) -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        paras=_paras,
        lines=_lines,
        items=_items,
        wareki=lambda fy: format_fiscal_year(int(fy)),
        wadate=format_date,
        value=format_value,
    )
    return env


def _template_frame(tb: TracebackType | None, template_dir: Path) -> tuple[str | None, int | None]:
    """The innermost traceback frame that runs template code: (template name, line)."""
    found: tuple[str | None, int | None] = (None, None)
    root = str(template_dir.resolve())
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or filename.startswith(root):
            try:
                name = str(Path(filename).resolve().relative_to(template_dir.resolve()))
            except ValueError:
                name = Path(filename).name
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _message(exc: BaseException) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"未定義の値を参照しています（{exc.message}）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"テンプレートから許されない操作をしようとしました（{exc}）"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"テンプレート {exc.name} が見つかりません"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"テンプレートの書き方が正しくありません（{exc.message}）"
    return f"{type(exc).__name__}: {exc}"


def render_template(template_dir: Path, context: dict[str, Any], name: str = ROOT_TEMPLATE) -> str:
    """Render `name` (and what it includes) to the document XML, or raise TemplateError."""
    env = make_environment(template_dir)
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(exc.name or exc.filename, exc.lineno, _message(exc)) from exc
    except jinja2.TemplateNotFound as exc:
        where, line = _template_frame(sys.exc_info()[2], template_dir)
        raise TemplateError(where or exc.name, line, _message(exc)) from exc
    except Exception as exc:
        where, line = _template_frame(exc.__traceback__, template_dir)
        raise TemplateError(where or name, line, _message(exc)) from exc


# The document tree ------------------------------------------------------------------------

_SPACE = re.compile(r"[ \t]*\n\s*")


def squash(text: str | None) -> str:
    """Template line breaks inside a paragraph join the lines (Japanese text has no spaces)."""
    return _SPACE.sub("", text or "")


def parse_document(xml: str) -> Element:
    try:
        root = SafeET.fromstring(xml)
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        snippet = (
            xml.splitlines()[line - 1][max(0, col - 30) : col + 30] if 0 < line <= xml.count("\n") + 1 else ""
        )
        raise TemplateError(
            None,
            None,
            f"テンプレートの出力が正しい文書の形になっていません（出力の {line} 行目付近: {snippet!r}）",
        ) from exc
    except Exception as exc:  # defusedxml refuses DTDs and entities
        raise TemplateError(None, None, f"テンプレートの出力を読み取れません（{exc}）") from exc
    if root.tag != "document":
        raise TemplateError(ROOT_TEMPLATE, None, "最上位の要素は <document> にしてください")
    for el in root:
        if el.tag not in BLOCKS:
            raise TemplateError(None, None, f"<{el.tag}> は文書の要素として使えません")
    number_document(root)
    return root


_CIRCLED = [chr(0x2460 + i) for i in range(20)] + [chr(0x3251 + i) for i in range(15)]
_CIRCLED += [chr(0x32B1 + i) for i in range(15)]


def circled(n: int) -> str:
    return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else f"({n})"


def number_document(root: Element) -> None:
    """Give headings their numbers (第1章 / 1 / （1） / ①) and tables and figures theirs (表1 / 図1)."""
    counters = [0, 0, 0, 0]
    tables = figures = 0
    for el in root.iter():
        if el.tag in ("h1", "h2", "h3", "h4"):
            level = int(el.tag[1])
            if el.get("numbered", "true") == "false":
                if level == 1:
                    counters = [0, 0, 0, 0]
                continue
            counters[level - 1] += 1
            for i in range(level, 4):
                counters[i] = 0
            n = counters[level - 1]
            el.set("number", {1: f"第{n}章", 2: str(n), 3: f"（{n}）", 4: circled(n)}[level])
        elif el.tag == "table" and el.get("caption"):
            tables += 1
            el.set("number", f"表{tables}")
        elif el.tag == "chart":
            figures += 1
            el.set("number", f"図{figures}")


def heading_text(el: Element) -> str:
    number = el.get("number")
    text = inline_text(el)
    return f"{number}　{text}" if number else text


def inline_runs(el: Element) -> list[tuple[str, bool, str]]:
    """The text of an element as (text, bold, link) runs; <br/> becomes "\n".

    `link` is the href of an enclosing <a> when it is an http(s) URL, else "".
    """
    runs: list[tuple[str, bool, str]] = []

    def walk(node: Element, bold: bool, href: str) -> None:
        if node.text:
            runs.append((squash(node.text), bold, href))
        for child in node:
            if child.tag == "br":
                runs.append(("\n", bold, href))
            else:
                link = child.get("href", "") if child.tag == "a" else href
                walk(child, bold or child.tag == "b", link if _LINK.match(link or "") else "")
            if child.tail:
                runs.append((squash(child.tail), bold, href))

    walk(el, False, "")
    # Trim the outer whitespace of the whole run list.
    out = [r for r in runs if r[0]]
    if out:
        out[0] = (out[0][0].lstrip(" \t"), *out[0][1:])
        out[-1] = (out[-1][0].rstrip(" \t"), *out[-1][1:])
    return [r for r in out if r[0]]


def text_em(text: str) -> float:
    """Width of a line in em: full-width characters 1, others about two thirds, plus the quarter
    em Word and LibreOffice put between Japanese and Latin text or digits (令和 3 年)."""
    wide = [unicodedata.east_asian_width(ch) in "WFA" for ch in text]
    switches = sum(1 for a, b in zip(wide, wide[1:], strict=False) if a != b)
    return sum(1.0 if w else 0.65 for w in wide) + 0.25 * switches


def cell_em(el: Element) -> float:
    """The width of a table cell's longest line, in em."""
    return max(text_em(line) for line in inline_text(el).split("\n"))


def inline_text(el: Element) -> str:
    return "".join(r[0] for r in inline_runs(el))


def children(el: Element, tags: Iterable[str]) -> list[Element]:
    wanted = set(tags)
    return [c for c in el if c.tag in wanted]


def chart_elements(root: Element) -> list[Element]:
    return [el for el in root.iter("chart")]


def toc_entries(root: Element, max_level: int = 2) -> list[tuple[int, str]]:
    """(level, text) of the headings a table of contents lists."""
    out = []
    for el in root.iter():
        if (
            el.tag in ("h1", "h2", "h3", "h4")
            and int(el.tag[1]) <= max_level
            and el.get("toc", "true") != "false"
        ):
            out.append((int(el.tag[1]), heading_text(el)))
    return out
