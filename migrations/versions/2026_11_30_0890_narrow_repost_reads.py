"""intel: MinHash signatures in their own table; band keys indexed with their documents

Revision ID: 0890
Revises: 0880
Create Date: 2026-11-30 15:40:00

Repost lookups read thousands of signatures a chunk. In the document row, each read
on SQLite went through the row's raw bytes and text first; in a narrow table of its
own a page holds a dozen signatures. The band-key index also carries the document
id, so candidates are read from the index alone.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0890"
down_revision: str | Sequence[str] | None = "0880"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intel_document_signature",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("shingle_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_document.id"],
            name=op.f("fk_intel_document_signature_document_id_intel_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_intel_document_signature")),
    )
    op.execute(
        "INSERT INTO intel_document_signature (document_id, park_id, minhash, shingle_count)"
        " SELECT id, park_id, minhash, COALESCE(shingle_count, 0) FROM intel_document"
        " WHERE minhash IS NOT NULL"
    )
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch copy of the document table
    # would drop and re-create the table that every fact row refers to.
    op.drop_column("intel_document", "minhash")
    op.drop_column("intel_document", "shingle_count")
    op.drop_index("ix_intel_document_band_key", table_name="intel_document_band")
    op.create_index("ix_intel_document_band_key", "intel_document_band", ["key", "document_id"])


def downgrade() -> None:
    op.drop_index("ix_intel_document_band_key", table_name="intel_document_band")
    op.create_index("ix_intel_document_band_key", "intel_document_band", ["key"])
    op.add_column("intel_document", sa.Column("minhash", sa.LargeBinary(), nullable=True))
    op.add_column("intel_document", sa.Column("shingle_count", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE intel_document SET"
        " minhash = (SELECT s.minhash FROM intel_document_signature s"
        " WHERE s.document_id = intel_document.id),"
        " shingle_count = (SELECT s.shingle_count FROM intel_document_signature s"
        " WHERE s.document_id = intel_document.id)"
    )
    op.drop_table("intel_document_signature")
