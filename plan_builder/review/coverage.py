"""Coverage matrix: plans × (the five pillars, the required items, completeness).

Computed from stored JSON (see snapshots.py), so a national view of 1,741 plans takes a
fraction of a second. Values are 0–1 so one heatmap colour scale fits every column:
a pillar is 1 with at least one measure, 0.5 when chosen without measures, 0 when absent;
a required item is 1 when answered; the last column is the share of required items answered.

That last column is computed the same way (answered required items) for every plan, submitted or
not, so one column never mixes two metrics; the checks' fuller score (充足度, scored when a plan
is submitted) is what the review queue shows, under its own name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from plan_builder.guide import Guide
from plan_builder.plan import coverage_summary
from plan_builder.review.completeness import required_questions
from plan_builder.review.snapshots import LG_HEADER, Snapshot, lg_cells

GROUP_PILLAR, GROUP_REQUIRED, GROUP_CHECK = "柱", "必須項目", "集計"
COMPLETENESS_LABEL = "必須項目の記入率"
MISSING_HEADER = "未記入の必須項目数"


@dataclass(frozen=True)
class CoverageColumn:
    key: str
    label: str
    group: str


@dataclass(frozen=True)
class CoverageRow:
    plan_id: int
    lg_code: str
    lg_name: str
    prefecture: str
    type_label: str
    status_label: str
    values: list[float]
    findings: int  # required items not answered (the count behind the last column)


def column_titles(columns: list[CoverageColumn]) -> list[str]:
    """「group：label」for each column, made unique: two required questions may share a label
    (a machine-readable table, and a heatmap axis, need one distinct title per column)."""
    plain = [f"{c.group}：{c.label}" for c in columns]
    seen = Counter(plain)
    return [
        t if seen[t] == 1 else f"{t}（{c.key.split(':', 1)[-1]}）"
        for t, c in zip(plain, columns, strict=True)
    ]


@dataclass(frozen=True)
class CoverageMatrix:
    columns: list[CoverageColumn]
    rows: list[CoverageRow]

    def titles(self) -> list[str]:
        return column_titles(self.columns)

    def header(self) -> list[str]:
        return [*LG_HEADER, "状態", *self.titles(), MISSING_HEADER]

    def records(self) -> list[list[Any]]:
        """One row per plan, one value per cell (for the xlsx/CSV export)."""
        return [
            [
                *lg_cells(r),
                r.status_label,
                *r.values,
                r.findings,
            ]
            for r in self.rows
        ]

    def legend(self) -> list[tuple[str, str]]:
        """What the values mean, for the export's 凡例 sheet."""
        return [
            (f"{GROUP_PILLAR}：…", "1＝その柱の施策あり、0.5＝柱を選んだが施策なし、0＝柱を選んでいない"),
            (f"{GROUP_REQUIRED}：…", "1＝記入あり、0＝未記入"),
            (
                f"{GROUP_CHECK}：{COMPLETENESS_LABEL}",
                "必須項目のうち記入のある割合（0〜1。全計画で同じ計算）",
            ),
            (MISSING_HEADER, "未記入の必須項目の数"),
            ("状態", "計画の審査の状態（提出済・確認中・差戻し・再提出・承認）"),
        ]

    def column_means(self) -> list[float]:
        n = len(self.rows)
        return [sum(r.values[i] for r in self.rows) / n if n else 0.0 for i in range(len(self.columns))]


def coverage_columns(guide: Guide) -> list[CoverageColumn]:
    cols = [CoverageColumn(f"pillar:{p.key}", p.short_name, GROUP_PILLAR) for p in guide.pillars_shown()]
    cols += [CoverageColumn(f"req:{q.key}", q.label, GROUP_REQUIRED) for q in required_questions(guide)]
    cols.append(CoverageColumn("completeness", COMPLETENESS_LABEL, GROUP_CHECK))
    return cols


def coverage_matrix(snapshots: list[Snapshot], guide: Guide) -> CoverageMatrix:
    """The matrix for the plans written to `guide` (others are left out).

    Reads each snapshot's stored summary (content="coverage"), or summarises its JSON."""
    pillars = [p.key for p in guide.pillars_shown()]
    required = [q.key for q in required_questions(guide)]
    rows: list[CoverageRow] = []
    for s in snapshots:
        if s.guide_id != guide.id:
            continue
        c = s.data.get("coverage") or coverage_summary(s.data, guide)
        chosen, with_measures, answered = set(c["pillars"]), set(c["measure_pillars"]), set(c["answered"])
        values = [1.0 if k in with_measures else 0.5 if k in chosen else 0.0 for k in pillars]
        done = [1.0 if k in answered else 0.0 for k in required]
        # one metric for every plan (see the module docstring)
        missing = len(required) - int(sum(done))
        score = 1.0 - missing / len(required) if required else 1.0
        values += done
        values.append(round(score, 4))
        rows.append(
            CoverageRow(
                s.plan_id, s.lg_code, s.lg_name, s.prefecture, s.type_label, s.status.label, values, missing
            )
        )
    return CoverageMatrix(coverage_columns(guide), rows)
