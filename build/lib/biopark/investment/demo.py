"""Demo investment ledger of the demo park; loading twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.investment import demo_data as d
from biopark.investment.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    FundsEntry,
    Lead,
    LeadStatus,
    Project,
    Stage,
    StageChange,
    Target,
    Visit,
)
from biopark.investment.schemas import to_money, to_mu
from biopark.investment.service import ENTITY_PROJECT, today_local
from biopark.kit.models import utcnow
from biopark.kit.workcal import add_working_hours
from biopark.parks.models import Park


def _owner(session: Session, park: Park, username: str) -> User | None:
    user = session.scalar(select(User).where(User.park_id == park.id, User.username == username))
    if user is not None:
        return user
    return session.scalar(
        select(User).where(User.park_id == park.id, User.role == Role.investment_officer).limit(1)
    )


def _project(
    session: Session, park: Park, values: dict[str, Any], owner: User | None
) -> Project | None:
    if session.scalar(
        select(Project.id).where(Project.park_id == park.id, Project.name == values["name"])
    ):
        return None
    project = Project(park_id=park.id, owner_id=owner.id if owner else None, is_demo=True, **values)
    session.add(project)
    session.flush()
    audit.record(
        session,
        actor=None,
        action="demo",
        entity_type=ENTITY_PROJECT,
        entity_id=project.id,
        park_id=park.id,
        changes={"name": project.name, "stage": project.stage.value, "is_demo": True},
    )
    return project


def _stage_trail(session: Session, project: Project, on: date) -> None:
    # Undated early stages are placed before the first dated one: 线索 90 days, 洽谈 45 days.
    early = {Stage.lead: timedelta(days=90), Stage.negotiating: timedelta(days=45)}
    previous: Stage | None = None
    for stage in STAGE_ORDER[: STAGE_ORDER.index(project.stage) + 1]:
        field = STAGE_DATE_FIELD.get(stage)
        effective = getattr(project, field) if field else on - early.get(stage, timedelta())
        session.add(
            StageChange(
                park_id=project.park_id,
                project_id=project.id,
                from_stage=previous,
                to_stage=stage,
                effective_on=effective or on,
                reason="演示数据",
                actor_name="system",
            )
        )
        previous = stage


def load(session: Session, *, park: Park) -> None:
    """The 2025 ledger, open projects, visits, consultations and the 2025 targets."""
    officer = _owner(session, park, "demo-investment")
    leader = _owner(session, park, "demo-leader")
    today = today_local()
    for name, company, chain, link, team, mu, agreed, reg, stage, funds in d.SIGNED:
        registered = date.fromisoformat(reg)
        values = {
            "name": name,
            "company": company,
            "chain": chain,
            "chain_link": link,
            "team": team,
            "site": "重庆国际生物城",
            "land_mu": to_mu(mu),
            "agreed_investment": to_money(agreed),
            "stage": Stage(stage),
            "signed_on": registered,
            "registered_on": registered,
            "started_on": registered + timedelta(days=45) if stage == "开工" else None,
            "expected_production_on": date(registered.year + 2, 6, 30),
            "next_action": "跟进开工建设" if stage == "入库" else "跟进投产准备",
            "due_on": today + timedelta(days=14),
        }
        project = _project(session, park, values, officer)
        if project is None:
            continue
        _stage_trail(session, project, registered)
        for on, amount in funds:
            session.add(
                FundsEntry(
                    park_id=park.id,
                    project_id=project.id,
                    received_on=date.fromisoformat(on),
                    amount=to_money(amount),
                    note="演示数据",
                )
            )
    for i, (name, company, chain, link, team, stage, agreed, action) in enumerate(d.OPEN):
        values = {
            "name": name,
            "company": company,
            "chain": chain,
            "chain_link": link,
            "team": team,
            "agreed_investment": to_money(agreed),
            "stage": Stage(stage),
            "signed_on": today - timedelta(days=10) if stage == "签约" else None,
            "next_action": action,
            # One of them is overdue, so the closed loop has something to show.
            "due_on": today - timedelta(days=3) if i == 1 else today + timedelta(days=5 + i),
            "expected_sign_on": today + timedelta(days=60),
        }
        project = _project(session, park, values, leader if i == 3 else officer)
        if project is not None:
            _stage_trail(session, project, today - timedelta(days=30))
    projects = {
        p.name: p for p in session.scalars(select(Project).where(Project.park_id == park.id))
    }
    for pname, on, people, place, notes, step in d.VISITS:
        project = projects.get(pname)
        if project is None or session.scalar(
            select(Visit.id).where(Visit.project_id == project.id, Visit.people == people)
        ):
            continue
        session.add(
            Visit(
                park_id=park.id,
                project_id=project.id,
                visited_on=date.fromisoformat(on),
                people=people,
                place=place,
                notes=notes,
                next_step=step,
            )
        )
    now = utcnow()
    for company, contact, phone, industry, amount, mu, message in d.CONSULTATIONS:
        if session.scalar(select(Lead.id).where(Lead.park_id == park.id, Lead.company == company)):
            continue
        deadline = add_working_hours(now, 4)
        session.add(
            Lead(
                park_id=park.id,
                source="qr",
                company=company,
                contact_name=contact,
                phone=phone,
                industry=industry,
                chain_link=industry,
                intended_investment=to_money(amount),
                intended_land_mu=to_mu(mu),
                message=message,
                status=LeadStatus.new,
                owner_id=officer.id if officer else None,
                next_action="首次联系咨询企业",
                due_at=deadline,
                first_contact_due_at=deadline,
                is_demo=True,
            )
        )
    if not session.scalar(
        select(Target.id).where(
            Target.park_id == park.id, Target.year == d.YEAR, Target.scope == "park"
        )
    ):
        session.add(
            Target(
                park_id=park.id,
                year=d.YEAR,
                scope="park",
                scope_value="",
                projects=d.TARGET_PROJECTS,
                agreed_investment=to_money(d.TARGET_AGREED),
                funds_in_place=to_money(d.TARGET_FUNDS),
            )
        )
    session.flush()
