"""simhash band indexes in id order

Revision ID: 0880
Revises: 0875
Create Date: 2026-11-30 12:00:00

Repost lookups read a band value's first documents by id and stop there; an index
on the band alone made PostgreSQL read and sort all of a value's documents, which
grows with the corpus on templated news.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0880"
down_revision: str | Sequence[str] | None = "0875"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for n in range(4):
        op.drop_index(f"ix_intel_document_band{n}", table_name="intel_document")
        op.create_index(f"ix_intel_document_band{n}", "intel_document", [f"band{n}", "id"])


def downgrade() -> None:
    for n in range(4):
        op.drop_index(f"ix_intel_document_band{n}", table_name="intel_document")
        op.create_index(f"ix_intel_document_band{n}", "intel_document", [f"band{n}"])
