"""Quiz attempts keep the questions and option order they showed, and when the form was opened

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shown", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("opened_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("quiz_attempt", schema=None) as batch_op:
        batch_op.drop_column("opened_at")
        batch_op.drop_column("shown")
