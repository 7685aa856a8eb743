"""一窗综办: the service-item catalogue, documents on file, submissions and department parts.

One submission of an item goes to every department the item involves; each department
works its own part with its own status, and the submission's status follows from them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime


class MaterialKind(enum.StrEnum):
    # A field of the enterprise record (一企一档), e.g. the credit code.
    record = "record"
    # A document kind kept on file (business licence, permits); uploaded once, then reused.
    document = "document"
    # The result of an earlier approved submission of another item.
    submission = "submission"


MATERIAL_KIND_LABELS = {
    MaterialKind.record: "企业档案信息",
    MaterialKind.document: "证照材料",
    MaterialKind.submission: "前序办件结果",
}


class PartStatus(enum.StrEnum):
    received = "received"
    processing = "processing"
    approved = "approved"
    returned = "returned"
    rejected = "rejected"


PART_STATUS_LABELS = {
    PartStatus.received: "已接收",
    PartStatus.processing: "办理中",
    PartStatus.approved: "已办结",
    PartStatus.returned: "退回补正",
    PartStatus.rejected: "不予办理",
}
FINAL_PART = {PartStatus.approved, PartStatus.rejected}


class ServiceItem(IdMixin, TimestampMixin, ParkMixin, Base):
    """One item of the catalogue (事项清单)."""

    __tablename__ = "onewindow_item"
    __table_args__ = (UniqueConstraint("park_id", "code", name="uq_onewindow_item_park_code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    zero_material: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    time_limit_days: Mapped[int] = mapped_column(Integer, default=5)
    department_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    materials: Mapped[list[ItemMaterial]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ItemMaterial.position"
    )


class ItemMaterial(IdMixin, Base):
    """A material an item needs; `source` is the record field, document kind or item code."""

    __tablename__ = "onewindow_material"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("onewindow_item.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[MaterialKind] = mapped_column(Enum(MaterialKind, native_enum=False, length=20))
    source: Mapped[str] = mapped_column(String(120))

    item: Mapped[ServiceItem] = relationship(back_populates="materials")


class OnFileDocument(IdMixin, TimestampMixin, ParkMixin, Base):
    """A document an enterprise has handed in once (licence, permit), reused afterwards."""

    __tablename__ = "onewindow_document"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(120), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(300))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )


class Submission(IdMixin, TimestampMixin, ParkMixin, Base):
    """One application of an enterprise for an item, shared by the departments involved."""

    __tablename__ = "onewindow_submission"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("onewindow_item.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[PartStatus] = mapped_column(
        Enum(PartStatus, native_enum=False, length=20), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    # What was used for each material: [{name, kind, source, reused, value|document_id}].
    materials: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    item: Mapped[ServiceItem] = relationship()
    parts: Mapped[list[SubmissionPart]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionPart.id"
    )


class SubmissionPart(IdMixin, TimestampMixin, ParkMixin, Base):
    """One department's share of a submission, with its own status."""

    __tablename__ = "onewindow_part"
    __table_args__ = (
        UniqueConstraint("submission_id", "department_id", name="uq_onewindow_part_dept"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("onewindow_submission.id", ondelete="CASCADE"), index=True
    )
    department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[PartStatus] = mapped_column(
        Enum(PartStatus, native_enum=False, length=20), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    acted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission: Mapped[Submission] = relationship(back_populates="parts")
