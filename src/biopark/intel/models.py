"""Stored intelligence: documents (raw bytes kept), extracted facts, clusters, corrections.

Raw bytes live in the database next to their document row (capped by the
fetcher): one transaction stores bytes, text and facts together, a backup of
the database is a backup of the corpus, and re-extraction never depends on
files that may have moved.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime

STATUS_OK = "ok"
STATUS_FAILED = "failed"

# Review states of a fact; corrections are re-applied after re-extraction.
EXTRACTED, CONFIRMED, CORRECTED, REJECTED = "extracted", "confirmed", "corrected", "rejected"
REVIEW_STATES = (EXTRACTED, CONFIRMED, CORRECTED, REJECTED)


class IntelDocument(IdMixin, TimestampMixin, ParkMixin, Base):
    __tablename__ = "intel_document"
    __table_args__ = (
        UniqueConstraint("park_id", "content_hash", name="uq_intel_document_hash"),
        # Repost lookups read the first documents of a band value in id order, with
        # their park and simhash from the index alone (migration 0900).
        *(
            Index(f"ix_intel_document_band{n}", f"band{n}", "id", "park_id", "simhash")
            for n in range(4)
        ),
    )

    # sha256 of the raw bytes; NULL for a fetch that returned no bytes at all.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Deferred: lists and searches never need the bytes, only re-extraction does.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    origin: Mapped[str] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10), default=STATUS_OK)
    error: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[date | None] = mapped_column(Date, index=True)
    source: Mapped[str | None] = mapped_column(String(200), index=True)
    language: Mapped[str | None] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text, default="")
    # 64-bit simhash stored signed (BigInteger), and its four 16-bit bands for candidate lookup.
    simhash: Mapped[int | None] = mapped_column(BigInteger)
    band0: Mapped[int | None] = mapped_column(Integer)
    band1: Mapped[int | None] = mapped_column(Integer)
    band2: Mapped[int | None] = mapped_column(Integer)
    band3: Mapped[int | None] = mapped_column(Integer)
    cluster_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ingested_by: Mapped[str] = mapped_column(String(60), default="system")
    indexed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class IntelDocumentSignature(Base):
    """A document's MinHash signature (64 uint32 values) and the shingle count it was built from.

    Kept apart from the document row: repost lookups read thousands of signatures a
    chunk, and on SQLite reading a column of the document row reads the row, raw
    bytes and text included, page by page. `park_id` repeats the document's, so that
    candidates of other parks are dropped without reading their documents.
    """

    __tablename__ = "intel_document_signature"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), primary_key=True
    )
    park_id: Mapped[int] = mapped_column(Integer)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    shingle_count: Mapped[int] = mapped_column(Integer)


class IntelDocumentBand(IdMixin, Base):
    """One LSH band key of a document's MinHash: documents sharing a key are repost candidates."""

    __tablename__ = "intel_document_band"
    # Candidates are read by key; the document ids come from the index alone.
    __table_args__ = (Index("ix_intel_document_band_key", "key", "document_id"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[int] = mapped_column(BigInteger)


class IntelFullKey(Base):
    """An LSH band key that holds BAND_CAP documents of a park, with those documents.

    A full key takes no more documents, so its members never change. A batch reads
    them in one row instead of one band-index entry each: at 100,000 documents of
    templated news nearly every key of a new document is full, and a 400-document
    run read 95,000 entries for 8,000 keys.
    """

    __tablename__ = "intel_full_key"

    park_id: Mapped[int] = mapped_column(
        ForeignKey("park.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # Document ids as little-endian int64 values.
    members: Mapped[bytes] = mapped_column(LargeBinary)


class IntelMetric(IdMixin, ParkMixin, Base):
    __tablename__ = "intel_metric"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(24, 4))
    unit: Mapped[str] = mapped_column(String(20), index=True)
    qualifier: Mapped[str] = mapped_column(String(10))
    period: Mapped[str | None] = mapped_column(String(40))
    forecast: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[str | None] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    review: Mapped[str] = mapped_column(String(10), default=EXTRACTED)


class IntelEntity(IdMixin, ParkMixin, Base):
    __tablename__ = "intel_entity"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    mentions: Mapped[int] = mapped_column(Integer, default=1)
    # Other names of the same company ("\n短名\nEnglish Name\n"), so lookups by any form find it.
    aliases: Mapped[str] = mapped_column(Text, default="", server_default="")
    # First mention in the cleaned text (-1 when the name was normalised away from the text).
    start: Mapped[int] = mapped_column(Integer, default=-1)
    end: Mapped[int] = mapped_column(Integer, default=-1)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    review: Mapped[str] = mapped_column(String(10), default=EXTRACTED)


class IntelEvent(IdMixin, ParkMixin, Base):
    __tablename__ = "intel_event"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(40), index=True)
    event_date: Mapped[date | None] = mapped_column(Date)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    amount_value: Mapped[Decimal | None] = mapped_column(Numeric(24, 4))
    amount_unit: Mapped[str | None] = mapped_column(String(20))
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer, default=-1)
    end: Mapped[int] = mapped_column(Integer, default=-1)
    review: Mapped[str] = mapped_column(String(10), default=EXTRACTED)


class IntelCorrection(IdMixin, TimestampMixin, ParkMixin, Base):
    """An analyst's verdict on a fact, keyed so that it finds the fact again after re-extraction."""

    __tablename__ = "intel_correction"
    __table_args__ = (
        UniqueConstraint(
            "document_id", "kind", "start", "end", "key", name="uq_intel_correction_fact"
        ),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("intel_document.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    # The extracted label (metric), type (event) or name (entity) the verdict was given on.
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(10))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(500))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
