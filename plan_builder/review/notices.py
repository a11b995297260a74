"""In-app notices to a plan's organisation: returned, commented, approved.

Written in the same transaction as the change they announce, so a planner never misses one;
shown on the planner's home page until marked read. No mail server is needed. When an
administrator sets PLAN_BUILDER_SMTP_HOST (an on-premises relay; off by default), the same text
is also mailed to the organisation's active planner accounts that have an e-mail address.
"""

from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlmodel import Session, select

from plan_builder.auth import Role, UserRecord, policy
from plan_builder.errors import NotFoundError
from plan_builder.review.scoped import ScopedService
from plan_builder.review.tables import NoticeRecord
from plan_builder.store import PlanRecord, Store, utcnow

KINDS = {"returned": "差戻し", "commented": "コメント", "approved": "承認"}
SMTP_ENV = ("PLAN_BUILDER_SMTP_HOST", "PLAN_BUILDER_SMTP_PORT", "PLAN_BUILDER_SMTP_FROM")


@dataclass(frozen=True)
class Notice:
    id: int
    plan_id: int
    lg_code: str
    kind: str
    message: str
    created_by: str
    created_at: datetime
    read: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def _notice(r: NoticeRecord) -> Notice:
    return Notice(
        r.id, r.plan_id, r.lg_code, r.kind, r.message, r.created_by, r.created_at, r.read_at is not None
    )  # type: ignore[arg-type]


def add_in(s: Session, *, plan_id: int, lg_code: str, kind: str, message: str, by: str) -> None:
    """Add a notice inside the caller's transaction (committed with the change it announces)."""
    s.add(NoticeRecord(plan_id=plan_id, lg_code=lg_code, kind=kind, message=message[:500], created_by=by))


class NoticeService(ScopedService):
    """The notices of the plans in the actor's inbox (policy.notice_scope: a planner's own
    organisation)."""

    def notices(self, *, include_read: bool = False, limit: int = 20) -> list[Notice]:
        """Newest first; unread only unless `include_read`."""
        scope = policy.notice_scope(self.actor)
        if scope.nothing:
            return []
        q = select(NoticeRecord).join(PlanRecord, PlanRecord.id == NoticeRecord.plan_id).where(scope.where())
        if not include_read:
            q = q.where(NoticeRecord.read_at == None)  # noqa: E711
        q = q.order_by(NoticeRecord.created_at.desc(), NoticeRecord.id.desc()).limit(limit)
        with self.store.session() as s:
            return [_notice(r) for r in s.exec(q)]

    def mark_read(self, notice_id: int) -> None:
        scope = policy.notice_scope(self.actor)
        q = (
            select(NoticeRecord)
            .join(PlanRecord, PlanRecord.id == NoticeRecord.plan_id)
            .where(NoticeRecord.id == notice_id, scope.where())
        )
        with self.store.session() as s:
            rec = s.exec(q).first()
            if rec is None:
                raise NotFoundError(f"お知らせ（ID {notice_id}）が見つかりません")
            rec.read_at, rec.read_by = utcnow(), self.actor.username
            s.add(rec)
            s.commit()


def smtp_settings() -> tuple[str, int, str] | None:
    """(host, port, from address) when mail is switched on, else None (the default)."""
    host = os.environ.get(SMTP_ENV[0], "").strip()
    if not host:
        return None
    port = int(os.environ.get(SMTP_ENV[1], "25") or 25)
    sender = os.environ.get(SMTP_ENV[2], "").strip() or "plan-builder@localhost"
    return host, port, sender


def mail(store: Store, *, lg_code: str, subject: str, message: str) -> int:
    """Mail a notice to the organisation's planners when SMTP is configured; returns how many
    were sent. A failing relay never undoes the change: the in-app notice is already saved."""
    settings = smtp_settings()
    if settings is None:
        return 0
    with store.session() as s:
        q = select(UserRecord.email).where(
            UserRecord.org_code == lg_code,
            UserRecord.role == Role.PLANNER.value,
            UserRecord.active == True,  # noqa: E712
            UserRecord.email != None,  # noqa: E711
        )
        to = [e for e in s.exec(q) if e]
    if not to:
        return 0
    host, port, sender = settings
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = f"【官民データ活用推進計画】{subject}", sender, ", ".join(to)
    msg.set_content(message)
    try:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException):
        return 0
    return len(to)
