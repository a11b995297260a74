"""old title-encoded briefing sessions become rows of the session tables

Revision ID: 0010
Revises: 0009

Before 0006 a session was the set of training plans titled 「【研修：{session}】{participant}」 (the
seat was named by the title of its first revision, because participants could retitle it). 0006
moved those plans to the training organisations but made no session rows, so they were on no
board, and no trainer could close, export or delete them. Here:
- each such plan becomes a seat of a closed session of that name and guide; the participant's name
  is kept as the display name, with a sign-in secret that nobody holds (no one can act as them);
- a training plan whose titles name no session goes into one closed session 「以前の練習用の計画
  （研修名なし）」 per guide, so trainers can still find and delete it;
- a plan not marked as training whose first revision has the seat title and was created by a
  trainer or admin account is a sandbox of the old kind that lost its mark: it is marked as
  training and moved to the training organisation (row and every revision), so it is excluded
  from every real list, queue and statistic like any sandbox.
Sessions made here are closed: their seats stay readable and exportable, never writable.
Data only; downgrade leaves the rows (they are valid at 0008).
"""

import hashlib
import json
import re
import secrets

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

from plan_builder.store.tables import utcnow
from plan_builder.store.training_orgs import TRAINING_ORGS, TRAINING_PREF

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

SEAT_TITLE = re.compile(r"^【研修：(?P<session>[^【】]+)】(?P<participant>.+)$", re.DOTALL)
UNNAMED = "以前の練習用の計画（研修名なし）"
SANDBOX_MAKERS = ("trainer", "admin")  # the old tool let only these roles create sandboxes

_md = sa.MetaData()
plan = sa.Table(
    "plan", _md,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("lg_code", sa.String),
    sa.Column("guide_id", sa.String), sa.Column("title", sa.String), sa.Column("is_training", sa.Boolean),
    sa.Column("created_at", UTCDateTime()), sa.Column("created_by", sa.String),
)  # fmt: skip
revision_t = sa.Table(
    "plan_revision", _md,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("plan_id", sa.Integer),
    sa.Column("version", sa.Integer), sa.Column("title", sa.String), sa.Column("actor", sa.String),
)  # fmt: skip
lg = sa.Table(
    "local_government", _md, sa.Column("code6", sa.String, primary_key=True), sa.Column("level", sa.String)
)
user = sa.Table("app_user", _md, sa.Column("username", sa.String), sa.Column("role", sa.String))
session_t = sa.Table(
    "training_session", _md,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String), sa.Column("guide_id", sa.String),
    sa.Column("lg_code", sa.String), sa.Column("start", sa.String), sa.Column("join_code", sa.String),
    sa.Column("status", sa.String), sa.Column("created_at", UTCDateTime()), sa.Column("created_by", sa.String),
    sa.Column("closed_at", UTCDateTime()),
)  # fmt: skip
seat_t = sa.Table(
    "training_seat", _md,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("session_id", sa.Integer),
    sa.Column("number", sa.Integer), sa.Column("plan_id", sa.Integer), sa.Column("start_version", sa.Integer),
    sa.Column("created_at", UTCDateTime()),
)  # fmt: skip
participant_t = sa.Table(
    "training_participant", _md,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("session_id", sa.Integer),
    sa.Column("seat_id", sa.Integer), sa.Column("display_name", sa.String), sa.Column("token_hash", sa.String),
    sa.Column("joined_at", UTCDateTime()),
)  # fmt: skip


def _first_revision(conn, plan_id: int) -> tuple[int, str, str] | None:
    """(version, title, author) of the oldest revision kept (creation is a named version)."""
    row = conn.execute(
        sa.select(revision_t.c.version, revision_t.c.title, revision_t.c.actor)
        .where(revision_t.c.plan_id == plan_id)
        .order_by(revision_t.c.version)
        .limit(1)
    ).first()
    return tuple(row) if row else None  # type: ignore[return-value]


def _to_training_org(conn, plan_id: int, lg_code: str) -> str:
    """Move a plan off a real organisation (row and every revision's content), as 0006 did."""
    if lg_code.startswith(TRAINING_PREF):
        return lg_code
    level = conn.execute(sa.select(lg.c.level).where(lg.c.code6 == lg_code)).scalar()
    org = TRAINING_ORGS["prefecture" if level == "prefecture" else "municipality"]
    code, name = str(org["code6"]), org["name"]
    for table, key in (("plan", "id"), ("plan_revision", "plan_id")):
        for rid, data in conn.execute(
            sa.text(f"SELECT id, data FROM {table} WHERE {key} = :p"), {"p": plan_id}
        ):
            doc = data if isinstance(data, dict) else json.loads(data)
            doc.update(lg_code=code, lg_name=name, is_training=True)
            conn.execute(
                sa.text(f"UPDATE {table} SET data = :d WHERE id = :i"),
                {"d": json.dumps(doc, ensure_ascii=False), "i": rid},
            )
    conn.execute(plan.update().where(plan.c.id == plan_id).values(lg_code=code, is_training=True))
    return code


def _mark_lost_sandboxes(conn) -> None:
    makers = set(conn.execute(sa.select(user.c.username).where(user.c.role.in_(SANDBOX_MAKERS))).scalars())
    rows = conn.execute(sa.select(plan.c.id, plan.c.lg_code).where(plan.c.is_training == sa.false())).all()
    for plan_id, lg_code in rows:
        first = _first_revision(conn, plan_id)
        if first and first[2] in makers and SEAT_TITLE.match(first[1] or ""):
            _to_training_org(conn, plan_id, lg_code)


def _unique(name: str, taken: set[str], number: int) -> str:
    """A display name for the seat, one line, at most 40 characters, unique in the session."""
    base = " ".join(name.split())[:40] or f"参加者{number}"
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base[:34]}（{n}）"
    taken.add(out)
    return out


def upgrade() -> None:
    conn = op.get_bind()
    _mark_lost_sandboxes(conn)
    seated = sa.select(seat_t.c.plan_id)
    orphans = conn.execute(
        sa.select(
            plan.c.id, plan.c.guide_id, plan.c.lg_code, plan.c.title, plan.c.created_at, plan.c.created_by
        )
        .where(plan.c.is_training == sa.true(), plan.c.id.not_in(seated))
        .order_by(plan.c.id)
    ).all()
    groups: dict[tuple[str, str], list[tuple]] = {}
    for row in orphans:
        first = _first_revision(conn, row.id)
        found = SEAT_TITLE.match(first[1] or "") if first else None
        found = found or SEAT_TITLE.match(row.title or "")
        name, person = (found["session"].strip(), found["participant"]) if found else (UNNAMED, row.title)
        lg_code = _to_training_org(conn, row.id, row.lg_code)
        start_version = first[0] if first else 1
        groups.setdefault((name[:100] or UNNAMED, row.guide_id), []).append(
            (row, person, lg_code, start_version)
        )
    now = utcnow()
    for (name, guide_id), seats in groups.items():
        session_id = conn.execute(
            session_t.insert().values(
                name=name,
                guide_id=guide_id,
                lg_code=seats[0][2],
                start="blank",
                join_code=f"{secrets.randbelow(10**6):06d}",
                status="closed",
                created_at=min(r.created_at for r, *_ in seats),
                created_by=seats[0][0].created_by,
                closed_at=now,
            )  # fmt: skip
        ).inserted_primary_key[0]
        taken: set[str] = set()
        for number, (row, person, _, start_version) in enumerate(seats, start=1):
            seat_id = conn.execute(
                seat_t.insert().values(
                    session_id=session_id,
                    number=number,
                    plan_id=row.id,
                    start_version=start_version,
                    created_at=row.created_at,
                )  # fmt: skip
            ).inserted_primary_key[0]
            conn.execute(
                participant_t.insert().values(
                    session_id=session_id,
                    seat_id=seat_id,
                    display_name=_unique(person or "", taken, number),
                    token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                    joined_at=row.created_at,
                )  # fmt: skip
            )


def downgrade() -> None:
    """Data only: the session rows made here are valid at 0008 and stay."""
