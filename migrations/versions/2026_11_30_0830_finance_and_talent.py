"""finance and talent

Revision ID: 0830
Revises: 0720
Create Date: 2026-11-30 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import biopark.kit.models

revision: str = "0830"
down_revision: str | Sequence[str] | None = "0850"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "finance_product",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("amount_min", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("amount_max", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("rate_text", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_finance_product_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_product")),
        sa.UniqueConstraint("park_id", "name", name="uq_finance_product_park_name"),
    )
    with op.batch_alter_table("finance_product", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_product_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_finance_product_park_id"), ["park_id"], unique=False)

    op.create_table(
        "talent_event",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"], ["park.id"], name=op.f("fk_talent_event_park_id_park"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_event")),
    )
    with op.batch_alter_table("talent_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_talent_event_park_id"), ["park_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_talent_event_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "talent_service",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_talent_service_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_service")),
        sa.UniqueConstraint("park_id", "name", name="uq_talent_service_park_name"),
    )
    with op.batch_alter_table("talent_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_talent_service_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_talent_service_park_id"), ["park_id"], unique=False)

    op.create_table(
        "financing_need",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("posted_by_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "posted",
                "referred",
                "granted",
                "declined",
                "withdrawn",
                name="needstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("posted_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("referred_to", sa.String(length=200), nullable=True),
        sa.Column("referral_note", sa.Text(), nullable=True),
        sa.Column("referred_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("referred_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_amount", sa.Numeric(precision=20, scale=2), nullable=True),
        sa.Column("granted_by", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("withdrawn_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_financing_need_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_financing_need_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["posted_by_id"],
            ["app_user.id"],
            name=op.f("fk_financing_need_posted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["finance_product.id"],
            name=op.f("fk_financing_need_product_id_finance_product"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referred_by_id"],
            ["app_user.id"],
            name=op.f("fk_financing_need_referred_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_need")),
    )
    with op.batch_alter_table("financing_need", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_financing_need_decided_on"), ["decided_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_financing_need_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_financing_need_park_id"), ["park_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_financing_need_posted_at"), ["posted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_financing_need_product_id"), ["product_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_financing_need_status"), ["status"], unique=False)

    op.create_table(
        "talent_application",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "accepted",
                "approved",
                "rejected",
                "withdrawn",
                name="appstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("applicant_name", sa.String(length=60), nullable=False),
        sa.Column("applicant_title", sa.String(length=60), nullable=True),
        sa.Column("education", sa.String(length=10), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("enterprise_snapshot", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("submitted_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("respond_due_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_due_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "respond_escalated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "close_escalated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_talent_application_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_talent_application_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["talent_service.id"],
            name=op.f("fk_talent_application_service_id_talent_service"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["app_user.id"],
            name=op.f("fk_talent_application_submitted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_application")),
    )
    with op.batch_alter_table("talent_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talent_application_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_application_park_id"), ["park_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_application_service_id"), ["service_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_talent_application_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_talent_application_submitted_at"), ["submitted_at"], unique=False
        )

    op.create_table(
        "talent_registration",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("attendee_name", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", biopark.kit.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprise.id"],
            name=op.f("fk_talent_registration_enterprise_id_enterprise"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["talent_event.id"],
            name=op.f("fk_talent_registration_event_id_talent_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["park_id"],
            ["park.id"],
            name=op.f("fk_talent_registration_park_id_park"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_talent_registration_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_talent_registration")),
        sa.UniqueConstraint(
            "event_id", "enterprise_id", "attendee_name", name="uq_talent_registration_attendee"
        ),
    )
    with op.batch_alter_table("talent_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_talent_registration_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_registration_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_talent_registration_park_id"), ["park_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("talent_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_registration_park_id"))
        batch_op.drop_index(batch_op.f("ix_talent_registration_event_id"))
        batch_op.drop_index(batch_op.f("ix_talent_registration_enterprise_id"))

    op.drop_table("talent_registration")
    with op.batch_alter_table("talent_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_application_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_talent_application_status"))
        batch_op.drop_index(batch_op.f("ix_talent_application_service_id"))
        batch_op.drop_index(batch_op.f("ix_talent_application_park_id"))
        batch_op.drop_index(batch_op.f("ix_talent_application_enterprise_id"))

    op.drop_table("talent_application")
    with op.batch_alter_table("financing_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_need_status"))
        batch_op.drop_index(batch_op.f("ix_financing_need_product_id"))
        batch_op.drop_index(batch_op.f("ix_financing_need_posted_at"))
        batch_op.drop_index(batch_op.f("ix_financing_need_park_id"))
        batch_op.drop_index(batch_op.f("ix_financing_need_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_financing_need_decided_on"))

    op.drop_table("financing_need")
    with op.batch_alter_table("talent_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_service_park_id"))
        batch_op.drop_index(batch_op.f("ix_talent_service_kind"))

    op.drop_table("talent_service")
    with op.batch_alter_table("talent_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_talent_event_starts_at"))
        batch_op.drop_index(batch_op.f("ix_talent_event_park_id"))

    op.drop_table("talent_event")
    with op.batch_alter_table("finance_product", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_product_park_id"))
        batch_op.drop_index(batch_op.f("ix_finance_product_kind"))

    op.drop_table("finance_product")
