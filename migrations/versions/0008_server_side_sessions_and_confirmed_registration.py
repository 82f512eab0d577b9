"""Server-side sessions, confirmed self-registrations, the kind of each mail, login attempts by address.

Video progress remembers when the video page was opened (coverage may grow no faster than the clock).
Existing accounts count as confirmed; existing remember-me cookies stop working (they were not random).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:48:12.690977

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember_hash', sa.String(length=64), nullable=True),
    sa.Column('device', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('remember_expires_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('remember_hash', name=op.f('uq_user_session_remember_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_attempt_ip'), ['ip'], unique=False)

    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=True))

    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cohort_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_password_reset_token_cohort_id_cohort'), 'cohort', ['cohort_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('video_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('covered_at_open', sa.Double(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('video_progress', schema=None) as batch_op:
        batch_op.drop_column('covered_at_open')
        batch_op.drop_column('opened_at')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed')

    with op.batch_alter_table('password_reset_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_password_reset_token_cohort_id_cohort'), type_='foreignkey')
        batch_op.drop_column('cohort_id')

    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_ip'))

    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))

    op.drop_table('user_session')
