"""Editing the chain taxonomy: every change is checked as a whole and makes a new version."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.chain import graph
from biopark.chain.models import ChainCandidate, ChainLink, ChainMap, ChainMapVersion, LinkPlacement
from biopark.chain.schemas import LinkCreate, LinkUpdate
from biopark.chain.service import (
    EDITORS,
    READERS,
    _link,
    _links,
    _need,
    _snapshot,
    _spec,
    ensure_map,
)
from biopark.errors import Conflict, ValidationFailed


def _bump(session: Session, *, chain: ChainMap, user: User, note: str) -> None:
    links = _links(session, chain)
    try:
        graph.build_tree(_spec(link) for link in links)
    except graph.TaxonomyError as exc:
        raise ValidationFailed(f"产业链结构无效：{exc}", en=f"Invalid chain: {exc}") from exc
    chain.version += 1
    session.flush()
    _snapshot(session, chain=chain, actor=user, note=note)


def create_link(session: Session, *, user: User, data: LinkCreate) -> ChainLink:
    """Add a link to the park's chain; the taxonomy gets a new version."""
    _need(user, EDITORS)
    chain = ensure_map(session, park_id=user.park_id, actor=user)
    if session.scalar(
        select(ChainLink.id).where(ChainLink.map_id == chain.id, ChainLink.code == data.code)
    ):
        raise Conflict(f"环节代码已存在：{data.code}", en=f"Link code exists: {data.code}")
    position = (
        session.scalar(select(func.max(ChainLink.position)).where(ChainLink.map_id == chain.id))
        or 0
    ) + 1
    link = ChainLink(park_id=user.park_id, map_id=chain.id, position=position, **data.model_dump())
    session.add(link)
    session.flush()
    _bump(session, chain=chain, user=user, note=f"新增环节 {data.name}")
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type="chain_link",
        entity_id=link.id,
        park_id=link.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    return link


def update_link(session: Session, *, user: User, link_id: int, data: LinkUpdate) -> ChainLink:
    """Change a link's name, inputs and targets; the taxonomy gets a new version."""
    _need(user, EDITORS)
    link = _link(session, user=user, link_id=link_id)
    values = data.model_dump(exclude_unset=True, exclude={"note"})
    for key in ("name", "needs", "needs_leader", "min_enterprises"):
        if key in values and values[key] is None:
            values.pop(key)
    changed = audit.apply_changes(link, values)
    if not changed:
        return link
    chain = session.get(ChainMap, link.map_id)
    assert chain is not None
    _bump(session, chain=chain, user=user, note=data.note or f"修改环节 {link.name}")
    audit.record(
        session,
        actor=user,
        action="update",
        entity_type="chain_link",
        entity_id=link.id,
        park_id=link.park_id,
        changes=changed,
    )
    return link


def delete_link(session: Session, *, user: User, link_id: int) -> None:
    """Remove an empty link (no children, enterprises or candidates are lost silently)."""
    _need(user, EDITORS)
    link = _link(session, user=user, link_id=link_id)
    chain = session.get(ChainMap, link.map_id)
    assert chain is not None
    others = [x for x in _links(session, chain) if x.id != link.id]
    if any(x.parent_code == link.code for x in others):
        raise Conflict("该环节下还有子环节", en="The link has child links")
    if any(link.code in (x.needs or []) for x in others):
        raise Conflict("其他环节以该环节为配套", en="Other links need this link")
    used = session.scalar(
        select(func.count()).select_from(LinkPlacement).where(LinkPlacement.link_id == link.id)
    )
    cands = session.scalar(
        select(func.count()).select_from(ChainCandidate).where(ChainCandidate.link_id == link.id)
    )
    if used or cands:
        raise Conflict(
            "该环节上还有企业或候选企业，请先移除", en="Remove its enterprises and candidates first"
        )
    name = link.name
    session.delete(link)
    session.flush()
    _bump(session, chain=chain, user=user, note=f"删除环节 {name}")
    audit.record(
        session,
        actor=user,
        action="delete",
        entity_type="chain_link",
        entity_id=link_id,
        park_id=user.park_id,
        changes={"name": name},
    )


def versions(session: Session, *, user: User) -> list[ChainMapVersion]:
    """The taxonomy's versions, newest first."""
    _need(user, READERS)
    chain = ensure_map(session, park_id=user.park_id)
    stmt = (
        select(ChainMapVersion)
        .where(ChainMapVersion.map_id == chain.id)
        .order_by(ChainMapVersion.version.desc())
    )
    return list(session.scalars(stmt))
