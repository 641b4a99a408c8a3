"""the commission unit exists from the start: organizers without a unit belong to it

Revision ID: 0002
Revises: 0001
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COMMISSION_NAME = "市市场监督管理委员会"


def upgrade():
    units = sa.table(
        "units",
        sa.column("name", sa.String),
        sa.column("kind", sa.String),
        sa.column("district", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    exists = connection.execute(sa.text("select count(*) from units where kind = 'commission'")).scalar()
    if not exists:
        created = datetime.now(timezone.utc)
        if connection.dialect.name == "sqlite":
            created = created.replace(tzinfo=None)
        op.bulk_insert(units, [{"name": COMMISSION_NAME, "kind": "commission", "district": "", "created_at": created}])


def downgrade():
    op.execute(sa.text("delete from units where kind = 'commission' and name = :name").bindparams(name=COMMISSION_NAME))
