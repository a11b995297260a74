"""Which municipality takes up which national measure, and every measure as one row.

National measures are the guide's list (reference `national_measures`) plus any other name
planners typed as 国の施策名; a plan's measure counts for a national measure when its origin is
national and its 国の施策名 matches the label or key (NFKC, spacing ignored). Reads only the
measures of each plan (SnapshotService.load with paths=[("measures",)]).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from plan_builder.guide import Guide
from plan_builder.plan import format_fiscal_year
from plan_builder.review.snapshots import LG_HEADER, Snapshot, lg_cells

MEASURE_PATHS = [("measures",), ("pillars",)]
NATIONAL_LIST = "national_measures"


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass(frozen=True)
class NationalMatrix:
    measures: list[str]  # labels, the guide's list first
    rows: list[Snapshot]
    cells: set[tuple[int, str]]  # (plan_id, measure label)

    def count(self, label: str) -> int:
        return sum(1 for r in self.rows if (r.plan_id, label) in self.cells)

    def header(self) -> list[str]:
        return [*LG_HEADER, *self.measures, "取り組む国の施策の数"]

    def records(self) -> list[list[Any]]:
        """One row per plan, 1/0 per national measure (the matrix, machine-readable)."""
        return [
            [*lg_cells(r), *(1 if (r.plan_id, m) in self.cells else 0 for m in self.measures),
             sum(1 for m in self.measures if (r.plan_id, m) in self.cells)]
            for r in self.rows
        ]  # fmt: skip

    def summary(self) -> list[tuple[str, int, float]]:
        """(national measure, plans taking it up, share 0–1), the guide's order."""
        n = len(self.rows)
        return [(m, self.count(m), self.count(m) / n if n else 0.0) for m in self.measures]


def national_matrix(snapshots: list[Snapshot], guide: Guide) -> NationalMatrix:
    try:
        items = guide.reference(NATIONAL_LIST).items
    except KeyError:
        items = []
    labels = [i.label for i in items]
    by_key = {_key(i.label): i.label for i in items} | {_key(i.value): i.label for i in items}
    extra: list[str] = []
    cells: set[tuple[int, str]] = set()
    for s in snapshots:
        for m in s.data.get("measures") or ():
            ref = (m.get("national_ref") or "").strip()
            if m.get("origin") != "national" or not ref:
                continue
            label = by_key.get(_key(ref))
            if label is None:
                label = ref
                by_key[_key(ref)] = ref
                extra.append(ref)
            cells.add((s.plan_id, label))
    return NationalMatrix(labels + sorted(set(extra)), list(snapshots), cells)


MEASURE_HEADER = [
    *LG_HEADER, "状態", "施策番号", "施策名", "柱", "施策の出典", "国の施策名", "担当課", "関連KPIの数", "実施年度",
]  # fmt: skip


def measure_records(snapshots: list[Snapshot], guide: Guide) -> list[list[Any]]:
    """Every measure of every plan, one row each."""
    pillars = {p.key: p.short_name for p in guide.pillars}
    out: list[list[Any]] = []
    for s in snapshots:
        for m in s.data.get("measures") or ():
            years = sorted({e.get("fy") for e in m.get("schedule") or () if isinstance(e.get("fy"), int)})
            out.append(
                [
                    *lg_cells(s),
                    s.status.label,
                    m.get("key", ""),
                    m.get("name", ""),
                    pillars.get(m.get("pillar", ""), m.get("pillar", "")),
                    "国の施策" if m.get("origin") == "national" else "独自施策",
                    m.get("national_ref", ""),
                    m.get("department", ""),
                    len(m.get("kpi_keys") or ()),
                    f"{format_fiscal_year(years[0])}〜{format_fiscal_year(years[-1])}" if years else "",
                ]
            )
    return out
