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
down_revision: str | Sequence[str] | None = "0720"
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
    # ONEWINDOW_TABLES


def downgrade() -> None:
    # ONEWINDOW_DROP
    op.drop_index(op.f("ix_audit_chain_check_checked_at"), table_name="audit_chain_check")
    op.drop_table("audit_chain_check")
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_entry_seq", type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
