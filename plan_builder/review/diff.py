"""Round diff: what changed between two submissions of one plan, answer by answer.

Text is compared paragraph by paragraph (`paragraph_rows`: old and new side by side, a changed
paragraph paired with its new version) and, within a paragraph, character by character
(Japanese has no spaces between words) with difflib, and returned as segments (`equal` / `delete` / `insert`) that a screen renders as it sees fit,
so no HTML is ever built from a planner's text. Measures and KPIs are matched by their keys.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal

from plan_builder.guide import Guide, QuestionType
from plan_builder.plan import Kpi, Measure, Plan, answer_text, format_date, format_fiscal_year

SegmentOp = Literal["equal", "delete", "insert"]
STRUCTURED = {QuestionType.MEASURES, QuestionType.KPIS}


@dataclass(frozen=True)
class Segment:
    op: SegmentOp
    text: str


@dataclass(frozen=True)
class AnswerChange:
    question_key: str
    chapter_key: str
    label: str
    old: str
    new: str
    segments: list[Segment]

    @property
    def kind(self) -> str:
        return "追加" if not self.old else "削除" if not self.new else "変更"

    @property
    def paragraphs(self) -> list[ParagraphRow]:
        return paragraph_rows(self.old, self.new)


ParagraphOp = Literal["equal", "changed", "added", "removed"]


@dataclass(frozen=True)
class ParagraphRow:
    """One line of a side-by-side diff: a paragraph of the old text and its counterpart in the
    new one. `old` holds equal and deleted pieces, `new` equal and inserted ones."""

    op: ParagraphOp
    old: list[Segment]
    new: list[Segment]


def _paragraphs(text: str) -> list[str]:
    return [p for p in (x.strip() for x in text.splitlines()) if p]


def paragraph_rows(old: str, new: str) -> list[ParagraphRow]:
    """Old and new text side by side, paragraph by paragraph; a changed paragraph is paired
    with its new version and marked inside, character by character."""
    a, b = _paragraphs(old), _paragraphs(new)
    rows: list[ParagraphRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [ParagraphRow("equal", [Segment("equal", p)], [Segment("equal", p)]) for p in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            o = olds[k] if k < len(olds) else None
            n = news[k] if k < len(news) else None
            if o is None:
                rows.append(ParagraphRow("added", [], [Segment("insert", n)]))  # type: ignore[arg-type]
            elif n is None:
                rows.append(ParagraphRow("removed", [Segment("delete", o)], []))
            else:
                segs = text_segments(o, n)
                rows.append(
                    ParagraphRow(
                        "changed",
                        [x for x in segs if x.op != "insert"],
                        [x for x in segs if x.op != "delete"],
                    )
                )
    return rows


@dataclass(frozen=True)
class ItemChange:
    key: str  # M01 / K01
    name: str
    field: str  # Japanese label of what changed
    old: str
    new: str


@dataclass
class RoundDiff:
    old_label: str
    new_label: str
    answers: list[AnswerChange] = field(default_factory=list)
    measures_added: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    measures_removed: list[tuple[str, str]] = field(default_factory=list)
    measure_changes: list[ItemChange] = field(default_factory=list)
    kpis_added: list[tuple[str, str]] = field(default_factory=list)
    kpis_removed: list[tuple[str, str]] = field(default_factory=list)
    kpi_changes: list[ItemChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.answers
            or self.measures_added
            or self.measures_removed
            or self.measure_changes
            or self.kpis_added
            or self.kpis_removed
            or self.kpi_changes
        )


def text_segments(old: str, new: str) -> list[Segment]:
    """Character-level diff; adjacent pieces of the same kind are merged."""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[Segment] = []

    def add(op: SegmentOp, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return out


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _series(values: dict[int, Any]) -> str:
    return "、".join(f"{format_fiscal_year(fy)} {_fmt(v)}" for fy, v in sorted(values.items()))


def _kpi_fields(k: Kpi, guide: Guide) -> dict[str, str]:
    names = {p.key: p.name for p in guide.pillars}
    return {
        "指標名": k.name,
        "指標の種類": k.kind.label if k.kind else "（選択しない）",
        "定量・定性": k.nature.label,
        "柱": names.get(k.pillar, k.pillar) if k.pillar else "",
        "単位": k.unit,
        "現状値": _fmt(k.baseline.value),
        "現状値の基準日": format_date(k.baseline.as_of) if k.baseline.as_of else "",
        **{f"目標値（{format_fiscal_year(fy)}）": _fmt(v) for fy, v in k.targets.items()},
        **{f"実績値（{format_fiscal_year(fy)}）": _fmt(v) for fy, v in k.actuals.items()},
        "データの出典": k.source,
        "測定方法": k.method,
    }


def _measure_fields(m: Measure, guide: Guide) -> dict[str, str]:
    names = {p.key: p.name for p in guide.pillars}
    return {
        "施策名": m.name,
        "柱": names.get(m.pillar, m.pillar),
        "基本法の条": f"第{m.article}条" if m.article else "",
        "施策の出典": m.origin.label,
        "国の施策名": m.national_ref,
        "概要": m.summary,
        "担当課": m.department,
        "関連KPI": "、".join(m.kpi_keys),
        "スケジュール": "、".join(f"{format_fiscal_year(e.fy)} {e.activity}" for e in m.schedule),
    }


def _item_changes(key: str, name: str, old: dict[str, str], new: dict[str, str]) -> list[ItemChange]:
    return [
        ItemChange(key, name, f, old.get(f, ""), new.get(f, ""))
        for f in dict.fromkeys([*old, *new])
        if old.get(f, "") != new.get(f, "")
    ]


def diff_plans(
    old: Plan, new: Plan, guide: Guide, *, old_label: str = "前回", new_label: str = "今回"
) -> RoundDiff:
    d = RoundDiff(old_label, new_label)
    for chapter in guide.chapters:
        for q in chapter.questions:
            if q.type in STRUCTURED:
                continue
            a, b = answer_text(old, q, guide), answer_text(new, q, guide)
            if a != b:
                d.answers.append(AnswerChange(q.key, chapter.key, q.label, a, b, text_segments(a, b)))
    om, nm = {m.key: m for m in old.measures}, {m.key: m for m in new.measures}
    d.measures_added = [(k, nm[k].name) for k in nm if k not in om]
    d.measures_removed = [(k, om[k].name) for k in om if k not in nm]
    for k in nm:
        if k in om:
            d.measure_changes += _item_changes(
                k, nm[k].name, _measure_fields(om[k], guide), _measure_fields(nm[k], guide)
            )
    ok, nk = {k.key: k for k in old.kpis}, {k.key: k for k in new.kpis}
    d.kpis_added = [(k, nk[k].name) for k in nk if k not in ok]
    d.kpis_removed = [(k, ok[k].name) for k in ok if k not in nk]
    for k in nk:
        if k in ok:
            d.kpi_changes += _item_changes(
                k, nk[k].name, _kpi_fields(ok[k], guide), _kpi_fields(nk[k], guide)
            )
    return d


def round_diff(review: Any, plan_id: int, old_round: int, new_round: int, guide: Guide) -> RoundDiff:
    """The diff between two submission rounds, read through a ReviewService (authorization)."""
    old = review.submitted_plan(plan_id, old_round).plan
    new = review.submitted_plan(plan_id, new_round).plan
    return diff_plans(old, new, guide, old_label=f"第{old_round}回提出", new_label=f"第{new_round}回提出")
