"""revision_summary: what the national review views read of each revision

Revision ID: 0009
Revises: 0008

The coverage matrix and the KPI benchmark decoded whole digests (every KPI's targets by year)
or whole plans; at 5,000 plans that was most of their time. Each revision now has a summary
row written with it by the repository. Existing revisions are summarised here with the same
functions (plan_builder.plan.summary), in batches.
"""

import sqlalchemy as sa
from alembic import op

from plan_builder.guide import get_guides
from plan_builder.plan import coverage_summary, kpi_rows

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BATCH = 200

plan = sa.table("plan", sa.column("id", sa.Integer), sa.column("guide_id", sa.String))
rev = sa.table(
    "plan_revision",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("data", sa.JSON),
)


def upgrade() -> None:
    summary = op.create_table(
        "revision_summary",
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("plan.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version"),
    )
    conn = op.get_bind()
    guides = get_guides()
    guide_of = dict(conn.execute(sa.select(plan.c.id, plan.c.guide_id)).all())
    last = 0
    while True:
        rows = conn.execute(
            sa.select(rev.c.id, rev.c.plan_id, rev.c.version, rev.c.data)
            .where(rev.c.id > last)
            .order_by(rev.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        last = rows[-1].id
        values = [
            {
                "plan_id": r.plan_id,
                "version": r.version,
                "coverage": coverage_summary(r.data, guides[guide_of[r.plan_id]]),
                "kpis": kpi_rows(r.data),
            }
            for r in rows
            if guide_of.get(r.plan_id) in guides
        ]
        if values:
            op.bulk_insert(summary, values)


def downgrade() -> None:
    op.drop_table("revision_summary")
