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
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import select

from plan_builder.auth import policy
from plan_builder.auth.actor import Actor
from plan_builder.errors import PermissionDeniedError
from plan_builder.plan.clock import to_jst
from plan_builder.plan.model import PlanStatus
from plan_builder.plan.text import fold_search
from plan_builder.review.snapshots import LG_TYPE_LABELS
from plan_builder.review.tables import SubmissionRecord
from plan_builder.store.repo import Store
from plan_builder.store.tables import LocalGovernment, PlanRecord
from plan_builder.store.training_orgs import TRAINING_PREF


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


def _scope(actor: Actor) -> policy.Scope:
    """The organisations of the actor's board (plan_builder.auth.policy.board_scope)."""
    scope = policy.board_scope(actor)
    if scope.nothing:
        raise PermissionDeniedError("策定状況の一覧は審査担当者と管理者のみが見られます")
    return scope


def _aware(dt: datetime | None) -> datetime | None:
    return None if dt is None else (dt if dt.tzinfo else dt.replace(tzinfo=UTC))


def _rank(status: PlanStatus, updated: datetime) -> tuple[int, datetime]:
    """Which of a government's plans stands for it: the furthest along, then the latest."""
    order = [PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.SUBMITTED, PlanStatus.IN_REVIEW,
             PlanStatus.RESUBMITTED, PlanStatus.APPROVED]  # fmt: skip
    return order.index(status), updated


def status_board(
    store: Store,
    actor: Actor,
    flt: BoardFilter | None = None,
    *,
    now: datetime | None = None,
    deadlines: dict[str, date] | None = None,
) -> list[BoardRow]:
    """One row per local government in scope (prefectures and municipalities, not 行政区),
    in code order. `deadlines` (lg_code → due date) marks overdue governments: those whose plan
    is not yet submitted, returned or approved by the day after the due date."""
    flt = flt or BoardFilter()
    scope = _scope(actor)
    now = _aware(now) or datetime.now(UTC)
    lgq = select(
        LocalGovernment.code6,
        LocalGovernment.name,
        LocalGovernment.pref_code,
        LocalGovernment.prefecture,
        LocalGovernment.type,
        LocalGovernment.population,
        LocalGovernment.name_kana,
        LocalGovernment.code5,
    ).where(
        LocalGovernment.level != "ward",
        LocalGovernment.northern_territories == False,  # noqa: E712
        LocalGovernment.pref_code != TRAINING_PREF,  # the fictional training organisations
    )
    latest = (
        select(SubmissionRecord.plan_id, func.max(SubmissionRecord.round).label("round"))
        .group_by(SubmissionRecord.plan_id)
        .subquery()
    )
    pq = (
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
    if scope.pref_code is not None:
        lgq = lgq.where(LocalGovernment.pref_code == scope.pref_code)
    if flt.pref_codes is not None:
        lgq = lgq.where(LocalGovernment.pref_code.in_(flt.pref_codes))
    if flt.lg_types is not None:
        lgq = lgq.where(LocalGovernment.type.in_(flt.lg_types))
    with store.session() as s:
        lgs = list(s.exec(lgq.order_by(LocalGovernment.code6)))
        plans: dict[str, tuple] = {}
        for r in s.exec(pq):
            st = PlanStatus(r[2])
            cur = plans.get(r[1])
            if cur is None or _rank(st, _aware(r[3])) > _rank(PlanStatus(cur[2]), _aware(cur[3])):
                plans[r[1]] = tuple(r)
    needle = fold_search(flt.text)
    deadlines = deadlines or {}
    today = to_jst(now).date()
    out: list[BoardRow] = []
    for code, name, pcode, prefecture, typ, pop, kana, code5 in lgs:
        if needle and not (
            needle in name or needle in kana or needle in prefecture + name
            or code.startswith(needle) or code5.startswith(needle)
        ):  # fmt: skip
            continue
        p = plans.get(code)
        row = _row(code, name, pcode, prefecture, typ, pop, p, now)
        due = deadlines.get(code)
        if due is not None:
            late = today > due and row.status in (B.NOT_STARTED, B.DRAFTING, B.RETURNED)
            row = replace(row, deadline=due, overdue=late)
        if flt.statuses is not None and row.status not in flt.statuses:
            continue
        if flt.overdue_only and not row.overdue:
            continue
        out.append(row)
    return out


def _row(code, name, pcode, prefecture, typ, pop, p: tuple | None, now: datetime) -> BoardRow:
    if p is None:
        return BoardRow(code, name, pcode, prefecture, typ, pop, B.NOT_STARTED,
                        None, None, None, None, None, None, None, None)  # fmt: skip
    pid, _, status, updated, rnd, submitted, comp, findings, url = p
    ps = PlanStatus(status)
    bs = _FROM_PLAN[ps]
    url = url if isinstance(url, str) and url.strip() else None
    if bs is B.APPROVED and url:
        bs = B.PUBLISHED
    submitted = _aware(submitted)
    waiting = (now - submitted).days if ps in WAITING and submitted else None
    return BoardRow(code, name, pcode, prefecture, typ, pop, bs, pid, ps, rnd, comp, findings,
                    _aware(updated), waiting, url)  # fmt: skip


def counts(rows: list[BoardRow]) -> dict[BoardStatus, int]:
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
