"""Demo events of the Bio City: a roadshow, a forum, today's conference, a city visit (idempotent)."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.events.models import Event, EventKind, EventLead, Invitee, Registration
from biopark.events.models import RegistrationSource as Src
from biopark.events.service import SIGNED_STAGES
from biopark.investment.models import Lead, LeadStatus, Project
from biopark.kit.dates import SHANGHAI, today
from biopark.parks.models import Park

# (name, kind, first day from today, days, city, place, capacity)
EVENTS = [
    ("生物城创新药产业上海路演", EventKind.roadshow, -60, 1, "上海", "张江科学会堂报告厅", 200),
    ("细胞与基因治疗产业发展论坛", EventKind.forum, -20, 1, "重庆", "生物城创新中心1层展示厅", 150),
    ("重庆国际生物城招商推介大会", EventKind.conference, 0, 2, "重庆", "生物城会展中心A馆", 500),
    ("粤港澳大湾区医药企业城市考察", EventKind.city_visit, 30, 3, "深圳", "深圳湾科技生态园", 40),
]
# People registered for the events: (name, company, title, phone)
PEOPLE = [
    ("周立衡", "沪渝抗体药业", "总经理", "13800010001"),
    ("林思远", "江南核酸科技", "投资总监", "13800010002"),
    ("高佳宁", "东岳细胞治疗", "副总裁", "13800010003"),
    ("许文博", "西部制剂研究院", "院长", "13800010004"),
    ("邓晓彤", "嘉陵医疗器械", "董事长助理", "13800010005"),
]
INVITEES = [("沪渝抗体药业", "周立衡"), ("江南核酸科技", "林思远"), ("华中原料药集团", None)]


def load(session: Session, *, park: Park) -> None:
    """Create the demo events once; a second load changes nothing."""
    if session.scalar(select(Event.id).where(Event.park_id == park.id, Event.is_demo.is_(True))):
        return
    day0 = today()
    created = []
    for name, kind, offset, days, city, place, capacity in EVENTS:
        event = Event(
            park_id=park.id,
            code=secrets.token_urlsafe(9),
            name=name,
            kind=kind,
            starts_on=day0 + timedelta(days=offset),
            ends_on=day0 + timedelta(days=offset + days - 1),
            city=city,
            place=place,
            capacity=capacity,
            signup_open=offset >= 0,
            is_demo=True,
        )
        session.add(event)
        created.append(event)
    session.flush()
    roadshow, forum, conference, _visit = created
    for company, contact in INVITEES:
        session.add(
            Invitee(park_id=park.id, event_id=conference.id, company=company, contact_name=contact)
        )
    for event, people, checked in (
        (roadshow, PEOPLE, 4),
        (forum, PEOPLE[:3], 3),
        (conference, PEOPLE[:4], 1),
    ):
        for i, (name, company, title, phone) in enumerate(people):
            at = datetime.combine(event.starts_on, time(9, 10 + i), SHANGHAI)
            session.add(
                Registration(
                    park_id=park.id,
                    event_id=event.id,
                    name=name,
                    company=company,
                    title=title,
                    phone=phone,
                    source=Src.public if i % 2 == 0 else Src.staff,
                    consent_at=at - timedelta(days=3),
                    checked_in_at=at if i < checked else None,
                )
            )
    _credit_projects(session, park, roadshow)
    session.flush()


def _credit_projects(session: Session, park: Park, event: Event) -> None:
    # Two signed demo projects came from the roadshow: their leads are credited to it.
    projects = session.scalars(
        select(Project)
        .where(
            Project.park_id == park.id,
            Project.is_demo.is_(True),
            Project.stage.in_(list(SIGNED_STAGES)),
            Project.agreed_investment.is_not(None),
        )
        .order_by(Project.id)
        .limit(2)
    ).all()
    for i, project in enumerate(projects):
        lead = Lead(
            park_id=park.id,
            source="event",
            company=project.company or project.name,
            contact_name=PEOPLE[i][0],
            phone=PEOPLE[i][3],
            status=LeadStatus.qualified,
            project_id=project.id,
            message=f"来自活动：{event.name}",
            is_demo=True,
        )
        session.add(lead)
        session.flush()
        session.add(EventLead(park_id=park.id, event_id=event.id, lead_id=lead.id))
