"""Stories carried by several outlets: the park's repost clusters with every document in them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from biopark.accounts.models import User
from biopark.errors import ValidationFailed
from biopark.intel.models import STATUS_OK, IntelDocument
from biopark.intel.service.access import check_read


@dataclass(frozen=True)
class Cluster:
    """One story and the documents (outlets) that carried it, oldest first."""

    id: int
    documents: list[IntelDocument]

    @property
    def size(self) -> int:
        """How many documents carried the story."""
        return len(self.documents)


def list_clusters(session: Session, *, user: User, min_size: int = 2) -> list[Cluster]:
    """The park's clusters of at least min_size documents, largest first."""
    check_read(user)
    if min_size < 1:
        raise ValidationFailed("最小规模至少为 1 / min size must be at least 1")
    in_park = (
        IntelDocument.park_id == user.park_id,
        IntelDocument.status == STATUS_OK,
        IntelDocument.cluster_id.is_not(None),
    )
    big = (
        select(IntelDocument.cluster_id)
        .where(*in_park)
        .group_by(IntelDocument.cluster_id)
        .having(func.count(IntelDocument.id) >= min_size)
    )
    docs = session.scalars(
        select(IntelDocument)
        .options(
            load_only(
                IntelDocument.id,
                IntelDocument.origin,
                IntelDocument.title,
                IntelDocument.source,
                IntelDocument.published_at,
                IntelDocument.cluster_id,
            )
        )
        .where(*in_park, IntelDocument.cluster_id.in_(big))
        .order_by(IntelDocument.id)
    )
    groups: dict[int, list[IntelDocument]] = {}
    for doc in docs:
        groups.setdefault(doc.cluster_id or doc.id, []).append(doc)
    clusters = [Cluster(id=cid, documents=members) for cid, members in groups.items()]
    return sorted(clusters, key=lambda c: (-c.size, c.id))


def cluster_json(cluster: Cluster) -> dict[str, object]:
    """The JSON shape of `biopark intel clusters --json`."""
    return {
        "id": cluster.id,
        "size": cluster.size,
        "documents": [
            {
                "id": d.id,
                "origin": d.origin,
                "title": d.title,
                "source": d.source,
                "published_at": d.published_at.isoformat() if d.published_at else None,
            }
            for d in cluster.documents
        ],
    }
