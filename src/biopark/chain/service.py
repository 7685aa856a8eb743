"""The industry-chain map of a park: taxonomy, placements, coverage, gaps and candidates."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.chain import graph, news
from biopark.chain.models import ChainCandidate, ChainLink, ChainMap, ChainMapVersion, LinkPlacement
from biopark.enterprises.models import Enterprise
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.intel.service import access as intel_access
from biopark.investment.models import OPEN_STAGES, Project
from biopark.pipeline import service as pipeline

DEFAULT_CHAIN = Path(__file__).resolve().parent / "default_chain.json"

READERS = {Role.admin, Role.leader, Role.investment_officer, Role.commissioner, Role.analyst}
# The chain map is the investment team's working tool: they place firms and shape the links.
EDITORS = {Role.admin, Role.investment_officer}
# Candidate lists come from the investment team and from analysts' market scans.
IMPORTERS = {Role.admin, Role.investment_officer, Role.analyst}

LINK_FIELDS = (
    "code",
    "parent_code",
    "name",
    "name_en",
    "stream",
    "cluster",
    "needs",
    "needs_leader",
    "min_enterprises",
    "modalities",
)


def _need(user: User, roles: set[Role]) -> None:
    if user.role not in roles:
        raise Forbidden()


def can_edit(user: User) -> bool:
    """Whether the user may change the taxonomy and placements."""
    return user.role in EDITORS


def can_import(user: User) -> bool:
    """Whether the user may import candidate firms."""
    return user.role in IMPORTERS


# -- taxonomy -----------------------------------------------------------------------------


def _spec(link: ChainLink) -> graph.LinkSpec:
    return graph.LinkSpec(
        code=link.code,
        name=link.name,
        stream=link.stream,
        parent=link.parent_code,
        cluster=link.cluster,
        needs=tuple(link.needs or ()),
        needs_leader=link.needs_leader,
        min_enterprises=link.min_enterprises,
        modalities=tuple(link.modalities or ()),
        name_en=link.name_en,
    )


def _snapshot(
    session: Session, *, chain: ChainMap, actor: User | None, note: str | None
) -> ChainMapVersion:
    links = _links(session, chain)
    version = ChainMapVersion(
        park_id=chain.park_id,
        map_id=chain.id,
        version=chain.version,
        note=note,
        actor_name=actor.username if actor else "system",
        links=[{k: getattr(link, k) for k in LINK_FIELDS} for link in links],
    )
    session.add(version)
    return version


def ensure_map(session: Session, *, park_id: int, actor: User | None = None) -> ChainMap:
    """The park's chain map, created from the default innovative-drug taxonomy on first use."""
    chain = session.scalar(select(ChainMap).where(ChainMap.park_id == park_id))
    if chain is not None:
        return chain
    data = json.loads(DEFAULT_CHAIN.read_text(encoding="utf-8"))
    graph.build_tree(_specs_of(data["links"]))
    chain = ChainMap(park_id=park_id, name=data["name"], name_en=data.get("name_en"), version=1)
    session.add(chain)
    session.flush()
    for position, item in enumerate(data["links"]):
        session.add(
            ChainLink(
                park_id=park_id,
                map_id=chain.id,
                code=item["code"],
                parent_code=item.get("parent"),
                name=item["name"],
                name_en=item.get("name_en"),
                stream=item["stream"],
                cluster=item.get("cluster"),
                needs=list(item.get("needs", [])),
                needs_leader=bool(item.get("needs_leader", False)),
                min_enterprises=int(item.get("min_enterprises", 1)),
                modalities=list(item.get("modalities", [])),
                position=position,
            )
        )
    session.flush()
    _snapshot(session, chain=chain, actor=actor, note="默认创新药产业链")
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="chain_map",
        entity_id=chain.id,
        park_id=park_id,
        changes={"name": chain.name, "version": 1},
    )
    return chain


def _specs_of(items: list[dict[str, Any]]) -> list[graph.LinkSpec]:
    return [
        graph.LinkSpec(
            code=i["code"],
            name=i["name"],
            stream=i["stream"],
            parent=i.get("parent"),
            needs=tuple(i.get("needs", ())),
            min_enterprises=int(i.get("min_enterprises", 1)),
            modalities=tuple(i.get("modalities", ())),
        )
        for i in items
    ]


def _links(session: Session, chain: ChainMap) -> list[ChainLink]:
    stmt = (
        select(ChainLink)
        .where(ChainLink.map_id == chain.id)
        .order_by(ChainLink.position, ChainLink.id)
    )
    return list(session.scalars(stmt))


def _link(session: Session, *, user: User, link_id: int) -> ChainLink:
    link = session.get(ChainLink, link_id)
    if link is None or link.park_id != user.park_id:
        raise NotFound("产业链环节不存在", en="Chain link not found")
    return link


# -- coverage -----------------------------------------------------------------------------


# Link names join their parts with these ("抗体与ADC", "化学原料药及制剂"); a part names the link too.
_NAME_JOINERS = re.compile(r"[与及和、/&＆,，]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def link_for_text(links: list[ChainLink], text: str | None) -> ChainLink | None:
    """The link a free-text chain link (as typed on an investment project) refers to.

    The rule: the text, with spaces removed and case ignored, equals a link's code
    or name; otherwise it contains a part of a link's name (the name split at
    与/及/和/、, parts of two or more characters; "抗体药物" -> 抗体与ADC), and the
    longest such part wins, ties going to the earlier link (pass leaves first). Text
    that names no link matches nothing.
    """
    key = _norm(text or "")
    if not key:
        return None
    for link in links:
        if key in (_norm(link.code), _norm(link.name)):
            return link
    best: tuple[int, int, ChainLink] | None = None
    for index, link in enumerate(links):
        for part in _NAME_JOINERS.split(link.name):
            part = _norm(part)
            # Longer parts are more specific; on a tie the earlier link (a leaf) wins.
            if len(part) >= 2 and part in key and (best is None or (len(part), -index) > best[:2]):
                best = (len(part), -index, link)
    return best[2] if best else None


def leaves_first(links: list[ChainLink]) -> list[ChainLink]:
    """Links with leaves first, so that equally good text matches go to the more specific one."""
    parents = {link.parent_code for link in links}
    return sorted(links, key=lambda link: (link.code not in parents, link.position))


def link_choices(session: Session, *, park_id: int) -> list[ChainLink]:
    """The park's links in display order, for a form's select."""
    return _links(session, ensure_map(session, park_id=park_id))


def project_counts(session: Session, *, park_id: int) -> dict[str, int]:
    """Open investment projects (线索 to 开工) per link code, each project on one link.

    Projects count on their `chain_link_id`, grouped in SQL. Legacy rows without one
    fall back to their `chain_link` text matched by `link_for_text`, then their
    `chain` text (e.g. "生物药").
    """
    chain = ensure_map(session, park_id=park_id)
    links = _links(session, chain)
    code_of = {link.id: link.code for link in links}
    open_here = (Project.park_id == park_id, Project.stage.in_(OPEN_STAGES))
    counts: dict[str, int] = {}
    keyed = (
        select(Project.chain_link_id, func.count())
        .where(*open_here, Project.chain_link_id.is_not(None))
        .group_by(Project.chain_link_id)
    )
    for link_id, n in session.execute(keyed):
        if link_id in code_of:
            counts[code_of[link_id]] = counts.get(code_of[link_id], 0) + n
    # Legacy rows repeat a handful of texts: match each distinct pair once, not each row.
    legacy = (
        select(Project.chain_link, Project.chain, func.count())
        .where(*open_here, Project.chain_link_id.is_(None))
        .group_by(Project.chain_link, Project.chain)
    )
    ordered = leaves_first(links)
    for chain_link, chain_name, n in session.execute(legacy):
        link = link_for_text(ordered, chain_link) or link_for_text(ordered, chain_name)
        if link is not None:
            counts[link.code] = counts.get(link.code, 0) + n
    return counts


def project_link_values(
    session: Session, *, park_id: int, values: dict[str, Any], current: Project | None = None
) -> dict[str, Any]:
    """Project field values with `chain_link_id` checked, or found from the chain texts.

    A chosen id must be a link of the park's chain (its name then becomes the text);
    otherwise, when the texts change, the link they name (if any) is kept by id so
    that renaming the link later does not lose the project.
    """
    out = dict(values)
    if out.get("chain_link_id") is not None:
        link = session.get(ChainLink, out["chain_link_id"])
        if link is None or link.park_id != park_id:
            raise ValidationFailed("产业链环节不存在", en="No such chain link")
        out["chain_link"] = link.name
        return out
    cleared = "chain_link_id" in out
    if cleared and "chain_link" not in out and current is not None and current.chain_link_id:
        # The form's select was emptied on purpose: the project leaves its link.
        out["chain_link"] = None
        return out
    if not cleared and not ({"chain_link", "chain"} & out.keys()):
        return out
    text = out.get("chain_link", current.chain_link if current else None)
    chain_text = out.get("chain", current.chain if current else None)
    ordered = leaves_first(_links(session, ensure_map(session, park_id=park_id)))
    found = link_for_text(ordered, text) or link_for_text(ordered, chain_text)
    out["chain_link_id"] = found.id if found else None
    return out


@dataclass
class Overview:
    """Everything the map, the gap list and the link pages need, computed once."""

    chain: ChainMap
    tree: graph.Tree
    links: dict[str, ChainLink]
    scores: dict[str, graph.LinkScore]
    placements: dict[str, list[graph.Placed]]
    # Active park drugs per (modality, stage): the table's and the cluster cards' one source.
    drug_stages: dict[tuple[str, str], int] = field(default_factory=dict)


def overview(session: Session, *, park_id: int) -> Overview:
    """The park's chain with placements, drug and project counts and gap scores."""
    chain = ensure_map(session, park_id=park_id)
    links = _links(session, chain)
    tree = graph.build_tree(_spec(link) for link in links)
    by_id = {link.id: link.code for link in links}
    placements: dict[str, list[graph.Placed]] = {}
    stmt = (
        select(LinkPlacement, Enterprise)
        .join(Enterprise, Enterprise.id == LinkPlacement.enterprise_id)
        .where(LinkPlacement.park_id == park_id)
        .order_by(Enterprise.name)
    )
    for placement, ent in session.execute(stmt):
        code = by_id.get(placement.link_id)
        if code is not None:
            placements.setdefault(code, []).append(
                graph.Placed(ent.id, ent.short_name or ent.name, placement.is_leader)
            )
    drug_stages = pipeline.modality_stage_counts(session, park_id=park_id)
    drugs = {
        code: sum(n for (m, _), n in drug_stages.items() if m in tree.links[code].modalities)
        for code in tree.leaves()
    }
    scores = graph.score_tree(
        tree, placements, drugs=drugs, projects=project_counts(session, park_id=park_id)
    )
    return Overview(
        chain=chain,
        tree=tree,
        links={link.code: link for link in links},
        scores=scores,
        placements=placements,
        drug_stages=drug_stages,
    )


def overview_for(session: Session, *, user: User) -> Overview:
    """The chain overview for a reader of the user's park."""
    _need(user, READERS)
    return overview(session, park_id=user.park_id)


def coverage(ov: Overview, code: str) -> dict[str, Any]:
    """One link's fields with its coverage, as plain data for schemas and templates."""
    link = ov.links[code]
    sc = ov.scores[code]
    out: dict[str, Any] = {k: getattr(link, k) for k in LINK_FIELDS}
    out.update(
        id=link.id,
        enterprises=sc.enterprises,
        leaders=sc.leaders,
        drugs=sc.drugs,
        projects=sc.projects,
        score=sc.score,
        level=sc.level,
        reasons=[r.__dict__ for r in sc.reasons],
    )
    return out


def map_data(session: Session, *, user: User) -> dict[str, Any]:
    """The map as JSON-ready data: links in display order with coverage."""
    ov = overview_for(session, user=user)
    return {
        "id": ov.chain.id,
        "name": ov.chain.name,
        "version": ov.chain.version,
        "links": [coverage(ov, c) for c in ov.tree.walk()],
    }


def echarts_data(
    ov: Overview, *, lang: str = "zh", cluster: str | None = None
) -> dict[str, object]:
    """The chain as an ECharts tree, labelled in the language, optionally one cluster only."""
    ids = {code: link.id for code, link in ov.links.items()}
    english = lang == "en"
    root = (ov.chain.name_en or ov.chain.name) if english else ov.chain.name
    keep = graph.cluster_codes(ov.tree, cluster) if cluster else None
    return graph.echarts_tree(
        ov.tree, ov.scores, root_name=root, ids=ids, english=english, keep=keep
    )


def link_detail(session: Session, *, user: User, link_id: int) -> dict[str, Any]:
    """What is behind one link: its enterprises, leaders, drugs, candidates and gap reasons."""
    _need(user, READERS)
    link = _link(session, user=user, link_id=link_id)
    ov = overview(session, park_id=user.park_id)
    codes = [link.code, *ov.tree.walk(link.code)]
    ids = [ov.links[c].id for c in codes]
    stmt = (
        select(LinkPlacement, Enterprise)
        .join(Enterprise, Enterprise.id == LinkPlacement.enterprise_id)
        .where(LinkPlacement.link_id.in_(ids))
        .order_by(LinkPlacement.is_leader.desc(), Enterprise.name)
    )
    seen: set[int] = set()
    enterprises = []
    for placement, ent in session.execute(stmt):
        if ent.id in seen:
            continue
        seen.add(ent.id)
        enterprises.append(
            {
                "enterprise_id": ent.id,
                "name": ent.name,
                "short_name": ent.short_name,
                "cluster": ent.cluster,
                "is_leader": placement.is_leader,
            }
        )
    modalities = [m for c in codes for m in ov.tree.links[c].modalities]
    drugs = [
        {
            "id": d.id,
            "name": d.name,
            "code": d.code,
            "company": pipeline.company_of(session, d),
            "modality": d.modality,
            "stage": d.stage.value,
        }
        for d in pipeline.drugs_with_modalities(
            session, park_id=user.park_id, modalities=modalities
        )
    ]
    return {
        "link": coverage(ov, link.code),
        "enterprises": enterprises,
        "drugs": drugs,
        "candidates": candidates(
            session, park_id=user.park_id, link_ids=ids, with_news=sees_news(user)
        ),
        "children": [coverage(ov, c) for c in ov.tree.children.get(link.code, [])],
        "parent": coverage(ov, link.parent_code) if link.parent_code else None,
    }


def place_enterprise(
    session: Session,
    *,
    user: User,
    link_id: int,
    enterprise_id: int,
    is_leader: bool = False,
    note: str | None = None,
) -> LinkPlacement:
    """Put an enterprise of the park on a link (or change its leader flag)."""
    _need(user, EDITORS)
    link = _link(session, user=user, link_id=link_id)
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.park_id != user.park_id:
        raise NotFound("企业不存在", en="Enterprise not found")
    placement = session.scalar(
        select(LinkPlacement).where(
            LinkPlacement.link_id == link.id, LinkPlacement.enterprise_id == ent.id
        )
    )
    action = "update"
    if placement is None:
        placement = LinkPlacement(
            park_id=user.park_id, link_id=link.id, enterprise_id=ent.id, is_leader=is_leader
        )
        session.add(placement)
        action = "place"
    placement.is_leader = is_leader
    placement.note = note
    session.flush()
    audit.record(
        session,
        actor=user,
        action=action,
        entity_type="chain_link",
        entity_id=link.id,
        park_id=link.park_id,
        changes={"enterprise": ent.name, "is_leader": is_leader},
    )
    return placement


def remove_placement(session: Session, *, user: User, link_id: int, enterprise_id: int) -> None:
    """Take an enterprise off a link."""
    _need(user, EDITORS)
    link = _link(session, user=user, link_id=link_id)
    placement = session.scalar(
        select(LinkPlacement).where(
            LinkPlacement.link_id == link.id, LinkPlacement.enterprise_id == enterprise_id
        )
    )
    if placement is None:
        raise NotFound("该企业不在此环节", en="Enterprise not on this link")
    session.delete(placement)
    audit.record(
        session,
        actor=user,
        action="unplace",
        entity_type="chain_link",
        entity_id=link.id,
        park_id=link.park_id,
        changes={"enterprise_id": enterprise_id},
    )


def links_of_enterprise(session: Session, *, park_id: int, enterprise_id: int) -> list[ChainLink]:
    """The links an enterprise is placed on."""
    stmt = (
        select(ChainLink)
        .join(LinkPlacement, LinkPlacement.link_id == ChainLink.id)
        .where(LinkPlacement.park_id == park_id, LinkPlacement.enterprise_id == enterprise_id)
        .order_by(ChainLink.position)
    )
    return list(session.scalars(stmt))


# -- candidates ----------------------------------------------------------------------


def imported_candidates(
    session: Session, *, park_id: int, link_ids: list[int]
) -> list[dict[str, Any]]:
    """Imported candidate firms of the links, by name, in one query."""
    stmt = (
        select(ChainCandidate)
        .where(ChainCandidate.park_id == park_id, ChainCandidate.link_id.in_(link_ids))
        .order_by(ChainCandidate.name)
    )
    return [
        {
            "id": c.id,
            "link_id": c.link_id,
            "name": c.name,
            "region": c.region,
            "reason": c.reason,
            "contact": c.contact,
            "source": c.source,
        }
        for c in session.scalars(stmt)
    ]


def add_news_candidates(
    rows: list[dict[str, Any]], links: list[ChainLink], found: list[news.NewsLead]
) -> list[dict[str, Any]]:
    """The rows followed by the news leads that fit the links, each firm once."""
    out = list(rows)
    seen = {c["name"] for c in out}
    for link in links:
        for row in news.for_link(link, found):
            if row["name"] not in seen:
                seen.add(row["name"])
                out.append(row)
    return out


def candidates(
    session: Session,
    *,
    park_id: int,
    link_ids: list[int],
    with_news: bool = True,
    found: list[news.NewsLead] | None = None,
) -> list[dict[str, Any]]:
    """Imported candidate firms of the links, then those seen in the news (once per firm)."""
    out = imported_candidates(session, park_id=park_id, link_ids=link_ids)
    if not with_news:
        return out
    if found is None:
        found = news.leads(session, park_id=park_id)
    return add_news_candidates(
        out, _links_by_ids(session, park_id=park_id, link_ids=link_ids), found
    )


def _links_by_ids(session: Session, *, park_id: int, link_ids: list[int]) -> list[ChainLink]:
    stmt = select(ChainLink).where(ChainLink.park_id == park_id, ChainLink.id.in_(link_ids))
    order = {link_id: i for i, link_id in enumerate(link_ids)}
    return sorted(session.scalars(stmt), key=lambda link: order[link.id])


def sees_news(user: User) -> bool:
    """Whether the user may see candidates from the news (they link to intel documents)."""
    return user.role in intel_access.READERS


def candidates_from_news(session: Session, *, park_id: int, link_id: int) -> list[dict[str, Any]]:
    """Companies the intelligence engine has seen in the park's news that could fill this link.

    Companies of `intel.service.facts.companies_in_news` (in the news, not registered
    enterprises of the park) whose news context fits the link; the rule is in
    `chain.news`. Each is a candidate row with source "news", its mention count, and
    its source documents ({"id", "title"}, for /intel/documents/{id}).
    """
    link = session.get(ChainLink, link_id)
    if link is None or link.park_id != park_id:
        return []
    return news.for_link(link, news.leads(session, park_id=park_id))
