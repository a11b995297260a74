"""Reviewer comments on a chapter or a question (optionally a measure or KPI) of a plan.

Reviewers in scope (and admins) open comments; planners of the plan's organisation reply to
them. Reviewers resolve and reopen. The wizard shows a planner the open comments at the
question they concern: `CommentService(store, actor).open_comments_for(plan_id, question_key)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from plan_builder.auth import audit, policy
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError
from plan_builder.guide import get_guide
from plan_builder.plan import clean_text
from plan_builder.review import notices
from plan_builder.review.labels import place_label
from plan_builder.review.scoped import ScopedService
from plan_builder.review.tables import ReviewCommentRecord, SubmissionRecord
from plan_builder.store import PlanRecord, utcnow

MAX_BODY = 5000
_CHAPTER_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_QUESTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ITEM_RE = re.compile(r"^[MK]\d{2,4}$")


class CommentError(PlanBuilderError):
    """Bad comment input (the message names the field)."""


@dataclass
class Comment:
    id: int
    plan_id: int
    chapter_key: str
    question_key: str | None
    item_key: str | None
    body: str
    author: str
    author_role: str
    created_at: datetime
    round: int | None
    resolved: bool
    resolved_at: datetime | None
    resolved_by: str | None
    replies: list[Comment] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Where the comment is attached: the question key, or the chapter key."""
        return self.question_key or self.chapter_key


def _comment(r: ReviewCommentRecord) -> Comment:
    return Comment(
        r.id,  # type: ignore[arg-type]
        r.plan_id,
        r.chapter_key,
        r.question_key,
        r.item_key,
        r.body,
        r.author,
        r.author_role,
        r.created_at,
        r.round,
        r.resolved,
        r.resolved_at,
        r.resolved_by,
    )


def _place(rec: PlanRecord, chapter_key: str, question_key: str | None, item_key: str | None) -> str:
    """Where a comment is attached, in the guide's words (the key when the guide is unknown)."""
    try:
        return place_label(get_guide(rec.guide_id), chapter_key, question_key, item_key)
    except Exception:  # an uninstalled guide must not stop a comment
        return question_key or chapter_key


def _clean_body(body: str) -> str:
    text = clean_text(body or "")
    if not text:
        raise CommentError("コメントの本文を入力してください")
    if len(text) > MAX_BODY:
        raise CommentError(f"コメントの本文は{MAX_BODY:,}字以内にしてください（現在 {len(text):,}字）")
    return text


class CommentService(ScopedService):
    def _may_review(self, rec: PlanRecord) -> bool:
        return policy.side_scope(self.actor, policy.REVIEWER_SIDE).allows_row(rec)

    def _may_reply(self, rec: PlanRecord) -> bool:
        return self._may_review(rec) or policy.side_scope(self.actor, policy.PLANNER_SIDE).allows_row(rec)

    def can_resolve(self, plan_id: int) -> bool:
        """Whether this actor may resolve and reopen the plan's comments (for the buttons)."""
        return self._may_review(self._meta(plan_id))

    def can_reply(self, plan_id: int) -> bool:
        """Whether this actor may reply to the plan's comments (for showing the reply box)."""
        return self._may_reply(self._meta(plan_id))

    # Writes ------------------------------------------------------------------------------
    def add(
        self,
        plan_id: int,
        *,
        chapter_key: str | None = None,
        question_key: str | None = None,
        item_key: str | None = None,
        body: str,
    ) -> Comment:
        """A new comment by a reviewer on a chapter or a question (the chapter is derived from it)."""
        rec = self._meta(plan_id)
        if not self._may_review(rec):
            raise PermissionDeniedError(
                "コメントを付けられるのは所管の審査担当者と管理者です（計画担当者は返信できます）"
            )
        question_key = (question_key or "").strip() or None
        if question_key and not _QUESTION_RE.match(question_key):
            raise CommentError(f"設問キー「{question_key}」の形式が正しくありません")
        chapter_key = (chapter_key or "").strip() or (question_key.split(".", 1)[0] if question_key else "")
        if not _CHAPTER_RE.match(chapter_key):
            raise CommentError("コメントを付ける章または設問を指定してください")
        if question_key and not question_key.startswith(chapter_key + "."):
            raise CommentError(f"設問「{question_key}」は章「{chapter_key}」の設問ではありません")
        item_key = (item_key or "").strip() or None
        if item_key and not _ITEM_RE.match(item_key):
            raise CommentError(f"施策・KPIの番号「{item_key}」は M01 や K01 の形式で指定してください")
        text = _clean_body(body)
        with self.store.session() as s:
            round_no = s.exec(
                select(func.max(SubmissionRecord.round)).where(SubmissionRecord.plan_id == plan_id)
            ).one()
            row = self._insert(
                s,
                plan_id=plan_id,
                round=round_no,
                chapter_key=chapter_key,
                question_key=question_key,
                item_key=item_key,
                body=text,
            )
            message = f"審査担当者がコメントを付けました（{_place(rec, chapter_key, question_key, item_key)}）：{text[:200]}"
            notices.add_in(
                s,
                plan_id=plan_id,
                lg_code=rec.lg_code,
                kind="commented",
                message=message,
                by=self.actor.username,
            )
            s.commit()
        notices.mail(self.store, lg_code=rec.lg_code, subject="コメント", message=message)
        audit.record(
            self.store.engine, self.actor.username, "plan.comment", f"plan:{plan_id}", comment=row.id
        )
        return _comment(row)

    def reply(self, comment_id: int, body: str) -> Comment:
        parent = self._get(comment_id)
        rec = self._meta(parent.plan_id)
        if not self._may_reply(rec):
            raise PermissionDeniedError("このコメントに返信する権限がありません")
        text = _clean_body(body)
        with self.store.session() as s:
            row = self._insert(
                s,
                plan_id=parent.plan_id,
                parent_id=parent.id,
                round=parent.round,
                chapter_key=parent.chapter_key,
                question_key=parent.question_key,
                item_key=parent.item_key,
                body=text,
            )
        audit.record(
            self.store.engine,
            self.actor.username,
            "plan.comment_reply",
            f"plan:{parent.plan_id}",
            comment=row.id,
        )
        return _comment(row)

    def resolve(self, comment_id: int) -> Comment:
        return self._set_resolved(comment_id, True)

    def reopen(self, comment_id: int) -> Comment:
        return self._set_resolved(comment_id, False)

    def _set_resolved(self, comment_id: int, resolved: bool) -> Comment:
        row = self._get(comment_id)
        if row.parent_id is not None:
            raise CommentError("返信ではなく、元のコメントを解決済み・未解決にしてください")
        if not self._may_review(self._meta(row.plan_id)):
            raise PermissionDeniedError("コメントを解決済み・未解決にできるのは所管の審査担当者と管理者です")
        with self.store.session() as s:
            db = s.get(ReviewCommentRecord, comment_id)
            assert db is not None
            db.resolved = resolved
            db.resolved_at = utcnow() if resolved else None
            db.resolved_by = self.actor.username if resolved else None
            s.add(db)
            s.commit()
        audit.record(
            self.store.engine,
            self.actor.username,
            "plan.comment_resolve" if resolved else "plan.comment_reopen",
            f"plan:{row.plan_id}",
            comment=comment_id,
        )
        return _comment(db)

    def _insert(self, s: Session, **fields: Any) -> ReviewCommentRecord:
        """Save and commit, in the caller's session, a comment or reply this actor writes now."""
        row = ReviewCommentRecord(
            **fields, author=self.actor.username, author_role=self.actor.role.value, created_at=utcnow()
        )
        s.add(row)
        s.commit()
        return row

    def _get(self, comment_id: int) -> ReviewCommentRecord:
        """The comment, if it belongs to a plan the actor may read; otherwise "not found" naming
        only the comment (the plan it belongs to is not revealed)."""
        with self.store.session() as s:
            row = s.exec(
                select(ReviewCommentRecord)
                .join(PlanRecord, PlanRecord.id == ReviewCommentRecord.plan_id)
                .where(ReviewCommentRecord.id == comment_id, policy.read_scope(self.actor).where())
            ).first()
        if row is None:
            raise NotFoundError(f"コメント（ID {comment_id}）が見つかりません")
        return row

    # Reads -------------------------------------------------------------------------------
    def comments(self, plan_id: int, *, include_resolved: bool = True) -> list[Comment]:
        """Top-level comments (oldest first), each with its replies."""
        self._meta(plan_id)
        with self.store.session() as s:
            rows = list(
                s.exec(
                    select(ReviewCommentRecord)
                    .where(ReviewCommentRecord.plan_id == plan_id)
                    .order_by(ReviewCommentRecord.id)
                )
            )
        tops: dict[int, Comment] = {}
        for r in rows:
            if r.parent_id is None:
                tops[r.id] = _comment(r)  # type: ignore[index]
        for r in rows:
            if r.parent_id is not None and r.parent_id in tops:
                tops[r.parent_id].replies.append(_comment(r))
        return [c for c in tops.values() if include_resolved or not c.resolved]

    def open_comments(self, plan_id: int) -> dict[str, list[Comment]]:
        """Open comments by where they are attached (question key, or chapter key)."""
        out: dict[str, list[Comment]] = {}
        for c in self.comments(plan_id, include_resolved=False):
            out.setdefault(c.key, []).append(c)
        return out

    def open_comments_for(self, plan_id: int, question_key: str) -> list[Comment]:
        """Open comments on this question, and on its chapter as a whole."""
        chapter = question_key.split(".", 1)[0]
        return [
            c
            for c in self.comments(plan_id, include_resolved=False)
            if c.question_key == question_key or (c.question_key is None and c.chapter_key == chapter)
        ]

    def open_counts(self, plan_ids: list[int] | None = None) -> dict[int, int]:
        """Open top-level comments per plan the actor may read, in one query (queue, home)."""
        with self.store.session() as s:
            q = (
                select(ReviewCommentRecord.plan_id, func.count())
                .join(PlanRecord, PlanRecord.id == ReviewCommentRecord.plan_id)
                .where(ReviewCommentRecord.resolved == False, ReviewCommentRecord.parent_id == None)  # noqa: E711, E712
                .where(policy.read_scope(self.actor).where())
                .group_by(ReviewCommentRecord.plan_id)
            )
            if plan_ids is not None:
                q = q.where(ReviewCommentRecord.plan_id.in_(plan_ids))
            return {pid: n for pid, n in s.exec(q)}
