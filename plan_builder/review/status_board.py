"""The prefecture's desk: every local government in the reviewer's scope and where its plan is.

Unlike the queue, the board starts from the local-government table, so municipalities with no
plan (未着手) and plans still being drafted (作成中) are on it. It reads only plan rows and the
latest submission of each plan — never a draft's content (a reviewer may not read drafts) — so
the national board of 1,741 municipalities + 47 prefectures is two cheap queries.

Statuses are the prefecture's words, coarser than the workflow's: 提出済 covers submitted, in
review and resubmitted; 承認済 becomes 公表済 once the approved submission names its
publication URL. `SURVEY_STAGES` folds them further into the three groups of the national
策定状況 survey (策定済 / 検討中 / 未検討).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import and_, func
from sqlmodel import select

from plan_builder.auth import policy
from plan_builder.plan import PlanStatus, fold_search, to_jst
from plan_builder.review.campaigns import CampaignService
from plan_builder.review.scoped import ScopedService
from plan_builder.review.snapshots import LG_TYPE_LABELS
from plan_builder.review.tables import SubmissionRecord
from plan_builder.store import TRAINING_PREF, LocalGovernment, PlanRecord


class BoardStatus(StrEnum):
    NOT_STARTED = "not_started"
    DRAFTING = "drafting"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return BOARD_LABELS[self]


B = BoardStatus
BOARD_LABELS = {
    B.NOT_STARTED: "未着手",
    B.DRAFTING: "作成中",
    B.SUBMITTED: "提出済",
    B.RETURNED: "差戻し",
    B.APPROVED: "承認済",
    B.PUBLISHED: "公表済",
}
# Colours of the progress grid and its legend (colour-blind friendly, light to dark by progress).
BOARD_COLOURS = {
    B.NOT_STARTED: "#d9d9d9",
    B.DRAFTING: "#fdd49e",
    B.SUBMITTED: "#9ecae1",
    B.RETURNED: "#fb6a4a",
    B.APPROVED: "#74c476",
    B.PUBLISHED: "#238b45",
}
SURVEY_STAGES = {
    B.NOT_STARTED: "未検討",
    B.DRAFTING: "検討中",
    B.SUBMITTED: "検討中",
    B.RETURNED: "検討中",
    B.APPROVED: "策定済",
    B.PUBLISHED: "策定済",
}
_FROM_PLAN = {
    PlanStatus.DRAFT: B.DRAFTING,
    PlanStatus.SUBMITTED: B.SUBMITTED,
    PlanStatus.IN_REVIEW: B.SUBMITTED,
    PlanStatus.RESUBMITTED: B.SUBMITTED,
    PlanStatus.RETURNED: B.RETURNED,
    PlanStatus.APPROVED: B.APPROVED,
}
WAITING = {PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW, PlanStatus.RESUBMITTED}


@dataclass(frozen=True)
class BoardRow:
    lg_code: str
    lg_name: str
    pref_code: str
    prefecture: str
    lg_type: str
    population: int | None
    status: BoardStatus
    plan_id: int | None
    plan_status: PlanStatus | None
    round: int | None
    completeness: float | None  # 0–1, scored when submitted (drafts are not read)
    findings: int | None
    last_activity: datetime | None
    days_waiting: int | None  # only while the plan waits for the reviewer
    publication_url: str | None
    deadline: date | None = None  # the campaign's due date, when one covers this government
    overdue: bool = False

    @property
    def type_label(self) -> str:
        return LG_TYPE_LABELS.get(self.lg_type, self.lg_type)


@dataclass(frozen=True)
class BoardFilter:
    statuses: list[BoardStatus] | None = None
    pref_codes: list[str] | None = None
    lg_types: list[str] | None = None
    text: str = ""  # name, kana or code, folded like every local-government search
    overdue_only: bool = False


def _aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else (dt if dt.tzinfo else dt.replace(tzinfo=UTC))


_ORDER = [PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW,
          PlanStatus.RESUBMITTED, PlanStatus.APPROVED]  # fmt: skip


def _rank(p: _PlanLine) -> tuple[int, datetime]:
    """Which of a government's plans stands for it: the furthest along, then the latest."""
    return _ORDER.index(PlanStatus(p.status)), _aware(p.updated_at)  # type: ignore[return-value]


class _PlanLine(NamedTuple):
    """A plan row with its latest submission, as the board's query returns it."""

    plan_id: int
    lg_code: str
    status: str
    updated_at: datetime
    round: int | None
    submitted_at: datetime | None
    completeness: float | None
    findings: int | None
    publication_url: Any


class StatusBoardService(ScopedService):
    """Every local government of the actor's board (policy.board_scope) and where its plan is."""

    def _scope(self) -> policy.Scope:
        return self._board_area("策定状況の一覧は審査担当者と管理者のみが見られます")

    def rows(
        self,
        flt: BoardFilter | None = None,
        *,
        now: datetime | None = None,
        deadlines: dict[str, date] | None = None,
    ) -> list[BoardRow]:
        """One row per local government in scope (prefectures and municipalities, not 行政区),
        in code order. `deadlines` (lg_code → due date; by default those of the open campaigns,
        CampaignService.deadlines) marks overdue governments: those whose plan is not yet
        submitted, returned or approved by the day after the due date."""
        flt = flt or BoardFilter()
        scope = self._scope()
        now = _aware(now) or datetime.now(UTC)
        if deadlines is None:
            deadlines = CampaignService(self.store, self.actor).deadlines()
        lgs, plans = self._lgs(scope, flt), self._plans(scope)
        needle = fold_search(flt.text)
        today = to_jst(now).date()
        out: list[BoardRow] = []
        for lg in lgs:
            if needle and not (
                needle in lg.name or needle in lg.name_kana or needle in lg.prefecture + lg.name
                or lg.code6.startswith(needle) or lg.code5.startswith(needle)
            ):  # fmt: skip
                continue
            row = _row(lg, plans.get(lg.code6), now)
            due = deadlines.get(lg.code6)
            if due is not None:
                late = today > due and row.status in (B.NOT_STARTED, B.DRAFTING, B.RETURNED)
                row = replace(row, deadline=due, overdue=late)
            if flt.statuses is not None and row.status not in flt.statuses:
                continue
            if flt.overdue_only and not row.overdue:
                continue
            out.append(row)
        return out

    def _lgs(self, scope: policy.Scope, flt: BoardFilter) -> list[LocalGovernment]:
        q = select(LocalGovernment).where(
            LocalGovernment.level != "ward",
            LocalGovernment.northern_territories == False,  # noqa: E712
            LocalGovernment.pref_code != TRAINING_PREF,  # the fictional training organisations
        )
        if scope.pref_code is not None:
            q = q.where(LocalGovernment.pref_code == scope.pref_code)
        if flt.pref_codes is not None:
            q = q.where(LocalGovernment.pref_code.in_(flt.pref_codes))
        if flt.lg_types is not None:
            q = q.where(LocalGovernment.type.in_(flt.lg_types))
        with self.store.session() as s:
            return list(s.exec(q.order_by(LocalGovernment.code6)))

    def _plans(self, scope: policy.Scope) -> dict[str, _PlanLine]:
        """lg_code → the plan that stands for the government (see `_rank`)."""
        latest = (
            select(SubmissionRecord.plan_id, func.max(SubmissionRecord.round).label("round"))
            .group_by(SubmissionRecord.plan_id)
            .subquery()
        )
        q = (
            select(
                PlanRecord.id,
                PlanRecord.lg_code,
                PlanRecord.status,
                PlanRecord.updated_at,
                SubmissionRecord.round,
                SubmissionRecord.submitted_at,
                SubmissionRecord.completeness,
                SubmissionRecord.findings_count,
                SubmissionRecord.digest["publication_url"],
            )
            .join(latest, latest.c.plan_id == PlanRecord.id, isouter=True)
            .join(
                SubmissionRecord,
                and_(SubmissionRecord.plan_id == PlanRecord.id, SubmissionRecord.round == latest.c.round),
                isouter=True,
            )
            .where(scope.where())
        )
        plans: dict[str, _PlanLine] = {}
        with self.store.session() as s:
            for r in s.exec(q):
                p = _PlanLine(*r)
                cur = plans.get(p.lg_code)
                if cur is None or _rank(p) > _rank(cur):
                    plans[p.lg_code] = p
        return plans


def _row(lg: LocalGovernment, p: _PlanLine | None, now: datetime) -> BoardRow:
    head = (lg.code6, lg.name, lg.pref_code, lg.prefecture, lg.type, lg.population)
    if p is None:
        return BoardRow(*head, B.NOT_STARTED, None, None, None, None, None, None, None, None)
    ps = PlanStatus(p.status)
    bs = _FROM_PLAN[ps]
    url = p.publication_url if isinstance(p.publication_url, str) and p.publication_url.strip() else None
    if bs is B.APPROVED and url:
        bs = B.PUBLISHED
    submitted = _aware(p.submitted_at)
    waiting = (now - submitted).days if ps in WAITING and submitted else None
    return BoardRow(*head, bs, p.plan_id, ps, p.round, p.completeness, p.findings,
                    _aware(p.updated_at), waiting, url)  # fmt: skip


def board_counts(rows: list[BoardRow]) -> dict[BoardStatus, int]:
    """How many governments are at each status (every status present, zeros included)."""
    out = dict.fromkeys(BoardStatus, 0)
    for r in rows:
        out[r.status] += 1
    return out


# The export in the shape of the national 策定状況 survey: one row per local government.
SURVEY_HEADER = [
    "団体コード", "都道府県名", "団体名", "団体区分", "策定状況", "進捗状況", "計画ID", "提出回",
    "充足度（%）", "最終更新日", "待ち日数", "提出期限", "期限超過", "公表URL",
]  # fmt: skip


def survey_records(rows: list[BoardRow]) -> list[list[Any]]:
    return [
        [
            r.lg_code,
            r.prefecture,
            r.lg_name,
            r.type_label,
            SURVEY_STAGES[r.status],
            r.status.label,
            r.plan_id,
            r.round,
            None if r.completeness is None else round(r.completeness * 100, 1),
            to_jst(r.last_activity).date() if r.last_activity else None,
            r.days_waiting,
            r.deadline,
            ("超過" if r.overdue else "") if r.deadline else None,
            r.publication_url,
        ]
        for r in rows
    ]
