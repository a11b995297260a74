"""The audit log: who changed what, and when. Written by the service layer, read by admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from plan_builder.auth.tables import AuditRecord
from plan_builder.store import utcnow

ACTION_LABELS = {
    "plan.create": "計画の作成",
    "plan.save": "計画の保存",
    "plan.restore": "版の復元",
    "plan.duplicate": "計画の複製",
    "plan.import": "計画の取込み",
    "plan.export": "計画の出力",
    "plan.status": "状態の変更",
    "plan.comment": "コメント",
    "plan.comment_reply": "コメントへの返信",
    "plan.comment_resolve": "コメントの解決",
    "plan.comment_reopen": "コメントの再開",
    "user.add": "利用者の追加",
    "user.set_role": "役割の変更",
    "user.reset_password": "パスワードの再設定",
    "user.disable": "利用者の停止",
    "user.enable": "利用者の再開",
    "login.ok": "ログイン",
    "login.failed": "ログイン失敗",
    "login.locked": "ログイン一時停止中の試行",
    "login.lockout": "ログインの一時停止（失敗の繰り返し）",
    "logout": "ログアウト",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


def record(engine: Engine, actor: str, action: str, target: str = "", **detail: Any) -> None:
    """Append one entry in its own transaction (the change it describes is already committed)."""
    with Session(engine) as s:
        add(s, actor, action, target, **detail)
        s.commit()


def add(s: Session, actor: str, action: str, target: str = "", **detail: Any) -> None:
    """Append one entry to the caller's transaction, so it commits with the change it describes
    (one commit per autosave instead of two: a 説明会 saves several times a second)."""
    s.add(AuditRecord(at=utcnow(), actor=actor[:100], action=action, target=target[:100], detail=detail))


def entries(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    since: datetime | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """Newest first."""
    with Session(engine) as s:
        q = select(AuditRecord)
        if actor:
            q = q.where(AuditRecord.actor == actor)
        if action:
            # "plan." filters a family of actions; "plan.comment" exactly that one.
            family = action.endswith(".")
            q = q.where(
                AuditRecord.action.startswith(action, autoescape=True)
                if family
                else AuditRecord.action == action
            )
        if target:
            q = q.where(AuditRecord.target == target)
        if since:
            q = q.where(AuditRecord.at >= since)
        q = q.order_by(AuditRecord.id.desc()).limit(max(1, min(limit, 10_000)))
        return [AuditEntry(r.id, r.at, r.actor, r.action, r.target, dict(r.detail)) for r in s.exec(q)]  # type: ignore[arg-type]
