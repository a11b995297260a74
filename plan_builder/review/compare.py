"""Side by side: one question, the answers of many plans next to each other, with flags.

Flags tell a reviewer where to look first: blank, very short, the guide's 記載例 copied as is,
or a near-duplicate of another plan's text (see neardup.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plan_builder.guide import Guide, Question, QuestionType
from plan_builder.plan import Locality, answer_text, copied_example
from plan_builder.review.neardup import near_duplicate_groups
from plan_builder.review.snapshots import LG_HEADER, Snapshot, band_label, lg_cells

LONG_MIN = 40  # a long-text answer shorter than this (characters) is flagged as very short
FLAG_LABELS = {
    "blank": "未記入",
    "short": "記述が短い",
    "example": "記載例と同一",
    "near_duplicate": "他団体と酷似",
}


def short_limit(q: Question) -> int:
    if q.min_length:
        return q.min_length
    return LONG_MIN if q.type is QuestionType.LONG_TEXT else 1


def question_path(q: Question) -> tuple[str, ...]:
    """Where the answer lives in the plan JSON (for reading just that with SnapshotService.load)."""
    if q.field:
        return tuple(q.field.split("."))
    structured = {
        QuestionType.PLAN_PERIOD: "period",
        QuestionType.PILLARS: "pillars",
        QuestionType.MEASURES: "measures",
        QuestionType.KPIS: "kpis",
    }
    return (structured[q.type],) if q.type in structured else ("answers", q.key)


@dataclass(frozen=True)
class SideRow:
    plan_id: int
    lg_code: str
    lg_name: str
    prefecture: str
    type_label: str
    band_label: str
    population: int | None
    status_label: str
    text: str
    length: int
    blank: bool
    short: bool
    example: bool
    near_duplicate_of: list[str]  # names of the other municipalities with nearly the same text

    @property
    def flags(self) -> list[str]:
        out = [k for k in ("blank", "short", "example") if getattr(self, k)]
        return out + (["near_duplicate"] if self.near_duplicate_of else [])


@dataclass(frozen=True)
class SideBySide:
    question: Question
    rows: list[SideRow]

    def header(self) -> list[str]:
        return [
            *LG_HEADER, "人口規模", "人口", "状態",
            "回答", "文字数", "未記入", "記述が短い", "記載例と同一", "酷似する団体の数", "酷似する団体（例）",
        ]  # fmt: skip

    def records(self) -> list[list[Any]]:
        return [
            [
                *lg_cells(r),
                r.band_label,
                r.population,
                r.status_label,
                r.text,
                r.length,
                r.blank,
                r.short,
                r.example,
                len(r.near_duplicate_of),
                r.near_duplicate_of[0] if r.near_duplicate_of else "",
            ]  # fmt: skip
            for r in self.rows
        ]


def side_by_side(
    snapshots: list[Snapshot], guide: Guide, question_key: str, *, threshold: float = 0.8
) -> SideBySide:
    """Answers of the plans written to `guide`; snapshots must carry full content."""
    try:
        q = guide.question(question_key)
    except KeyError:
        raise ValueError(f"設問「{question_key}」は手引「{guide.title}」にありません") from None
    snaps = [s for s in snapshots if s.guide_id == guide.id]
    texts = {s.plan_id: answer_text(s.data, q, guide) for s in snaps}
    names = {s.plan_id: s.lg_name for s in snaps}
    check_copies = q.type in (QuestionType.LONG_TEXT, QuestionType.SHORT_TEXT)
    dupes = near_duplicate_groups(texts, threshold=threshold, names=names) if check_copies else {}
    limit = short_limit(q)
    raw_examples = q.examples if check_copies else ()
    rows = []
    for s in snaps:
        t = texts[s.plan_id]
        # the 記載例 as this plan was shown them (filled with its own name, 市/町/村 and prefecture)
        examples = [Locality.of(s.lg_code, s.lg_name).fill(e) for e in raw_examples]
        rows.append(
            SideRow(
                s.plan_id,
                s.lg_code,
                s.lg_name,
                s.prefecture,
                s.type_label,
                band_label(s.band),
                s.population,
                s.status.label,
                t,
                len(t),
                not t.strip(),
                bool(t.strip()) and check_copies and len(t.strip()) < limit,
                bool(examples) and copied_example(t, examples, s.lg_name),
                [names[i] for i in dupes.get(s.plan_id, [])],
            )
        )
    return SideBySide(q, rows)
