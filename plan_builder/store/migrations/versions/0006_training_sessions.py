"""training sessions, seats and participants; the fictional training organisations

Revision ID: 0006
Revises: 0005

Sandboxes made before this revision belonged to a real local government. They are moved to the
training organisation of their guide variant (row and every revision), so that no real
organisation's list, review queue or statistic can ever contain one.
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

from plan_builder.store.training_orgs import TRAINING_ORGS, training_org_rows

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("guide_id", sa.String(length=100), nullable=False),
        sa.Column("lg_code", sa.String(length=6), nullable=False),
        sa.Column("start", sa.String(length=10), nullable=False),
        sa.Column("join_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["lg_code"], ["local_government.code6"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_session_join_code"), ["join_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_session_status"), ["status"], unique=False)
    op.create_table(
        "training_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("start_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["training_session.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id"),
    )
    with op.batch_alter_table("training_seat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_seat_session_id"), ["session_id"], unique=False)
    op.create_table(
        "training_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seat_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["seat_id"], ["training_seat.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["training_session.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("seat_id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("training_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_participant_session_id"), ["session_id"], unique=False)

    lg = sa.table(
        "local_government",
        *(sa.column(c) for c in training_org_rows()[0]),
    )
    op.bulk_insert(lg, training_org_rows())
    _move_old_sandboxes()


def _move_old_sandboxes() -> None:
    conn = op.get_bind()
    orgs = {o["code6"]: o for o in TRAINING_ORGS.values()}
    rows = conn.execute(
        sa.text("SELECT p.id, g.level FROM plan p JOIN local_government g ON g.code6 = p.lg_code "
                "WHERE p.is_training = :t AND g.pref_code <> '99'"),
        {"t": True},
    ).all()  # fmt: skip
    for plan_id, level in rows:
        org = TRAINING_ORGS["prefecture" if level == "prefecture" else "municipality"]
        code, name = org["code6"], org["name"]
        assert code in orgs
        for table, key in (("plan", "id"), ("plan_revision", "plan_id")):
            for rid, data in conn.execute(sa.text(f"SELECT id, data FROM {table} WHERE {key} = :p"), {"p": plan_id}):
                doc = data if isinstance(data, dict) else json.loads(data)
                doc.update(lg_code=code, lg_name=name)
                conn.execute(
                    sa.text(f"UPDATE {table} SET data = :d WHERE id = :i"),
                    {"d": json.dumps(doc, ensure_ascii=False), "i": rid},
                )
        conn.execute(sa.text("UPDATE plan SET lg_code = :c WHERE id = :p"), {"c": code, "p": plan_id})


def downgrade() -> None:
    op.drop_table("training_participant")
    op.drop_table("training_seat")
    op.drop_table("training_session")
