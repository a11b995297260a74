"""Markdown from the same document tree as the Word file.

Charts become small data tables (年度・目標値・実績値; the 工程表 as 施策 × 年度), which read
well in any Markdown viewer and need no browser. User text is escaped so that it can never
become Markdown or HTML markup.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from plan_builder.export.context import format_value
from plan_builder.export.text import children, heading_text, inline_runs, inline_text, toc_entries
from plan_builder.plan import Plan, fiscal_year_of, format_fiscal_year

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])", re.MULTILINE)


def escape_md(text: str) -> str:
    """Escape Markdown and inline-HTML syntax in plain text."""
    s = _ENTITY.sub("&amp;", text)
    s = _SPECIAL.sub(r"\\\1", s)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), s)


def _inline(el: Element, *, in_table: bool = False) -> str:
    out = []
    for text, bold, href in inline_runs(el):
        if text == "\n":
            out.append("<br>" if in_table else "  \n")
            continue
        t = escape_md(text)
        t = f"**{t}**" if bold and t.strip() else t
        out.append(f"[{t}](<{href}>)" if href else t)
    s = "".join(out)
    return s.replace("\n", "<br>") if in_table else s


def _table(rows: list[list[str]], header: list[str] | None = None) -> list[str]:
    width = max([len(r) for r in rows] + [len(header or [])])
    head = (header or [""] * width) + [""] * (width - len(header or []))
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * width) + "|"]
    for r in rows:
        r = r + [""] * (width - len(r))
        lines.append("| " + " | ".join(r) + " |")
    return lines


def _kpi_table(plan: Plan, key: str) -> list[str]:
    try:
        kpi = plan.kpi(key)
    except StopIteration:
        return ["（指標のデータがありません）"]
    rows = []
    if kpi.baseline.value is not None:
        fy = fiscal_year_of(kpi.baseline.as_of) if kpi.baseline.as_of else None
        label = f"現状（{format_fiscal_year(fy)}）" if fy else "現状"
        rows.append([label, escape_md(format_value(kpi.baseline.value)), ""])
    for fy in sorted(set(kpi.targets) | set(kpi.actuals)):
        rows.append(
            [
                format_fiscal_year(fy),
                escape_md(format_value(kpi.targets.get(fy))),
                escape_md(format_value(kpi.actuals.get(fy))),
            ]
        )
    unit = f"（{escape_md(kpi.unit)}）" if kpi.unit else ""
    return _table(rows, ["年度", f"目標値{unit}", f"実績値{unit}"])


def _schedule_table(plan: Plan) -> list[str]:
    years = plan.period.years if plan.period else sorted({e.fy for m in plan.measures for e in m.schedule})
    rows = []
    for m in plan.measures:
        if not m.schedule:
            continue
        by_year: dict[int, list[str]] = {}
        for e in m.schedule:
            by_year.setdefault(e.fy, []).append(escape_md(e.activity))
        rows.append([f"{m.key} {escape_md(m.name)}", *["、".join(by_year.get(y, [])) for y in years]])
    return _table(rows, ["施策", *[format_fiscal_year(y) for y in years]])


def _row(r: Element) -> list[str]:
    """A table row's cells; a cell spanning years repeats its text in each (Markdown has no
    colspan), except a group heading, which stands in the first cell."""
    out: list[str] = []
    for c in children(r, ["th", "td"]):
        text = _inline(c, in_table=True)
        span = int(c.get("colspan", "1")) if c.get("colspan", "1").isdigit() else 1
        if r.get("group") == "true":
            out += [f"**{text}**" if text else "", *[""] * (span - 1)]
        else:
            out += [text] * max(1, span)
    return out


def render_markdown(root: Element, plan: Plan) -> str:
    out: list[str] = []

    def block(lines: list[str] | str) -> None:
        out.append(lines if isinstance(lines, str) else "\n".join(lines))

    def chart(el: Element) -> None:
        caption = f"{el.get('number', '')}　{escape_md(el.get('caption', ''))}".strip()
        block(f"**{caption}**")
        if el.get("kind") == "schedule":
            block(_schedule_table(plan))
        elif el.get("kind") != "kpi":
            block(_kpi_table(plan, el.get("key", "")))
        # a KPI chart's numbers follow it as the template's own year table
        notes = [_inline(p) for p in children(el, ["p"])]
        if notes:
            block([f"- {n}" for n in notes if n.strip()])

    for el in root:
        match el.tag:
            case "cover":
                parts = {c.tag: escape_md(inline_text(c)) for c in el}
                block(f"# {parts.get('title', '')}")
                for part in ("subtitle", "note", "date", "org"):
                    if parts.get(part):
                        block(parts[part])
            case "toc":
                block(f"## {escape_md(el.get('title', '目次'))}")
                block([("  " * (lv - 1)) + f"- {escape_md(t)}" for lv, t in toc_entries(root)])
            case "h1" | "h2" | "h3" | "h4":
                block("#" * (int(el.tag[1]) + 1) + " " + escape_md(heading_text(el)))
            case "p":
                text = _inline(el)
                if text.strip():
                    block(f"> {text}" if "note" in el.get("class", "") else text)
            case "ul":
                block([f"- {_inline(li)}" for li in children(el, ["li"])])
            case "table":
                rows = children(el, ["tr"])
                if not rows:
                    continue
                cells = [_row(r) for r in rows]
                has_header = rows[0].get("header") == "true"
                if el.get("caption"):
                    block(f"**{el.get('number', '')}　{escape_md(el.get('caption', ''))}**")
                block(_table(cells[1:], cells[0]) if has_header else _table(cells))
            case "chart":
                chart(el)
            case "charts":
                for c in children(el, ["chart"]):
                    chart(c)
            case "pagebreak":
                block("---")
    return "\n\n".join(out).rstrip() + "\n"
