"""pipeline: deals on record are looked up by their pair of parties

Revision ID: 0920
Revises: 0910
Create Date: 2026-12-01 11:00:00

Ingest looked up the deals on record through either party's index and read every
deal of both parties, which grows with the corpus for parties that deal often. The
pair index (party_a, party_b) finds the exact pair and also serves lookups by
party_a alone, so it replaces the index on party_a.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0920"
down_revision: str | Sequence[str] | None = "0910"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_deal_party_a_party_b", "deal", ["party_a", "party_b"])
    op.drop_index("ix_deal_party_a", table_name="deal")


def downgrade() -> None:
    op.create_index("ix_deal_party_a", "deal", ["party_a"])
    op.drop_index("ix_deal_party_a_party_b", table_name="deal")
