"""index the deal parties

Revision ID: 0875
Revises: 0870
Create Date: 2026-11-30 04:40:00

Ingest matches new deals against those on record by party (party_a or party_b);
without an index that is a scan of every deal of the park for each chunk, which
grows with the news read.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0875"
down_revision: str | Sequence[str] | None = "0870"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_deal_party_a", "deal", ["party_a"])
    op.create_index("ix_deal_party_b", "deal", ["party_b"])


def downgrade() -> None:
    op.drop_index("ix_deal_party_b", table_name="deal")
    op.drop_index("ix_deal_party_a", table_name="deal")
