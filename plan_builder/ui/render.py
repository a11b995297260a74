"""Markdown for showing plans in the app (no streamlit import: testable as plain functions).

User text is escaped so that whatever a planner types shows as typed: no Markdown formatting,
no links, no HTML, no math. The preview prefers the export's Markdown when it exists; that
Markdown is meant for files (where `$` means nothing), so `inert_markdown` turns off what
Streamlit would add on top: `$…$` as KaTeX math and web addresses or e-mail addresses made into
links (a link in a plan is text to read, never something the browser fetches or opens).
"""

from __future__ import annotations

import re

from plan_builder.guide.model import Guide, QuestionType
from plan_builder.plan.answers import get_answer
from plan_builder.plan.fiscal import format_date, format_fiscal_year
from plan_builder.plan.model import Plan, PlanPeriod

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$=:@])")


_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")  # a `$` after an even run of backslashes
# Streamlit makes links of text that *looks* like an address after parsing the Markdown
# (remark-gfm on text nodes: `https?://`, `www.` and `name@domain.tld`), so escaping cannot stop
# it; an invisible WORD JOINER (U+2060) inside the pattern does, and shows nothing.
WORD_JOINER = "\u2060"
# Only where a link would be made (an address follows), so "http:// または https://" stays as is.
_LINKISH = re.compile(r"(?i)(https?|ftp|file)(?=://[-.\w])|www(?=\.)|(?<=[-.\w+])@(?=[-\w]+\.[-\w])")


def _unlink(text: str) -> str:
    return _LINKISH.sub(lambda m: m.group(0) + WORD_JOINER, text)


def inert_markdown(markdown: str) -> str:
    """Markdown whose `$` never starts math and whose addresses are never made into links."""
    return _unlink(_DOLLAR.sub(r"\1\\$", markdown))


def md_escape(text: object) -> str:
    """Escape Markdown (and the characters HTML would use) so text renders literally, with
    no math and no links."""
    s = _MD_SPECIAL.sub(r"\\\1", _unlink(str(text)))
    return s.replace("\n", "  \n")


def prose(text: str) -> str:
    """Join the hard-wrapped lines of guide text into paragraphs (Japanese needs no spaces)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _value(plan: Plan, guide: Guide, q) -> str:
    v = get_answer(plan, q)
    if v is None or v == "" or v == []:
        return "*（未記入）*"
    if isinstance(v, PlanPeriod):
        return md_escape(v.label())
    if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST):
        labels = {o.value: o.label for o in guide.options_for(q)}
        items = v if isinstance(v, list) else [v]
        return "\n".join(f"- {md_escape(labels.get(i, i))}" for i in items)
    if q.type is QuestionType.PILLARS:
        names = {p.key: p.name for p in guide.pillars}
        return "\n".join(f"- {md_escape(names.get(k, k))}" for k in v)
    if q.type is QuestionType.FISCAL_YEAR and isinstance(v, int):
        return format_fiscal_year(v)
    return md_escape(v)


def _measures_md(plan: Plan, guide: Guide) -> list[str]:
    out: list[str] = []
    by_pillar = plan.measures_by_pillar()
    for p in guide.pillars:
        ms = by_pillar.get(p.key, [])
        if not ms:
            continue
        out.append(f"##### {md_escape(p.name)}（{p.article_label}）")
        for m in ms:
            out.append(f"**{m.key} {md_escape(m.name)}**（{m.origin.label}）  ")
            if m.summary:
                out.append(md_escape(m.summary) + "  ")
            out.append(f"担当：{md_escape(m.department or '－')}  ")
            if m.schedule:
                sched = "、".join(f"{format_fiscal_year(e.fy)} {md_escape(e.activity)}" for e in m.schedule)
                out.append(f"工程：{sched}  ")
            if m.kpi_keys:
                out.append("KPI：" + "、".join(f"{k} {md_escape(plan.kpi(k).name)}" for k in m.kpi_keys))
            out.append("")
    return out or ["*（施策は未登録です）*"]


def _kpis_md(plan: Plan) -> list[str]:
    if not plan.kpis:
        return ["*（KPIは未登録です）*"]
    years = sorted({fy for k in plan.kpis for fy in k.targets})
    head = ["番号", "指標名", "単位", "現状値", *[format_fiscal_year(fy) for fy in years]]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k in plan.kpis:
        base = "－" if k.baseline.value is None else md_escape(k.baseline.value)
        if k.baseline.as_of:
            base += f"（{format_date(k.baseline.as_of)}）"
        cells = [k.key, md_escape(k.name), md_escape(k.unit or "－"), base]
        cells += [md_escape(k.targets.get(fy, "－")) for fy in years]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def plan_markdown(plan: Plan, guide: Guide) -> str:
    """The whole plan as the document reads, chapter by chapter (simple in-app rendering)."""
    lines = [f"## {md_escape(plan.title)}", f"{md_escape(plan.lg_name)}", ""]
    for ch in guide.chapters:
        lines.append(f"### {ch.number} {md_escape(ch.title)}")
        for q in ch.questions:
            if q.type is QuestionType.MEASURES:
                lines += [f"#### {md_escape(q.label)}", *_measures_md(plan, guide)]
            elif q.type is QuestionType.KPIS:
                lines += [f"#### {md_escape(q.label)}", *_kpis_md(plan), ""]
            else:
                lines += [f"#### {md_escape(q.label)}", _value(plan, guide, q), ""]
    return "\n".join(lines)
