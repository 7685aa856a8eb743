"""intel entity aliases

Revision ID: 0720
Revises: 0710
Create Date: 2026-11-29 23:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0720"
down_revision: str | Sequence[str] | None = "0710"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intel_entity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("intel_entity", schema=None) as batch_op:
        batch_op.drop_column("aliases")
