"""intel: simhash band indexes carry the columns a repost lookup reads

Revision ID: 0900
Revises: 0890
Create Date: 2026-11-30 19:00:00

A simhash band lookup reads id, park and simhash of a band value's first documents.
With an index on (band, id) each row was then read from the document table, where
park and simhash come after the raw bytes and the text: on SQLite a long page's row
spills into overflow pages that are walked to reach them. With the park and the
simhash in the index, the lookup never reads the document row.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0900"
down_revision: str | Sequence[str] | None = "0890"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(columns: list[str]) -> None:
    for n in range(4):
        op.drop_index(f"ix_intel_document_band{n}", table_name="intel_document")
        op.create_index(f"ix_intel_document_band{n}", "intel_document", [f"band{n}", *columns])


def upgrade() -> None:
    _rebuild(["id", "park_id", "simhash"])


def downgrade() -> None:
    _rebuild(["id"])
