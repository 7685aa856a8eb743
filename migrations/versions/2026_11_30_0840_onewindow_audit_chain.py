"""one-window service and the hash-chained audit trail

Revision ID: 0840
Revises: 0720
Create Date: 2026-11-30 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from biopark.audit.chain import GENESIS, entry_hash
from biopark.kit.models import UTCDateTime

revision: str = "0840"
down_revision: str | Sequence[str] | None = "0820"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _backfill() -> tuple[int, str]:
    """Chain the existing audit entries in id order; returns the head (seq, hash)."""
    conn = op.get_bind()
    t = sa.table(
        "audit_entry",
        sa.column("id", sa.Integer()),
        sa.column("park_id", sa.Integer()),
        sa.column("actor_name", sa.String()),
        sa.column("action", sa.String()),
        sa.column("entity_type", sa.String()),
        sa.column("entity_id", sa.Integer()),
        sa.column("changes", sa.JSON()),
        sa.column("at", UTCDateTime()),
        sa.column("seq", sa.Integer()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    seq, prev = 0, GENESIS
    updates: list[dict[str, object]] = []
    for row in conn.execute(sa.select(t).order_by(t.c.id)):
        seq += 1
        digest = entry_hash(
            seq=seq,
            prev_hash=prev,
            park_id=row.park_id,
            actor_name=row.actor_name,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            changes=row.changes,
            at=row.at,
        )
        updates.append({"rid": row.id, "s": seq, "p": prev, "h": digest})
        prev = digest
    if updates:
        conn.execute(
            t.update()
            .where(t.c.id == sa.bindparam("rid"))
            .values(seq=sa.bindparam("s"), prev_hash=sa.bindparam("p"), hash=sa.bindparam("h")),
            updates,
        )
    return seq, prev


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    seq, last = _backfill()
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_audit_entry_seq", ["seq"])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.bulk_insert(head, [{"id": 1, "seq": seq, "hash": last}])
    op.create_table(
        "audit_chain_check",
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("broken_seq", sa.Integer(), nullable=True),
        sa.Column("broken_entry_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_check")),
    )
    op.create_index(
        op.f("ix_audit_chain_check_checked_at"), "audit_chain_check", ["checked_at"], unique=False
    )
    op.create_table(
        "onewindow_item",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("zero_material", sa.Boolean(), nullable=False),
        sa.Column("time_limit_days", sa.Integer(), nullable=False),
        sa.Column("department_ids", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_onewindow_item_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onewindow_item")),
        sa.UniqueConstraint("park_id", "code", name="uq_onewindow_item_park_code"),
    )
    with op.batch_alter_table("onewindow_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onewindow_item_park_id"), ["park_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_onewindow_item_zero_material"), ["zero_material"], unique=False
        )

    op.create_table(
        "onewindow_material",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "record",
                "document",
                "submission",
                name="materialkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["onewindow_item.id"],
            name=op.f("fk_onewindow_material_item_id_onewindow_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onewindow_material")),
    )
    with op.batch_alter_table("onewindow_material", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onewindow_material_item_id"), ["item_id"], unique=False
        )

    op.create_table(
        "onewindow_document",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_path", sa.String(length=300), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_onewindow_document_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_onewindow_document_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["app_user.id"],
            name=op.f("fk_onewindow_document_uploaded_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onewindow_document")),
    )
    with op.batch_alter_table("onewindow_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onewindow_document_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_onewindow_document_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_onewindow_document_park_id"), ["park_id"], unique=False
        )

    op.create_table(
        "onewindow_submission",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "processing",
                "approved",
                "returned",
                "rejected",
                name="partstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_onewindow_submission_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["onewindow_item.id"],
            name=op.f("fk_onewindow_submission_item_id_onewindow_item"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_onewindow_submission_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["app_user.id"],
            name=op.f("fk_onewindow_submission_submitted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onewindow_submission")),
        sa.UniqueConstraint("number", name=op.f("uq_onewindow_submission_number")),
    )
    with op.batch_alter_table("onewindow_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onewindow_submission_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_onewindow_submission_item_id"), ["item_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_onewindow_submission_park_id"), ["park_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_onewindow_submission_status"), ["status"], unique=False
        )

    op.create_table(
        "onewindow_part",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "received",
                "processing",
                "approved",
                "returned",
                "rejected",
                name="partstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("acted_by_id", sa.Integer(), nullable=True),
        sa.Column("acted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acted_by_id"],
            ["app_user.id"],
            name=op.f("fk_onewindow_part_acted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_onewindow_part_department_id_department"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_onewindow_part_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["onewindow_submission.id"],
            name=op.f("fk_onewindow_part_submission_id_onewindow_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onewindow_part")),
        sa.UniqueConstraint("submission_id", "department_id", name="uq_onewindow_part_dept"),
    )
    with op.batch_alter_table("onewindow_part", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onewindow_part_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_onewindow_part_park_id"), ["park_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_onewindow_part_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_onewindow_part_submission_id"), ["submission_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("onewindow_part", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onewindow_part_submission_id"))
        batch_op.drop_index(batch_op.f("ix_onewindow_part_status"))
        batch_op.drop_index(batch_op.f("ix_onewindow_part_park_id"))
        batch_op.drop_index(batch_op.f("ix_onewindow_part_department_id"))

    op.drop_table("onewindow_part")
    with op.batch_alter_table("onewindow_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onewindow_submission_status"))
        batch_op.drop_index(batch_op.f("ix_onewindow_submission_park_id"))
        batch_op.drop_index(batch_op.f("ix_onewindow_submission_item_id"))
        batch_op.drop_index(batch_op.f("ix_onewindow_submission_enterprise_id"))

    op.drop_table("onewindow_submission")
    with op.batch_alter_table("onewindow_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onewindow_document_park_id"))
        batch_op.drop_index(batch_op.f("ix_onewindow_document_kind"))
        batch_op.drop_index(batch_op.f("ix_onewindow_document_enterprise_id"))

    op.drop_table("onewindow_document")
    with op.batch_alter_table("onewindow_material", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onewindow_material_item_id"))

    op.drop_table("onewindow_material")
    with op.batch_alter_table("onewindow_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onewindow_item_zero_material"))
        batch_op.drop_index(batch_op.f("ix_onewindow_item_park_id"))

    op.drop_table("onewindow_item")
    op.drop_index(op.f("ix_audit_chain_check_checked_at"), table_name="audit_chain_check")
    op.drop_table("audit_chain_check")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_entry_seq", type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
