"""Demo talent services, applications and events for the Bio City.

The services follow the kinds of support Chongqing offers to talent; the names,
conditions and dates are written for the demo and are illustrations.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.kit.dates import SHANGHAI, now_utc, today
from biopark.parks.models import Park
from biopark.talent import service
from biopark.talent.models import TalentApplication, TalentEvent, TalentService
from biopark.talent.schemas import ApplicationCreate, EventCreate, ServiceCreate

BIO = {"op": "in", "field": "cluster", "value": ["生物药", "化学药", "现代中药", "医疗器械"]}

SERVICES: list[dict[str, Any]] = [
    {
        "name": "生物城高层次人才认定",
        "kind": "recognition",
        "provider": "巴南区人才工作领导小组办公室",
        "summary": "对园区企业引进的领军人才、青年拔尖人才进行分层认定，认定后可享受相应待遇。",
        "conditions": {"all": [BIO, {"op": "gte", "field": "employees", "value": 20}]},
    },
    {
        "name": "人才安居住房补贴",
        "kind": "housing",
        "provider": "巴南区住房和城乡建设委员会",
        "summary": "经认定的人才在区内购房或租房，可按层次申请购房补贴或租房补贴。",
        "conditions": {"all": [{"op": "eq", "field": "district", "value": "巴南区"}]},
    },
    {
        "name": "人才子女入学协调",
        "kind": "schooling",
        "provider": "巴南区教育委员会",
        "summary": "为园区企业人才子女协调就近入学、转学。",
        "conditions": {"all": []},
    },
    {
        "name": "专精特新企业人才专项",
        "kind": "startup",
        "provider": "重庆市人力资源和社会保障局",
        "summary": "面向专精特新企业核心技术人员的培训与项目资助。",
        "conditions": {"all": [{"op": "in_pool", "value": "专精特新"}]},
    },
]

# (title, kind, days from today, hour, location, capacity)
EVENTS = [
    ("生物医药人才专场招聘会", "招聘会", 14, 9, "重庆国际生物城人才服务中心", 120),
    ("创新药临床研究人才沙龙", "沙龙", 30, 14, "生物城创新中心报告厅", 2),
    ("生物医药高层次人才政策宣讲", "培训", -20, 14, "巴南区人才服务中心", 80),
]


def load(session: Session, *, park: Park) -> None:
    """Add the demo services, events and an application (idempotent)."""
    have = {
        s.name: s
        for s in session.scalars(select(TalentService).where(TalentService.park_id == park.id))
    }
    for raw in SERVICES:
        if raw["name"] not in have:
            have[raw["name"]] = service.create_service(
                session,
                park_id=park.id,
                actor=None,
                data=ServiceCreate.model_validate(raw),
                is_demo=True,
            )
    titles = set(session.scalars(select(TalentEvent.title).where(TalentEvent.park_id == park.id)))
    for title, kind, days, hour, location, capacity in EVENTS:
        if title in titles:
            continue
        starts = datetime.combine(today() + timedelta(days=days), time(hour), SHANGHAI)
        service.create_event(
            session,
            park_id=park.id,
            actor=None,
            data=EventCreate(
                title=title, kind=kind, starts_at=starts, location=location, capacity=capacity
            ),
            is_demo=True,
        )
    user = session.scalar(
        select(User).where(User.username == "demo-enterprise", User.role == Role.enterprise)
    )
    if user is None or user.park_id != park.id:
        return
    if session.scalar(select(TalentApplication.id).where(TalentApplication.park_id == park.id)):
        return
    recognition = have["生物城高层次人才认定"]
    service.submit_application(
        session,
        user=user,
        data=ApplicationCreate(
            service_id=recognition.id,
            applicant_name="刘博士",
            applicant_title="抗体药物研发总监",
            education="博士",
        ),
        now=now_utc() - timedelta(days=2),
        is_demo=True,
    )
