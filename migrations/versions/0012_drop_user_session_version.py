"""drop user_account.session_version: sessions are ended by their server-side rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 23:15:00

Since server-side sessions (0008), logging a user out everywhere ends their `user_session` rows; the version
number that used to be part of the cookies is no longer read.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
