"""Campaigns: a reviewer's call for plans with a due date, over their prefecture.

The status board marks governments whose plan is not submitted (or was returned) after the due
date as overdue; a planner's home page shows the due date of the campaign covering their
organisation. Only reviewers (within their area) and admins create and close campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import select

from plan_builder.auth import policy
from plan_builder.errors import NotFoundError, PlanBuilderError
from plan_builder.review.scoped import ScopedService
from plan_builder.review.tables import CampaignRecord
from plan_builder.store import LocalGovernment


class CampaignError(PlanBuilderError):
    """Bad campaign input (str() names the field in Japanese)."""


@dataclass(frozen=True)
class Campaign:
    id: int
    title: str
    pref_code: str | None
    due_date: date
    note: str
    created_by: str
    created_at: datetime
    closed: bool

    def covers(self, lg_code: str) -> bool:
        """A national campaign covers every government; a prefecture's covers its municipalities,
        not the prefecture itself (whose code is PP000C: no municipality code has 000 there)."""
        if self.pref_code is None:
            return True
        return lg_code[:2] == self.pref_code and lg_code[2:5] != "000"


def _campaign(r: CampaignRecord) -> Campaign:
    return Campaign(r.id, r.title, r.pref_code, r.due_date, r.note, r.created_by, r.created_at, r.closed)  # type: ignore[arg-type]


class CampaignService(ScopedService):
    """Campaigns of one actor's area (policy.board_scope); due dates for one organisation's
    planners (policy.write_scope)."""

    def _area(self) -> policy.Scope:
        return self._board_area("提出期限の設定は審査担当者と管理者のみが行えます")

    def create(self, *, title: str, due_date: date, pref_code: str | None = None, note: str = "") -> Campaign:
        """A new campaign over the actor's prefecture (a national reviewer or admin may pick one,
        or none for the whole country)."""
        area = self._area()
        title = (title or "").strip()
        if not title:
            raise CampaignError("「名称」を入力してください（例：令和8年度 官民データ活用推進計画の提出）")
        if len(title) > 200:
            raise CampaignError("「名称」は200字以内で入力してください")
        if len(note) > 2000:
            raise CampaignError("「メモ」は2,000字以内で入力してください")
        if not isinstance(due_date, date):
            raise CampaignError("「提出期限」を日付で入力してください")
        if area.pref_code is not None:
            pref_code = area.pref_code  # a prefecture's reviewer sets deadlines for their prefecture only
        elif pref_code is not None:
            with self.store.session() as s:
                if not s.exec(
                    select(LocalGovernment.code6).where(LocalGovernment.pref_code == pref_code)
                ).first():
                    raise CampaignError(f"「都道府県」のコード「{pref_code}」が見つかりません")
        with self.store.session() as s:
            rec = CampaignRecord(
                title=title,
                pref_code=pref_code,
                due_date=due_date,
                note=note.strip(),
                created_by=self.actor.username,
            )
            s.add(rec)
            s.commit()
            s.refresh(rec)
            return _campaign(rec)

    def campaigns(self, *, include_closed: bool = False) -> list[Campaign]:
        """Campaigns over the actor's area, newest due date first."""
        area = self._area()
        with self.store.session() as s:
            q = select(CampaignRecord).order_by(CampaignRecord.due_date.desc(), CampaignRecord.id.desc())
            if not include_closed:
                q = q.where(CampaignRecord.closed == False)  # noqa: E712
            rows = [_campaign(r) for r in s.exec(q)]
        return [c for c in rows if area.pref_code is None or c.pref_code == area.pref_code]

    def close(self, campaign_id: int) -> Campaign:
        if campaign_id not in {c.id for c in self.campaigns(include_closed=True)}:
            raise NotFoundError(f"提出期限（ID {campaign_id}）が見つかりません")
        with self.store.session() as s:
            rec = s.get(CampaignRecord, campaign_id)
            rec.closed = True  # type: ignore[union-attr]
            s.add(rec)
            s.commit()
            s.refresh(rec)
            return _campaign(rec)  # type: ignore[arg-type]

    def _open(self) -> list[Campaign]:
        with self.store.session() as s:
            q = select(CampaignRecord).where(CampaignRecord.closed == False)  # noqa: E712
            return [_campaign(r) for r in s.exec(q)]

    def deadlines(self) -> dict[str, date]:
        """lg_code → the earliest open due date covering it, for the actor's status board."""
        area = policy.board_scope(self.actor)
        if area.nothing:
            return {}
        open_ = self._open()
        if not open_:
            return {}
        q = select(LocalGovernment.code6).where(LocalGovernment.level != "ward")
        if area.pref_code is not None:
            q = q.where(LocalGovernment.pref_code == area.pref_code)
        with self.store.session() as s:
            codes = list(s.exec(q))
        out: dict[str, date] = {}
        for c in sorted(open_, key=lambda c: c.due_date, reverse=True):
            for code in codes:
                if c.covers(code):
                    out[code] = c.due_date
        return out

    def deadline_for(self, lg_code: str) -> Campaign | None:
        """The open campaign with the earliest due date that covers `lg_code`, for those who
        may write that organisation's real plans (its planners, admins)."""
        if not policy.write_scope(self.actor).allows(lg_code=lg_code, is_training=False, submitted=False):
            return None
        covering = [c for c in self._open() if c.covers(lg_code)]
        return min(covering, key=lambda c: c.due_date) if covering else None
