"""seed the municipality reference data (CBS, 1 January 2025)

Revision ID: 0002
Revises: 0001
"""

import csv
from importlib import resources

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    text = resources.files("ebw_training.data").joinpath("gemeenten.csv").read_text("utf-8")
    rows = [
        {"code": r["code"], "name": r["naam"], "province": r["provincie"], "ended_on": None}
        for r in csv.DictReader(text.splitlines())
    ]
    table = sa.table(
        "municipality",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("province", sa.String),
        sa.column("ended_on", sa.Date),
    )
    existing = {row[0] for row in op.get_bind().execute(sa.select(table.c.code))}
    op.bulk_insert(table, [r for r in rows if r["code"] not in existing])


def downgrade():
    op.execute("DELETE FROM municipality")
