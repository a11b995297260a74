"""review workflow: status transitions, frozen submissions, comments

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 19:30:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=True),
    sa.Column('chapter_key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('question_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('item_key', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('author_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('resolved', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('resolved_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['review_comment.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comment_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comment_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comment_resolved'), ['resolved'], unique=False)

    op.create_table('review_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('revision_version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('submitted_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('completeness', sa.Float(), nullable=True),
    sa.Column('findings_count', sa.Integer(), nullable=True),
    sa.Column('digest', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'round', name='uq_review_submission_round')
    )
    with op.batch_alter_table('review_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_submission_plan_id'), ['plan_id'], unique=False)

    op.create_table('review_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=True),
    sa.Column('revision_version', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_transition_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_transition_plan_id'))

    op.drop_table('review_transition')
    with op.batch_alter_table('review_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_submission_plan_id'))

    op.drop_table('review_submission')
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comment_resolved'))
        batch_op.drop_index(batch_op.f('ix_review_comment_plan_id'))
        batch_op.drop_index(batch_op.f('ix_review_comment_parent_id'))

    op.drop_table('review_comment')
