"""intel: MinHash signature and LSH band keys for repost clustering

Revision ID: 0660
Revises: 0650
Create Date: 2026-11-29 22:03:12.512691
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0660"
down_revision: str | Sequence[str] | None = "0650"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intel_document_band",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_document.id"],
            name=op.f("fk_intel_document_band_document_id_intel_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_document_band")),
    )
    with op.batch_alter_table("intel_document_band", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intel_document_band_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intel_document_band_key"), ["key"], unique=False)

    with op.batch_alter_table("intel_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minhash", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("shingle_count", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intel_document", schema=None) as batch_op:
        batch_op.drop_column("shingle_count")
        batch_op.drop_column("minhash")

    with op.batch_alter_table("intel_document_band", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intel_document_band_key"))
        batch_op.drop_index(batch_op.f("ix_intel_document_band_document_id"))

    op.drop_table("intel_document_band")
