"""plan_revision: title, status, named, seen, opened_at; status only on rows; compact histories

Revision ID: 0005
Revises: 0004

Existing histories kept every autosave as a full copy. This marks the versions that must stay
(the first, every status change and submission, restores and duplicates), folds runs of one
person's autosaves within 10 minutes into the last of the run, keeps the newest 30 autosaves
per plan, and takes the workflow status out of the stored JSON (the row is its only home).
The numbers are frozen here on purpose: later changes to plan_builder.store.repo must not
change what this migration did.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

WINDOW = timedelta(minutes=10)
TAIL = 30

plan = sa.table("plan", sa.column("id", sa.Integer), sa.column("data", sa.JSON), sa.column("submitted_version"))
rev = sa.table(
    "plan_revision",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("title", sa.String),
    sa.column("status", sa.String),
    sa.column("named", sa.Boolean),
    sa.column("seen", sa.Boolean),
    sa.column("opened_at", sa.DateTime),
    sa.column("created_at", sa.DateTime),
    sa.column("actor", sa.String),
    sa.column("note", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="draft"))
        batch_op.add_column(sa.Column("named", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("seen", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("opened_at", UTCDateTime(), nullable=True))
    conn = op.get_bind()
    kept = _versions_to_keep(conn)
    for (plan_id,) in conn.execute(sa.select(plan.c.id).order_by(plan.c.id)).all():
        _compact(conn, plan_id, kept.get(plan_id, set()))
    op.execute("UPDATE plan_revision SET opened_at = created_at WHERE opened_at IS NULL")
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        batch_op.alter_column("opened_at", existing_type=UTCDateTime(), nullable=False)
        batch_op.alter_column("title", server_default=None)
        batch_op.alter_column("status", server_default=None)
        batch_op.alter_column("named", server_default=None)
        batch_op.alter_column("seen", server_default=None)


def _versions_to_keep(conn) -> dict[int, set[int]]:
    """Versions the review tables point at, per plan."""
    out: dict[int, set[int]] = {}
    for q in (
        "SELECT plan_id, revision_version FROM review_transition",
        "SELECT plan_id, revision_version FROM review_submission",
        "SELECT id, submitted_version FROM plan WHERE submitted_version IS NOT NULL",
    ):
        for pid, version in conn.execute(sa.text(q)):
            out.setdefault(pid, set()).add(version)
    return out


def _is_named(version: int, note: str, kept: set[int]) -> bool:
    return version == 1 or version in kept or note.endswith("を復元") or "から複製" in note


def _compact(conn, plan_id: int, kept: set[int]) -> None:
    rows = conn.execute(
        sa.select(rev.c.id, rev.c.version, rev.c.data, rev.c.note, rev.c.actor, rev.c.created_at)
        .where(rev.c.plan_id == plan_id)
        .order_by(rev.c.version)
    ).all()
    drop: set[int] = set()
    autosaves: list[int] = []
    group_start = None
    prev = None
    for r in rows:
        named = _is_named(r.version, r.note or "", kept)
        if not named:
            same_run = (
                prev is not None
                and not _is_named(prev.version, prev.note or "", kept)
                and prev.actor == r.actor
                and group_start is not None
                and r.created_at - group_start <= WINDOW
            )
            if same_run:
                drop.add(prev.id)
                autosaves.pop()
            else:
                group_start = r.created_at
            autosaves.append(r.id)
        prev = r
        data = dict(r.data or {})
        status = data.pop("status", "draft")
        conn.execute(
            rev.update()
            .where(rev.c.id == r.id)
            .values(data=data, title=str(data.get("title", "")), status=status, named=named)
        )
    drop.update(autosaves[: max(0, len(autosaves) - TAIL)])
    latest = rows[-1].id if rows else None
    drop.discard(latest)
    if drop:
        conn.execute(rev.delete().where(rev.c.id.in_(sorted(drop))))
    current = conn.execute(sa.select(plan.c.data).where(plan.c.id == plan_id)).scalar_one()
    if current and "status" in current:
        conn.execute(
            plan.update().where(plan.c.id == plan_id).values(data={k: v for k, v in current.items() if k != "status"})
        )


def downgrade() -> None:
    """Put the status back into the JSON (0004 reads it there); compacted revisions stay gone."""
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, status FROM plan")).all()
    for pid, status in rows:
        data = conn.execute(sa.select(plan.c.data).where(plan.c.id == pid)).scalar_one()
        conn.execute(plan.update().where(plan.c.id == pid).values(data={**data, "status": status}))
    for rid, data, status in conn.execute(sa.select(rev.c.id, rev.c.data, rev.c.status)).all():
        conn.execute(rev.update().where(rev.c.id == rid).values(data={**data, "status": status}))
    with op.batch_alter_table("plan_revision", schema=None) as batch_op:
        for name in ("opened_at", "seen", "named", "status", "title"):
            batch_op.drop_column(name)
