"""The review queue: submissions within the reviewer's scope, filtered, sorted and paginated.

Reads only plan rows, the latest submission of each plan (with the completeness computed when
it was submitted) and the open-comment counts — never plan content — so a national queue of
1,741 plans is one cheap query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from plan_builder.plan import PlanStatus, to_jst
from plan_builder.review.comments import CommentService
from plan_builder.review.scoped import ScopedService
from plan_builder.review.snapshots import LG_HEADER, SnapshotFilter, SnapshotService, band_label, lg_cells

WAITING = {PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.RESUBMITTED}
SORT_KEYS = {
    "days_waiting": "待ち日数",
    "submitted_at": "提出日",
    "completeness": "充足度",
    "open_comments": "未解決コメント",
    "lg_code": "団体コード",
    "status": "状態",
}


@dataclass(frozen=True)
class QueueRow:
    plan_id: int
    lg_code: str
    lg_name: str
    prefecture: str
    type_label: str
    band_label: str
    status: PlanStatus
    round: int
    submitted_at: datetime
    days_waiting: int | None  # only while the plan waits for the reviewer
    completeness: float | None
    findings: int | None
    open_comments: int


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


QUEUE_HEADER = [
    *LG_HEADER, "人口規模", "状態", "提出回", "提出日", "待ち日数", "充足度（%）", "指摘件数", "未解決コメント",
]  # fmt: skip


def queue_records(rows: list[QueueRow]) -> list[list[Any]]:
    return [
        [
            *lg_cells(r),
            r.band_label,
            r.status.label,
            r.round,
            to_jst(_aware(r.submitted_at)).date(),  # 提出日 as officials read it
            r.days_waiting,
            None if r.completeness is None else round(r.completeness * 100, 1),
            r.findings,
            r.open_comments,
        ]  # fmt: skip
        for r in rows
    ]


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class QueueService(ScopedService):
    """The review queue of one actor: submissions within their scope (plan_builder.auth.policy)."""

    def page(
        self,
        flt: SnapshotFilter | None = None,
        *,
        only_open_comments: bool = False,
        max_completeness: float | None = None,
        name_contains: str = "",
        sort: str = "days_waiting",
        descending: bool = True,
        page: int = 1,
        page_size: int = 50,
        now: datetime | None = None,
    ) -> QueuePage:
        """One page of the queue. Plans never submitted are not in it."""
        if sort not in SORT_KEYS:
            raise ValueError(f"並べ替えの項目「{sort}」は選べません（{'、'.join(SORT_KEYS.values())}）")
        if page_size < 1 or page < 1:
            raise ValueError("ページ番号と1ページの件数は1以上にしてください")
        now = _aware(now or datetime.now(UTC))
        metas = [m for m in SnapshotService(self.store, self.actor).meta(flt) if m.round is not None]
        counts = CommentService(self.store, self.actor).open_counts()
        rows: list[QueueRow] = []
        for m in metas:
            submitted = _aware(m.submitted_at)  # type: ignore[arg-type]
            rows.append(
                QueueRow(
                    m.plan_id,
                    m.lg_code,
                    m.lg_name,
                    m.prefecture,
                    m.type_label,
                    band_label(m.band),
                    m.status,
                    m.round,  # type: ignore[arg-type]
                    submitted,
                    (now - submitted).days if m.status in WAITING else None,
                    m.completeness,
                    m.findings_count,
                    counts.get(m.plan_id, 0),
                )
            )
        if only_open_comments:
            rows = [r for r in rows if r.open_comments]
        if max_completeness is not None:
            rows = [r for r in rows if r.completeness is not None and r.completeness <= max_completeness]
        if name_contains.strip():
            needle = name_contains.strip()
            rows = [r for r in rows if needle in r.lg_name or needle in r.prefecture or needle == r.lg_code]
        order = list(PlanStatus)

        def key(r: QueueRow) -> tuple:
            v: Any = r.status if sort == "status" else getattr(r, sort)
            if sort == "status":
                v = order.index(v)
            # rows without a value go last, whichever the direction
            return (v is None) != descending, v if v is not None else 0, r.lg_code

        rows.sort(key=key, reverse=descending)
        total = len(rows)
        start = (page - 1) * page_size
        return QueuePage(rows[start : start + page_size], total, page, page_size)
