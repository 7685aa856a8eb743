"""The drug pipeline: drugs, dated milestones with sources, licensing deals, proposed milestones."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin, UTCDateTime
from biopark.pipeline.stages import Stage

MODALITIES = {
    "antibody": ("单克隆抗体", "Antibody"),
    "bispecific": ("双特异性抗体", "Bispecific antibody"),
    "adc": ("抗体偶联药物", "ADC"),
    "vaccine": ("疫苗", "Vaccine"),
    "cell_therapy": ("细胞治疗", "Cell therapy"),
    "gene_therapy": ("基因治疗", "Gene therapy"),
    "peptide": ("多肽", "Peptide"),
    "insulin": ("胰岛素", "Insulin"),
    "small_molecule": ("小分子", "Small molecule"),
    "tcm": ("中药", "TCM"),
    "other": ("其他", "Other"),
}
CURRENCIES = ("CNY", "USD")
STAGE_ENUM = Enum(Stage, native_enum=False, length=20)


class Drug(IdMixin, TimestampMixin, ParkMixin, Base):
    """A drug or candidate; `scope='city'` marks a drug counted for the city, not the park."""

    __tablename__ = "drug"

    name: Mapped[str] = mapped_column(String(120), index=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprise.id", ondelete="SET NULL"), index=True
    )
    company_name: Mapped[str | None] = mapped_column(String(200))
    modality: Mapped[str] = mapped_column(String(20), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    indication: Mapped[str | None] = mapped_column(String(300))
    stage: Mapped[Stage] = mapped_column(STAGE_ENUM, index=True)
    stage_since: Mapped[date | None] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(10), default="park")
    is_innovative: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)


class Milestone(IdMixin, TimestampMixin, ParkMixin, Base):
    """A dated event of a drug, with where it is known from (a document or a person)."""

    __tablename__ = "drug_milestone"

    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(300))
    stage: Mapped[Stage | None] = mapped_column(STAGE_ENUM)
    reason: Mapped[str | None] = mapped_column(String(500))
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    # The intel document once intel is merged; no FK so this package does not depend on it.
    source_document_id: Mapped[int | None] = mapped_column(Integer)
    source_person: Mapped[str | None] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(60), default="system")


class LicensingDeal(IdMixin, TimestampMixin, ParkMixin, Base):
    """A licensing deal (授权许可) for a drug; amounts in the deal's currency."""

    __tablename__ = "drug_deal"

    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str | None] = mapped_column(String(200))
    upfront: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    total: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    signed_on: Mapped[date | None] = mapped_column(Date)
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(1000))


class MilestoneProposal(IdMixin, TimestampMixin, ParkMixin, Base):
    """A milestone proposed from the news, waiting for an analyst to accept or reject it."""

    __tablename__ = "drug_milestone_proposal"

    drug_id: Mapped[int] = mapped_column(ForeignKey("drug.id", ondelete="CASCADE"), index=True)
    source_text: Mapped[str] = mapped_column(Text)
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    source_document_id: Mapped[int | None] = mapped_column(Integer)
    event_type: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    proposed_stage: Mapped[Stage | None] = mapped_column(STAGE_ENUM)
    proposed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug_milestone.id", ondelete="SET NULL")
    )


DEAL_KINDS = {
    "licensing": ("授权许可", "Licensing"),
    "acquisition": ("并购", "Acquisition"),
    "financing": ("融资", "Financing"),
}
DEAL_STATES = ("proposed", "accepted", "rejected")
DEAL_CURRENCIES = ("CNY", "USD", "EUR", "HKD")
REGIONS = {
    "china": ("中国", "China"),
    "greater_china": ("大中华区", "Greater China"),
    "ex_china": ("中国以外", "Outside China"),
    "global": ("全球", "Worldwide"),
    "us": ("美国", "United States"),
    "europe": ("欧洲", "Europe"),
    "asia": ("亚洲其他", "Other Asia"),
    "other": ("其他", "Other"),
}


class Deal(IdMixin, TimestampMixin, ParkMixin, Base):
    """A deal between companies: proposed from the news, then accepted (listed) or rejected.

    party_a is the licensor, acquirer or investor; party_b the licensee, target or
    financed company. Amounts are in the deal's currency.
    """

    __tablename__ = "deal"
    # Ingest looks up the deals on record by their two parties for every chunk; the pair
    # index also serves lookups by party_a alone.
    __table_args__ = (Index("ix_deal_party_a_party_b", "party_a", "party_b"),)

    kind: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(10), default="proposed", index=True)
    party_a: Mapped[str | None] = mapped_column(String(200))
    party_b: Mapped[str | None] = mapped_column(String(200), index=True)
    drug_id: Mapped[int | None] = mapped_column(
        ForeignKey("drug.id", ondelete="SET NULL"), index=True
    )
    asset: Mapped[str | None] = mapped_column(String(200))
    modality: Mapped[str | None] = mapped_column(String(20), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    territory: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(20), index=True)
    upfront: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    total: Mapped[Decimal | None] = mapped_column(Numeric(20, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    signed_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The intel document; no FK so this package does not depend on intel.
    source_document_id: Mapped[int | None] = mapped_column(Integer, index=True)
    source_title: Mapped[str | None] = mapped_column(String(300))
    source_url: Mapped[str | None] = mapped_column(String(1000))
    source_sentence: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(60))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(500))
