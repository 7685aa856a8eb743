"""The drug pipeline: drugs, stage moves, milestones, deals, funnel counts and proposals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.pagination import Page, paginate
from biopark.parks.models import Park
from biopark.pipeline import stages
from biopark.pipeline.models import Drug, LicensingDeal, Milestone
from biopark.pipeline.schemas import (
    DealCreate,
    DrugCreate,
    DrugUpdate,
    Funnel,
    FunnelRow,
    MilestoneCreate,
    StageChange,
    TimelineEntry,
)
from biopark.pipeline.stages import Stage

READERS = {Role.admin, Role.leader, Role.investment_officer, Role.commissioner, Role.analyst}
# Analysts curate facts from the news, investment officers know their firms' pipelines.
EDITORS = {Role.admin, Role.investment_officer, Role.analyst}
# Accepting a proposal from the news is the analyst's curation step.
DECIDERS = {Role.admin, Role.analyst}


def visible(user: User) -> Select[Drug]:
    """Drugs the user may read: the park's, or only its own enterprise's."""
    stmt = select(Drug).where(Drug.park_id == user.park_id)
    if user.role == Role.enterprise:
        return stmt.where(Drug.enterprise_id == (user.enterprise_id or -1))
    if user.role not in READERS:
        raise Forbidden()
    return stmt


def can_edit(user: User) -> bool:
    """Whether the user may change drugs, milestones and deals."""
    return user.role in EDITORS


def _need_edit(user: User) -> None:
    if user.role not in EDITORS:
        raise Forbidden()


def list_drugs(
    session: Session,
    *,
    user: User,
    q: str | None = None,
    stage: str | None = None,
    modality: str | None = None,
    scope: str | None = None,
    page: int = 1,
    size: int = 50,
) -> Page[Any]:
    """A page of visible drugs, filtered by text, stage, modality and scope."""
    stmt = visible(user)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(
            or_(
                Drug.name.ilike(like),
                Drug.code.ilike(like),
                Drug.target.ilike(like),
                Drug.company_name.ilike(like),
            )
        )
    if stage == "in_research":
        stmt = stmt.where(Drug.stage.in_(stages.IN_RESEARCH))
    elif stage == "clinical":
        stmt = stmt.where(Drug.stage.in_(stages.CLINICAL))
    elif stage == "on_market":
        stmt = stmt.where(Drug.stage.in_(stages.ON_MARKET))
    elif stage:
        stmt = stmt.where(Drug.stage == Stage(stage))
    if modality:
        stmt = stmt.where(Drug.modality == modality)
    if scope:
        stmt = stmt.where(Drug.scope == scope)
    return paginate(session, stmt.order_by(Drug.name, Drug.id), page=page, size=size)


def get_drug(session: Session, *, user: User, drug_id: int) -> Drug:
    """One drug, if the user may see it (others look the same as missing ones)."""
    drug = session.scalar(visible(user).where(Drug.id == drug_id))
    if drug is None:
        raise NotFound("药物不存在", en="Drug not found")
    return drug


def park_enterprises(session: Session, *, user: User) -> list[Enterprise]:
    """The park's enterprises a drug can belong to, by name."""
    _need_edit(user)
    stmt = select(Enterprise).where(Enterprise.park_id == user.park_id).order_by(Enterprise.name)
    return list(session.scalars(stmt))


def company_of(session: Session, drug: Drug) -> str | None:
    """The drug's company: the park enterprise's short name or the free-text name."""
    if drug.enterprise_id:
        ent = session.get(Enterprise, drug.enterprise_id)
        if ent is not None:
            return ent.short_name or ent.name
    return drug.company_name


def _check_enterprise(session: Session, *, park_id: int, enterprise_id: int | None) -> None:
    if enterprise_id is None:
        return
    ent = session.get(Enterprise, enterprise_id)
    if ent is None or ent.park_id != park_id:
        raise ValidationFailed("所选企业不在本园区", en="Enterprise not in this park")


def create_drug(session: Session, *, user: User, data: DrugCreate) -> Drug:
    """Register a drug in the user's park."""
    _need_edit(user)
    _check_enterprise(session, park_id=user.park_id, enterprise_id=data.enterprise_id)
    if data.code:
        clash = session.scalar(
            select(Drug.id).where(Drug.park_id == user.park_id, Drug.code == data.code)
        )
        if clash:
            raise Conflict(f"药物代号已存在：{data.code}", en=f"Drug code exists: {data.code}")
    drug = Drug(park_id=user.park_id, **data.model_dump())
    session.add(drug)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type="drug",
        entity_id=drug.id,
        park_id=drug.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    return drug


def update_drug(session: Session, *, user: User, drug_id: int, data: DrugUpdate) -> Drug:
    """Change a drug's descriptive fields (the stage moves only through change_stage)."""
    _need_edit(user)
    drug = get_drug(session, user=user, drug_id=drug_id)
    values = {k: v for k, v in data.model_dump(exclude_unset=True).items()}
    for required in ("name", "modality"):
        if values.get(required) is None:
            values.pop(required, None)
    if "enterprise_id" in values:
        _check_enterprise(session, park_id=drug.park_id, enterprise_id=values["enterprise_id"])
    changed = audit.apply_changes(drug, values)
    if drug.enterprise_id is None and not (drug.company_name or "").strip():
        raise ValidationFailed("须选择园区企业或填写企业名称", en="Company required")
    if changed:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type="drug",
            entity_id=drug.id,
            park_id=drug.park_id,
            changes=changed,
        )
    return drug


def _move(
    session: Session,
    *,
    user: User,
    drug: Drug,
    target: Stage,
    occurred_on: date,
    reason: str | None,
    source: dict[str, Any],
    title: str | None = None,
) -> Milestone:
    try:
        step = stages.move(drug.stage, target, reason=reason)
    except stages.StageError as exc:
        raise ValidationFailed(exc.zh, en=exc.en) from exc
    if not any(source.values()):
        # The person recording the change is the source when no document is named.
        source = {**source, "source_person": user.display_name}
    old = drug.stage
    drug.stage = step.target
    drug.stage_since = occurred_on
    milestone = Milestone(
        park_id=drug.park_id,
        drug_id=drug.id,
        occurred_on=occurred_on,
        title=title or f"{stages.label(old)} → {stages.label(step.target)}",
        stage=step.target,
        reason=step.reason,
        actor_name=user.username,
        **source,
    )
    session.add(milestone)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="stage",
        entity_type="drug",
        entity_id=drug.id,
        park_id=drug.park_id,
        changes={"stage": [old.value, step.target.value], "reason": step.reason},
    )
    return milestone


def change_stage(session: Session, *, user: User, drug_id: int, data: StageChange) -> Milestone:
    """Move a drug to another stage through the state machine; records a milestone."""
    _need_edit(user)
    drug = get_drug(session, user=user, drug_id=drug_id)
    source = data.model_dump(include={"source_title", "source_url", "source_person"})
    return _move(
        session,
        user=user,
        drug=drug,
        target=data.stage,
        occurred_on=data.occurred_on,
        reason=data.reason,
        source=source,
    )


def add_milestone(
    session: Session, *, user: User, drug_id: int, data: MilestoneCreate
) -> Milestone:
    """Record a dated event of a drug with its source (no stage change)."""
    _need_edit(user)
    drug = get_drug(session, user=user, drug_id=drug_id)
    milestone = Milestone(
        park_id=drug.park_id, drug_id=drug.id, actor_name=user.username, **data.model_dump()
    )
    session.add(milestone)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="milestone",
        entity_type="drug",
        entity_id=drug.id,
        park_id=drug.park_id,
        changes={"milestone": data.title, "occurred_on": data.occurred_on},
    )
    return milestone


def milestones(session: Session, *, drug: Drug) -> list[Milestone]:
    """A drug's milestones, newest first."""
    stmt = (
        select(Milestone)
        .where(Milestone.drug_id == drug.id)
        .order_by(Milestone.occurred_on.desc(), Milestone.id.desc())
    )
    return list(session.scalars(stmt))


def add_deal(session: Session, *, user: User, drug_id: int, data: DealCreate) -> LicensingDeal:
    """Record a licensing deal of a drug."""
    _need_edit(user)
    drug = get_drug(session, user=user, drug_id=drug_id)
    deal = LicensingDeal(park_id=drug.park_id, drug_id=drug.id, **data.model_dump())
    session.add(deal)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="deal",
        entity_type="drug",
        entity_id=drug.id,
        park_id=drug.park_id,
        changes=data.model_dump(exclude_none=True),
    )
    return deal


def deals(session: Session, *, drug: Drug) -> list[LicensingDeal]:
    """A drug's licensing deals, newest first."""
    stmt = (
        select(LicensingDeal)
        .where(LicensingDeal.drug_id == drug.id)
        .order_by(LicensingDeal.signed_on.desc(), LicensingDeal.id.desc())
    )
    return list(session.scalars(stmt))


def _funnel(counts: Counter[Stage], scope: str, lang: str) -> Funnel:
    return Funnel(
        scope=scope,
        in_research=sum(counts[s] for s in stages.IN_RESEARCH),
        clinical=sum(counts[s] for s in stages.CLINICAL),
        on_market=sum(counts[s] for s in stages.ON_MARKET),
        discontinued=counts[Stage.discontinued],
        stages=[
            FunnelRow(stage=s, label=stages.label(s, lang), count=counts[s]) for s in stages.ORDER
        ],
    )


def funnel(session: Session, *, park_id: int, scope: str = "park", lang: str = "zh") -> Funnel:
    """Stage counts: the park's own drugs, or the city's (all its parks plus city-level drugs)."""
    stmt = select(Drug.stage, func.count()).where(Drug.is_innovative.is_(True))
    if scope == "city":
        park = session.get(Park, park_id)
        if park is None:
            raise NotFound("园区不存在", en="Park not found")
        if park.city:
            parks = select(Park.id).where(Park.city == park.city)
            stmt = stmt.where(or_(Drug.park_id == park_id, Drug.park_id.in_(parks)))
        else:
            stmt = stmt.where(Drug.park_id == park_id)
    else:
        stmt = stmt.where(Drug.park_id == park_id, Drug.scope == "park")
    counts: Counter[Stage] = Counter(
        {Stage(stage): n for stage, n in session.execute(stmt.group_by(Drug.stage))}
    )
    return _funnel(counts, scope, lang)


def funnel_for(session: Session, *, user: User, scope: str, lang: str = "zh") -> Funnel:
    """The funnel for a reader of the park's whole pipeline."""
    if user.role not in READERS:
        raise Forbidden()
    return funnel(session, park_id=user.park_id, scope=scope, lang=lang)


def timeline(
    session: Session, *, user: User, limit: int = 100, year: int | None = None
) -> list[TimelineEntry]:
    """The latest milestones of visible drugs, newest first."""
    drugs = visible(user).subquery()
    stmt = (
        select(Milestone, drugs.c.name)
        .join(drugs, drugs.c.id == Milestone.drug_id)
        .order_by(Milestone.occurred_on.desc(), Milestone.id.desc())
        .limit(min(max(limit, 1), 500))
    )
    if year:
        stmt = stmt.where(
            Milestone.occurred_on >= date(year, 1, 1), Milestone.occurred_on <= date(year, 12, 31)
        )
    return [
        TimelineEntry(
            occurred_on=m.occurred_on,
            drug_id=m.drug_id,
            drug_name=name,
            title=m.title,
            stage=m.stage,
        )
        for m, name in session.execute(stmt)
    ]


def modality_counts(session: Session, *, park_id: int) -> dict[str, int]:
    """Active park drugs (not discontinued) per modality, for the chain map."""
    stmt = (
        select(Drug.modality, func.count())
        .where(Drug.park_id == park_id, Drug.scope == "park", Drug.stage != Stage.discontinued)
        .group_by(Drug.modality)
    )
    return {m: n for m, n in session.execute(stmt)}


def drugs_with_modalities(
    session: Session, *, park_id: int, modalities: Iterable[str]
) -> list[Drug]:
    """Active park drugs of the given modalities, furthest stage first."""
    wanted = list(modalities)
    if not wanted:
        return []
    stmt = select(Drug).where(
        Drug.park_id == park_id,
        Drug.scope == "park",
        Drug.stage != Stage.discontinued,
        Drug.modality.in_(wanted),
    )
    found = list(session.scalars(stmt))
    return sorted(found, key=lambda d: (-stages.ORDER.index(d.stage), d.name))
