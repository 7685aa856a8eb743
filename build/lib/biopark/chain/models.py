"""The industry chain: a per-park taxonomy of links, enterprises placed on them, candidate firms."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biopark.kit.models import Base, IdMixin, ParkMixin, TimestampMixin


class ChainMap(IdMixin, TimestampMixin, ParkMixin, Base):
    """A park's chain taxonomy; every edit raises the version and keeps a snapshot."""

    __tablename__ = "chain_map"
    __table_args__ = (UniqueConstraint("park_id", "name", name="uq_chain_map_park_name"),)

    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ChainMapVersion(IdMixin, TimestampMixin, ParkMixin, Base):
    """The taxonomy as it was at one version (links as plain data)."""

    __tablename__ = "chain_map_version"
    __table_args__ = (
        UniqueConstraint("map_id", "version", name="uq_chain_map_version_map_version"),
    )

    map_id: Mapped[int] = mapped_column(ForeignKey("chain_map.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(300))
    actor_name: Mapped[str] = mapped_column(String(60), default="system")
    links: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ChainLink(IdMixin, TimestampMixin, ParkMixin, Base):
    """One link (环节) of the chain; `parent_code` makes the tree, `needs` the supply inputs."""

    __tablename__ = "chain_link"
    __table_args__ = (UniqueConstraint("map_id", "code", name="uq_chain_link_map_code"),)

    map_id: Mapped[int] = mapped_column(ForeignKey("chain_map.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    parent_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str | None] = mapped_column(String(100))
    stream: Mapped[str] = mapped_column(String(8))
    cluster: Mapped[str | None] = mapped_column(String(20))
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    needs_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    min_enterprises: Mapped[int] = mapped_column(Integer, default=1)
    modalities: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    description: Mapped[str | None] = mapped_column(Text)


class LinkPlacement(IdMixin, TimestampMixin, ParkMixin, Base):
    """An enterprise placed on a link, optionally as its leading enterprise (龙头企业)."""

    __tablename__ = "chain_placement"
    __table_args__ = (
        UniqueConstraint("link_id", "enterprise_id", name="uq_chain_placement_link_enterprise"),
    )

    link_id: Mapped[int] = mapped_column(
        ForeignKey("chain_link.id", ondelete="CASCADE"), index=True
    )
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprise.id", ondelete="CASCADE"), index=True
    )
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(String(300))


class ChainCandidate(IdMixin, TimestampMixin, ParkMixin, Base):
    """A firm outside the park that could fill a link's gap (补链候选)."""

    __tablename__ = "chain_candidate"
    __table_args__ = (UniqueConstraint("link_id", "name", name="uq_chain_candidate_link_name"),)

    link_id: Mapped[int] = mapped_column(
        ForeignKey("chain_link.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(500))
    contact: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="import")
    batch: Mapped[str | None] = mapped_column(String(40))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
