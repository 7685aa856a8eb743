"""deals and park aliases

Revision ID: 0820
Revises: 0720
Create Date: 2026-11-30 00:12:43.592365
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import biopark.kit.models

revision: str = "0820"
down_revision: str | Sequence[str] | None = "0720"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deal",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("party_a", sa.String(length=200), nullable=True),
        sa.Column("party_b", sa.String(length=200), nullable=True),
        sa.Column("drug_id", sa.Integer(), nullable=True),
        sa.Column("asset", sa.String(length=200), nullable=True),
        sa.Column("modality", sa.String(length=20), nullable=True),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("territory", sa.String(length=200), nullable=True),
        sa.Column("region", sa.String(length=20), nullable=True),
        sa.Column("upfront", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("total", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("source_document_id", sa.Integer(), nullable=True),
        sa.Column("source_title", sa.String(length=300), nullable=True),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("source_sentence", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=60), nullable=True),
        sa.Column("decided_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drug_id"], ["drug.id"], name=op.f("fk_deal_drug_id_drug"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["park_id"], ["park.id"], name=op.f("fk_deal_park_id_park"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_drug_id"), ["drug_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_modality"), ["modality"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_park_id"), ["park_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_signed_on"), ["signed_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deal_source_document_id"), ["source_document_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deal_status"), ["status"], unique=False)

    with op.batch_alter_table("park", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aliases", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("park", schema=None) as batch_op:
        batch_op.drop_column("aliases")

    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_status"))
        batch_op.drop_index(batch_op.f("ix_deal_source_document_id"))
        batch_op.drop_index(batch_op.f("ix_deal_signed_on"))
        batch_op.drop_index(batch_op.f("ix_deal_region"))
        batch_op.drop_index(batch_op.f("ix_deal_park_id"))
        batch_op.drop_index(batch_op.f("ix_deal_modality"))
        batch_op.drop_index(batch_op.f("ix_deal_kind"))
        batch_op.drop_index(batch_op.f("ix_deal_drug_id"))

    op.drop_table("deal")
