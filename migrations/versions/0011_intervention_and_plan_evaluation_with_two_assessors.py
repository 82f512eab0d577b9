"""The learner's intervention, the snapshot with a handed-in exercise, the colleague's assessment and the agreed result

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:21:35.801755

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('target_group', sa.Text(), nullable=False),
    sa.Column('carried_out_by', sa.Text(), nullable=False),
    sa.Column('phase', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_intervention_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intervention')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_intervention_enrollment_id'))
    )
    op.create_table('peer_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('withdraw_hash', sa.String(length=64), nullable=True),
    sa.Column('intervention', sa.JSON(), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=True),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_peer_review_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mail_id'], ['mail_message.id'], name=op.f('fk_peer_review_mail_id_mail_message'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_review')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_peer_review_token_hash')),
    sa.UniqueConstraint('withdraw_hash', name=op.f('uq_peer_review_withdraw_hash'))
    )
    with op.batch_alter_table('peer_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peer_review_enrollment_id'), ['enrollment_id'], unique=False)

    op.create_table('plan_agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('peer_review_id', sa.Integer(), nullable=True),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollment.id'], name=op.f('fk_plan_agreement_enrollment_id_enrollment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['peer_review_id'], ['peer_review.id'], name=op.f('fk_plan_agreement_peer_review_id_peer_review'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_agreement')),
    sa.UniqueConstraint('enrollment_id', 'module_slug', name=op.f('uq_plan_agreement_enrollment_id'))
    )
    with op.batch_alter_table('exercise_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intervention', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('exercise_answer', schema=None) as batch_op:
        batch_op.drop_column('intervention')

    op.drop_table('plan_agreement')
    with op.batch_alter_table('peer_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_peer_review_enrollment_id'))

    op.drop_table('peer_review')
    op.drop_table('intervention')
