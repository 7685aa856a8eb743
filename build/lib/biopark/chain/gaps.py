"""Gaps (短板弱项), candidate firms to fill them (补链), their import, and the cluster view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.chain import graph, news
from biopark.chain.imports import CandidateRow, read_candidates
from biopark.chain.models import ChainCandidate, ChainLink
from biopark.chain.schemas import ImportResult
from biopark.chain.service import (
    IMPORTERS,
    Overview,
    _links,
    _need,
    add_news_candidates,
    coverage,
    ensure_map,
    imported_candidates,
    overview,
    overview_for,
    sees_news,
)
from biopark.enterprises.models import CLUSTERS, Enterprise
from biopark.errors import ValidationFailed
from biopark.kit.models import utcnow
from biopark.pipeline import stages
from biopark.pipeline.models import Drug


class ImportRejected(ValidationFailed):
    """A candidate file with bad rows: nothing was imported; `errors` has one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        shown = errors[:50]
        super().__init__(
            "导入未执行，请修正后重新上传：" + "；".join(shown),
            en="Nothing imported; fix these rows: " + "; ".join(shown),
        )


def _gap_rows(
    session: Session, *, ov: Overview, park_id: int, found: list[news.NewsLead] | None
) -> list[dict[str, Any]]:
    # All gap links' candidates in one query, and the news read once: no query per link.
    gaps = graph.gaps(ov.scores, ov.tree)
    imported = imported_candidates(
        session, park_id=park_id, link_ids=[ov.links[sc.code].id for sc in gaps]
    )
    out = []
    for sc in gaps:
        link = ov.links[sc.code]
        rows = [c for c in imported if c["link_id"] == link.id]
        if found is not None:
            rows = add_news_candidates(rows, [link], found)
        out.append({"link": coverage(ov, sc.code), "candidates": rows})
    return out


def gap_list(session: Session, *, user: User) -> list[dict[str, Any]]:
    """Links that are gaps or weak spots, worst first, each with its candidate firms."""
    ov = overview_for(session, user=user)
    found = news.leads(session, park_id=user.park_id) if sees_news(user) else None
    return _gap_rows(session, ov=ov, park_id=user.park_id, found=found)


def gaps_for_park(session: Session, *, park_id: int) -> list[dict[str, Any]]:
    """The gap list of a park without a user (CLI)."""
    ov = overview(session, park_id=park_id)
    return _gap_rows(session, ov=ov, park_id=park_id, found=news.leads(session, park_id=park_id))


def import_candidates(
    session: Session,
    *,
    park_id: int,
    filename: str,
    content: bytes,
    actor: User | None = None,
    is_demo: bool = False,
) -> ImportResult:
    """Import candidate firms from xlsx/csv: every row is checked first, then all or nothing."""
    if actor is not None:
        _need(actor, IMPORTERS)
    chain = ensure_map(session, park_id=park_id, actor=actor)
    links = _links(session, chain)
    keys: dict[str, ChainLink] = {}
    for link in links:
        keys[link.code.lower()] = link
        keys[link.name] = link
    rows, errors = read_candidates(filename, content)
    resolved: list[tuple[CandidateRow, ChainLink]] = []
    for row in rows:
        found = keys.get(row.link.strip()) or keys.get(row.link.strip().lower())
        if found is None:
            errors.append(f"第 {row.line} 行：未知产业链环节“{row.link}”")
            continue
        resolved.append((row, found))
    if errors:
        raise ImportRejected(errors)
    batch = utcnow().strftime("%Y%m%d%H%M%S")
    created = updated = 0
    for row, link in resolved:
        existing = session.scalar(
            select(ChainCandidate).where(
                ChainCandidate.link_id == link.id, ChainCandidate.name == row.name
            )
        )
        values = {"region": row.region, "reason": row.reason, "contact": row.contact}
        if existing is None:
            session.add(
                ChainCandidate(
                    park_id=park_id,
                    link_id=link.id,
                    name=row.name,
                    source="import",
                    batch=batch,
                    is_demo=is_demo,
                    **values,
                )
            )
            created += 1
        else:
            # Blank cells keep what is stored: an import never erases known facts.
            if audit.apply_changes(existing, {k: v for k, v in values.items() if v}):
                existing.batch = batch
                updated += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="import",
        entity_type="chain_candidate",
        entity_id=None,
        park_id=park_id,
        changes={"file": filename, "created": created, "updated": updated, "batch": batch},
    )
    return ImportResult(created=created, updated=updated, batch=batch)


# -- clusters -----------------------------------------------------------------------------


def cluster_view(session: Session, *, user: User) -> list[dict[str, Any]]:
    """Per cluster (生物药, 化学药, 现代中药, 医疗器械): enterprises, leaders, links and drugs."""
    ov = overview_for(session, user=user)
    ents = list(session.scalars(select(Enterprise).where(Enterprise.park_id == user.park_id)))
    drug_rows = session.execute(
        select(Drug.modality, Drug.stage).where(Drug.park_id == user.park_id, Drug.scope == "park")
    ).all()
    modality_cluster: dict[str, str] = {}
    for code in ov.tree.leaves():
        spec = ov.tree.links[code]
        cluster = spec.cluster or graph.cluster_of(ov.tree, code)
        for m in spec.modalities:
            if cluster:
                modality_cluster.setdefault(m, cluster)
    out = []
    for cluster in CLUSTERS[:4]:
        members = [e for e in ents if e.cluster == cluster]
        out.append(
            {
                "cluster": cluster,
                "enterprises": len(members),
                "leaders": sum(1 for e in members if "龙头企业" in (e.tags or [])),
                "links": [
                    ov.links[c].name
                    for c in ov.tree.walk()
                    if graph.cluster_of(ov.tree, c) == cluster
                ],
                "drugs_in_research": sum(
                    1
                    for m, s in drug_rows
                    if modality_cluster.get(m) == cluster and s in stages.IN_RESEARCH
                ),
                "drugs_on_market": sum(
                    1
                    for m, s in drug_rows
                    if modality_cluster.get(m) == cluster and s in stages.ON_MARKET
                ),
                "names": [e.short_name or e.name for e in members],
            }
        )
    return out
