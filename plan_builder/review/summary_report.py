"""The prefecture's summary for publication: counts by status, pillars taken up, national
measures, a KPI overview — as Word (the plan's house style: the guide's reference.docx, cover,
contents, numbered pages) and as xlsx (one named sheet per table, and a legend).

Everything comes from the status board and the submitted plans the reviewer may read, so the
summary never shows a draft's content.
"""

from __future__ import annotations

import io
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from plan_builder.export import DocxBuilder, reference_docx_for
from plan_builder.guide import Guide
from plan_builder.plan import format_date, today_jst
from plan_builder.review.export import to_xlsx_sheets
from plan_builder.review.kpi import kinds, kpi_index
from plan_builder.review.measure_coverage import MEASURE_PATHS, national_matrix
from plan_builder.review.scoped import ScopedService
from plan_builder.review.snapshots import SnapshotFilter, SnapshotService
from plan_builder.review.status_board import (
    SURVEY_HEADER,
    SURVEY_STAGES,
    BoardFilter,
    BoardRow,
    BoardStatus,
    StatusBoardService,
    board_counts,
    survey_records,
)

STATUS_HEADER = ["状況", "団体数", "割合（%）"]
PILLAR_HEADER = ["柱", "取り上げた計画の数", "割合（%）"]
NATIONAL_HEADER = ["国の施策", "取り組む計画の数", "割合（%）"]
KPI_HEADER = ["KPIの種類", "設定した計画の数", "単位", "最終目標値の中央値"]
LEGEND = [
    (
        "状況",
        "未着手＝計画なし、作成中＝未提出、提出済＝提出・確認中・再提出、差戻し、承認済、公表済＝承認済で公表URLあり",
    ),
    (
        "策定状況",
        "国の策定状況調査の区分。策定済＝承認済・公表済、検討中＝作成中・提出済・差戻し、未検討＝未着手",
    ),
    ("柱・国の施策・KPI", "提出された計画（最新の提出回）から集計。作成中の計画の内容は含みません"),
    ("割合（%）", "対象の団体数または計画数に占める割合"),
]


@dataclass(frozen=True)
class Summary:
    title: str
    area: str
    date_label: str
    board: list[BoardRow]
    status_rows: list[list[Any]]
    pillar_rows: list[list[Any]]
    national_rows: list[list[Any]]
    kpi_rows: list[list[Any]]
    plans_read: int


def _pct(n: int, total: int) -> float:
    return round(n / total * 100, 1) if total else 0.0


class SummaryService(ScopedService):
    """The summary of the actor's board (StatusBoardService) and of the submitted plans the
    actor may read (SnapshotService), so it never shows a draft's content."""

    def build(self, guide: Guide, *, pref_code: str | None = None) -> Summary:
        """The figures for the actor's area (a national reviewer may pick a prefecture)."""
        board = StatusBoardService(self.store, self.actor).rows(
            BoardFilter(pref_codes=[pref_code] if pref_code else None)
        )
        prefs = sorted({r.prefecture for r in board})
        area = prefs[0] if len(prefs) == 1 else "全国"
        tally = board_counts(board)
        status_rows = [[s.label, n, _pct(n, len(board))] for s, n in tally.items()]
        stages = Counter(SURVEY_STAGES[r.status] for r in board)
        status_rows += [[f"（策定状況）{k}", stages.get(k, 0), _pct(stages.get(k, 0), len(board))]
                        for k in ("策定済", "検討中", "未検討")]  # fmt: skip
        flt = SnapshotFilter(pref_codes=[pref_code] if pref_code else None, guide_id=None)
        submitted = [
            s
            for s in SnapshotService(self.store, self.actor).load(flt, content="digest")
            if s.round is not None
        ]
        n = len(submitted)
        pillar_count = Counter(p for s in submitted for p in set(s.data.get("pillars") or ()))
        pillar_rows = [
            [p.name, pillar_count.get(p.key, 0), _pct(pillar_count.get(p.key, 0), n)]
            for p in guide.pillars_shown()
        ]
        ids = [s.plan_id for s in submitted]
        measures = (
            SnapshotService(self.store, self.actor).load(SnapshotFilter(plan_ids=ids), paths=MEASURE_PATHS)
            if ids
            else []
        )
        nm = national_matrix(measures, guide)
        national_rows = [[m, c, round(share * 100, 1)] for m, c, share in nm.summary() if c]
        idx = kpi_index(submitted)
        kpi_rows = []
        for tag, label, count in kinds(idx)[:15]:
            pts = idx[tag]
            units = Counter(p.unit for p in pts)
            unit = units.most_common(1)[0][0] if units else ""
            finals = [p.final_target for p in pts if p.unit == unit and p.final_target is not None]
            kpi_rows.append([label, count, unit, round(statistics.median(finals), 2) if finals else None])
        return Summary(
            title=f"{area}における官民データ活用推進計画の策定状況",
            area=area,
            date_label=format_date(today_jst()),
            board=board,
            status_rows=status_rows,
            pillar_rows=pillar_rows,
            national_rows=national_rows,
            kpi_rows=kpi_rows,
            plans_read=n,
        )


def summary_xlsx(s: Summary) -> bytes:
    return to_xlsx_sheets(
        [
            ("状況別の団体数", STATUS_HEADER, s.status_rows),
            ("団体別の策定状況", SURVEY_HEADER, survey_records(s.board)),
            ("柱", PILLAR_HEADER, s.pillar_rows),
            ("国の施策", NATIONAL_HEADER, s.national_rows),
            ("KPIの概況", KPI_HEADER, s.kpi_rows),
        ],
        legend=LEGEND,
    )


def _table(parent: Element, caption: str, header: list[str], rows: list[list[Any]], widths: str) -> None:
    t = SubElement(parent, "table", caption=caption, widths=widths)
    tr = SubElement(t, "tr", header="true")
    for h in header:
        SubElement(tr, "th").text = h
    for r in rows:
        tr = SubElement(t, "tr")
        for i, v in enumerate(r):
            td = SubElement(tr, "td", align="left" if i == 0 else "center")
            td.text = "－" if v is None or v == "" else (f"{v:,}" if isinstance(v, int) else str(v))


def _p(parent: Element, text: str) -> None:
    SubElement(parent, "p").text = text


def summary_docx(s: Summary, guide: Guide) -> bytes:
    """The summary as Word, in the house style of the plan documents."""
    root = Element("document")
    cover = SubElement(root, "cover")
    SubElement(cover, "title").text = s.title
    SubElement(cover, "subtitle").text = "（取りまとめ）"
    SubElement(cover, "date").text = s.date_label
    SubElement(cover, "org").text = s.area
    SubElement(root, "toc")
    total = len(s.board)
    c = board_counts(s.board)
    done = c[BoardStatus.APPROVED] + c[BoardStatus.PUBLISHED]
    h = SubElement(root, "h1")
    h.text = "策定の状況"
    _p(root, f"{s.date_label}現在、{s.area}の{total:,}団体のうち、計画を策定済みの団体は{done:,}団体"
       f"（{_pct(done, total)}%）、うち公表済みの団体は{c[BoardStatus.PUBLISHED]:,}団体です。"
       f"計画のない団体は{c[BoardStatus.NOT_STARTED]:,}団体です。")  # fmt: skip
    _table(root, "状況別の団体数", STATUS_HEADER, s.status_rows, "50,25,25")
    h = SubElement(root, "h1")
    h.text = "団体別の状況"
    rows = [[r.lg_name, r.type_label, r.status.label, None if r.completeness is None else round(r.completeness * 100)]
            for r in s.board]  # fmt: skip
    _table(root, "団体別の状況", ["団体名", "区分", "状況", "充足度（%）"], rows, "40,20,20,20")
    h = SubElement(root, "h1")
    h.text = "計画の内容"
    _p(
        root,
        f"提出された{s.plans_read:,}件の計画（最新の提出回）から集計しています。作成中の計画の内容は含みません。",
    )
    for title, caption, header, body, widths, empty in (
        ("取り上げられている柱", "柱ごとの計画の数", PILLAR_HEADER, s.pillar_rows, "60,20,20", ""),
        ("国の施策への取組", "国の施策ごとの計画の数", NATIONAL_HEADER, s.national_rows, "60,20,20",
         "国の施策を記載した計画はまだありません。"),
        ("指標（KPI）の概況", "よく設定されている指標", KPI_HEADER, s.kpi_rows, "46,18,14,22",
         "比べられる指標はまだありません。"),
    ):  # fmt: skip
        SubElement(root, "h2").text = title
        if body or not empty:
            _table(root, caption, header, body, widths)
        else:
            _p(root, empty)
    builder = DocxBuilder(reference_docx_for(guide), title=s.title, author=s.area)
    builder.build(root)
    buf = io.BytesIO()
    builder.save(buf)
    return buf.getvalue()
