"""The 年次報告 (yearly progress report) as .docx or PDF, in the plan document's house style.

It is built as the same document tree the plan's templates produce (headings, tables, charts),
then handed to the plan export's Word builder, chart renderer and PDF converter, so fonts, page
setup, numbering of 表/図 and the chart pipeline are the plan's own. Every chart picture carries
its alt text as the picture description.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

from docx.oxml.ns import qn

from plan_builder.export import (
    DocxBuilder,
    chart_elements,
    charts,
    docx_to_pdf,
    number_document,
    reference_docx_for,
)
from plan_builder.followup.figures import alt_text, fmt, gap_text, progress_spec
from plan_builder.followup.progress import KpiProgress, Track, kpi_progress, reported_years, target_for
from plan_builder.guide import Guide
from plan_builder.plan import PROGRESS_LABELS, Plan, Progress, format_date, format_fiscal_year, today_jst


@dataclass
class ReportResult:
    path: Path
    charts_total: int = 0
    charts_placed: int = 0
    alt_texts: list[str] = field(default_factory=list)


def _text(parent: Element, tag: str, text: str = "", **attrs: str) -> Element:
    el = SubElement(parent, tag, {k: v for k, v in attrs.items() if v})
    el.text = text
    return el


def _table(root: Element, caption: str, widths: str, header: list[str], rows: list[list[str]]) -> None:
    t = SubElement(root, "table", {"caption": caption, "widths": widths})
    tr = SubElement(t, "tr", {"header": "true"})
    for h in header:
        _text(tr, "th", h)
    for r in rows:
        tr = SubElement(t, "tr")
        for i, v in enumerate(r):
            _text(tr, "td", v, align="center" if i != 1 else "")


def report_title(plan: Plan, fy: int) -> str:
    return f"{plan.title} 進捗状況報告（{format_fiscal_year(fy)}）"


def build_report_tree(
    plan: Plan, guide: Guide, fy: int, *, today: date | None = None
) -> tuple[Element, list[KpiProgress]]:
    """The report as a document tree, and the KPI standings charted in it (in chart order)."""
    today = today or today_jst()
    standings = kpi_progress(plan, fy)
    by_key = {p.kpi.key: p for p in standings}
    follow = plan.followup.get(fy)
    statuses = follow.measures if follow else {}
    root = Element("document")
    cover = SubElement(root, "cover")
    _text(cover, "title", report_title(plan, fy))
    if plan.period:
        _text(cover, "subtitle", f"計画期間　{plan.period.label()}")
    _text(cover, "date", format_date(today))
    _text(cover, "org", plan.lg_name)
    SubElement(root, "toc")

    # 1 概要 -----------------------------------------------------------------------------
    _text(root, "h1", f"{format_fiscal_year(fy)}の進捗の概要")
    quantitative = [p for p in standings if p.track in (Track.ON, Track.OFF)]
    on = sum(1 for p in quantitative if p.track is Track.ON)
    missing = sum(1 for p in standings if p.track is Track.NO_ACTUAL)
    _text(
        root,
        "p",
        f"{plan.title}に掲げた指標（KPI）{len(plan.kpis)}件のうち、{format_fiscal_year(fy)}の実績値を目標値と比べられる"
        f"{len(quantitative)}件では、{on}件が目標を達成又は順調に推移し、{len(quantitative) - on}件が目標に届いていません。"
        + (f"実績値が未入力の指標が{missing}件あります。" if missing else ""),
    )
    counts = {p: sum(1 for s in statuses.values() if s.status is p) for p in Progress}
    _text(
        root,
        "p",
        f"施策{len(plan.measures)}件の進捗状況は、"
        + "、".join(f"{PROGRESS_LABELS[p]} {n}件" for p, n in counts.items())
        + f"、未報告 {len(plan.measures) - len(statuses)}件です。",
    )
    _table(
        root,
        f"指標の達成状況（{format_fiscal_year(fy)}、目標に届いていない指標から）",
        "9,37,14,14,26",
        ["番号", "指標", "目標値", "実績値", "差・状況"],
        [
            [p.kpi.key, p.kpi.name, fmt(p.target, p.kpi.unit), fmt(p.actual, p.kpi.unit), gap_text(p)]
            for p in standings
        ],
    )

    # 2 柱ごとの施策 ---------------------------------------------------------------------------
    _text(root, "h1", "施策の進捗状況")
    names = {p.key: p.name for p in guide.pillars}
    for pillar, measures in plan.measures_by_pillar().items():
        _text(root, "h2", names.get(pillar, pillar))
        rows = []
        for m in measures:
            s = statuses.get(m.key)
            rows.append(
                [
                    m.key,
                    m.name,
                    m.department or "―",
                    s.status.label if s else "未報告",
                    s.comment if s and s.comment else "―",
                ]
            )
        _table(
            root,
            f"{names.get(pillar, pillar)}の施策",
            "9,33,16,12,30",
            ["番号", "施策", "担当課", "進捗", "コメント"],
            rows,
        )
    if not plan.measures:
        _text(root, "p", "施策は登録されていません。")

    # 3 指標ごとの推移 ------------------------------------------------------------------------
    _text(root, "h1", "指標（KPI）の推移")
    charted: list[KpiProgress] = []
    years = sorted(set(plan.period.years if plan.period else []) | {y for k in plan.kpis for y in k.actuals})
    for k in plan.kpis:
        p = by_key[k.key]
        _text(root, "h2", f"{k.key}　{k.name}")
        base = fmt(k.baseline.value, k.unit) + (
            f"（{format_date(k.baseline.as_of)}）" if k.baseline.as_of else ""
        )
        _text(root, "p", f"現状値：{base}", **{"class": "noindent"})
        notes = {y: f.actuals.get(k.key) for y, f in plan.followup.items()}
        rows = []
        for y in years:
            n = notes.get(y)
            rows.append(
                [
                    format_fiscal_year(y),
                    fmt(target_for(k, y, plan.period), k.unit),
                    fmt(k.actuals.get(y), k.unit),
                    format_date(n.measured_on) if n and n.measured_on else "―",
                    n.note if n and n.note else "―",
                ]
            )
        _table(
            root,
            f"{k.name}の目標値と実績値",
            "16,18,18,20,28",
            ["年度", "目標値", "実績値", "測定日", "備考"],
            rows,
        )
        if any(t is not None for t in k.targets.values()) or k.actuals:
            _text(root, "chart", "", kind="progress", key=k.key, caption=f"{k.name}の目標値と実績値")
            charted.append(p)

    # 4 期間の総括 ----------------------------------------------------------------------------
    _text(root, "h1", "計画期間の総括")
    rows = []
    for y in reported_years(plan) or [fy]:
        ps = [p for p in kpi_progress(plan, y) if p.track in (Track.ON, Track.OFF)]
        ok = sum(1 for p in ps if p.track is Track.ON)
        st = plan.followup.get(y)
        done = sum(1 for s in (st.measures.values() if st else []) if s.status is Progress.DONE)
        rows.append([format_fiscal_year(y), f"{ok}／{len(ps)}件", f"{done}件"])
    _table(root, "年度ごとの達成状況", "30,40,30", ["年度", "目標を達成した指標", "完了した施策"], rows)
    number_document(root)
    return root, charted


def export_report(
    plan: Plan,
    guide: Guide,
    fy: int,
    out: Path,
    *,
    fmt: str = "docx",
    render_charts: bool = True,
    today: date | None = None,
) -> ReportResult:
    """Write the 年次報告 for fiscal year `fy` to `out` (.docx or .pdf)."""
    root, charted = build_report_tree(plan, guide, fy, today=today)
    assert len(chart_elements(root)) == len(charted)
    specs = [progress_spec(p, plan.period) for p in charted]
    builder = DocxBuilder(reference_docx_for(guide), title=report_title(plan, fy), author=plan.lg_name)
    builder.build(root)
    batch = charts.render_pngs(specs, enabled=render_charts)
    placed = builder.fill_charts(batch.images, batch.reason)
    alts = [alt_text(p) for p in charted]
    for slot in builder.slots:
        for doc_pr in slot.paragraph._p.iter(qn("wp:docPr")):
            doc_pr.set("descr", alts[slot.index])
            doc_pr.set("title", charted[slot.index].kpi.name)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "docx":
        builder.save(out)
    else:
        with tempfile.TemporaryDirectory(prefix="plan-builder-report-") as tmp:
            docx = Path(tmp) / "report.docx"
            builder.save(docx)
            docx_to_pdf(docx, out)
    return ReportResult(path=out, charts_total=len(specs), charts_placed=placed, alt_texts=alts)


def report_bytes(plan: Plan, guide: Guide, fy: int, fmt: str = "docx", **kwargs) -> bytes:
    with tempfile.TemporaryDirectory(prefix="plan-builder-report-") as tmp:
        path = Path(tmp) / f"report.{fmt}"
        export_report(plan, guide, fy, path, fmt=fmt, **kwargs)
        return path.read_bytes()
