"""Talent services, applications with SLA clocks, and talent events with registrations.

An application moves submitted → accepted → approved / rejected, or is withdrawn
by its enterprise while open. Its clocks are those of requests (诉求) of the
category 人才: services.sla gives the park's SLA, kit.workcal the working time;
accepting stops the respond clock, the decision stops the close clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise, EnterpriseContact
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import format_local, today
from biopark.kit.models import utcnow
from biopark.kit.pagination import Page, paginate
from biopark.kit.workcal import add_working_days, add_working_minutes
from biopark.notify import service as notify
from biopark.policies import rules
from biopark.policies.service import facts_for
from biopark.services.sla import sla_for
from biopark.talent.models import (
    APP_STATUS_LABELS,
    SERVICE_KINDS,
    SLA_CATEGORY,
    AppStatus,
    EventRegistration,
    TalentApplication,
    TalentEvent,
    TalentService,
)
from biopark.talent.schemas import (
    ApplicationCreate,
    DecisionBody,
    EventCreate,
    RegistrationCreate,
    ServiceCreate,
    ServiceUpdate,
)

A = AppStatus
HANDLERS = frozenset({Role.admin, Role.leader, Role.commissioner})
EDITORS = frozenset({Role.admin, Role.commissioner})
READERS = HANDLERS | {Role.enterprise}
OPEN = frozenset({A.submitted, A.accepted})
ENTITY = "talent_application"
CLOCK_LABELS = {"respond": "受理", "close": "办结"}


@dataclass(frozen=True)
class Step:
    label: str
    en: str
    roles: frozenset[Role]
    sources: frozenset[AppStatus]
    target: AppStatus


STEPS: dict[str, Step] = {
    "accept": Step("受理", "accept", HANDLERS, frozenset({A.submitted}), A.accepted),
    "approve": Step("通过", "approve", HANDLERS, frozenset({A.accepted}), A.approved),
    "reject": Step("不予通过", "reject", HANDLERS, frozenset({A.accepted}), A.rejected),
    "withdraw": Step("撤回", "withdraw", frozenset({Role.enterprise}), OPEN, A.withdrawn),
}
STATUS_EN = {
    A.submitted: "awaiting acceptance",
    A.accepted: "accepted",
    A.approved: "approved",
    A.rejected: "rejected",
    A.withdrawn: "withdrawn",
}


def steps_for(role: Role, status: AppStatus) -> set[str]:
    """Every step the role may take from the status (for showing forms)."""
    return {n for n, s in STEPS.items() if role in s.roles and status in s.sources}


# ---------------------------------------------------------------- catalogue


def _services(user: User) -> Select[Any]:
    if user.role not in READERS:
        raise Forbidden()
    stmt = select(TalentService).where(TalentService.park_id == user.park_id)
    if user.role not in EDITORS:
        stmt = stmt.where(TalentService.active.is_(True))
    return stmt


def list_services(session: Session, *, user: User) -> list[TalentService]:
    """The park's talent services the user may read."""
    return list(session.scalars(_services(user).order_by(TalentService.kind, TalentService.id)))


def service_names(session: Session, *, park_id: int, ids: set[int]) -> dict[int, str]:
    """Names of the park's services, retired ones too (their applications still show them)."""
    if not ids:
        return {}
    rows = session.execute(
        select(TalentService.id, TalentService.name).where(
            TalentService.park_id == park_id, TalentService.id.in_(ids)
        )
    )
    return {i: n for i, n in rows}


def get_service(session: Session, *, user: User, service_id: int) -> TalentService:
    """One talent service, if the user may read it."""
    found = session.scalar(_services(user).where(TalentService.id == service_id))
    if found is None:
        raise NotFound("人才服务不存在", en="Talent service not found")
    return found


def create_service(
    session: Session,
    *,
    park_id: int,
    actor: User | None,
    data: ServiceCreate,
    is_demo: bool = False,
) -> TalentService:
    """Add a talent service to the park's catalogue (actor None: CLI or demo)."""
    if actor is not None and actor.role not in EDITORS:
        raise Forbidden()
    clash = session.scalar(
        select(TalentService.id).where(
            TalentService.park_id == park_id, TalentService.name == data.name
        )
    )
    if clash is not None:
        raise Conflict(f"人才服务已存在：{data.name}", en=f"Talent service exists: {data.name}")
    found = TalentService(park_id=park_id, is_demo=is_demo, **data.model_dump())
    session.add(found)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="talent_service",
        entity_id=found.id,
        park_id=park_id,
        changes={"name": found.name, "kind": SERVICE_KINDS[found.kind]},
    )
    return found


def _editable(session: Session, user: User, service_id: int) -> TalentService:
    if user.role not in EDITORS:
        raise Forbidden("无权修改人才服务", en="You may not change talent services")
    return get_service(session, user=user, service_id=service_id)


def _change(
    session: Session, user: User, service_id: int, data: ServiceUpdate, action: str
) -> TalentService:
    found = _editable(session, user, service_id)
    given = data.model_dump(exclude_unset=True)
    if "name" in given and given["name"] != found.name:
        clash = session.scalar(
            select(TalentService.id).where(
                TalentService.park_id == found.park_id,
                TalentService.name == given["name"],
                TalentService.id != found.id,
            )
        )
        if clash is not None:
            raise Conflict(
                f"人才服务已存在：{given['name']}", en=f"Talent service exists: {given['name']}"
            )
    audit.record_update(
        session, obj=found, data=given, actor=user, action=action, entity_type="talent_service"
    )
    return found


def update_service(
    session: Session, *, user: User, service_id: int, data: ServiceUpdate
) -> TalentService:
    """Change the given fields of a talent service; the audit entry keeps before/after."""
    return _change(session, user, service_id, data, "update")


def set_service_active(
    session: Session, *, user: User, service_id: int, active: bool
) -> TalentService:
    """Retire a service (no new applications; open ones go on) or reactivate it."""
    action = "reactivate" if active else "retire"
    return _change(session, user, service_id, ServiceUpdate(active=active), action)


def eligibility(session: Session, *, ent: Enterprise, svc: TalentService) -> rules.Classification:
    """How the enterprise fares against the service's conditions (the policies rule engine)."""
    facts = facts_for(session, enterprises_=[ent], as_of=today())[ent.id]
    try:
        return rules.classify(rules.evaluate(rules.parse(svc.conditions), facts))
    except rules.RuleError as exc:
        return rules.Classification(rules.Verdict.unknown, (), (f"服务条件无效：{exc}",))


# ---------------------------------------------------------------- applications


def _own_enterprise(session: Session, user: User) -> Enterprise:
    if user.role != Role.enterprise:
        raise Forbidden("仅企业用户可申请", en="Only enterprise users apply")
    ent = session.get(Enterprise, user.enterprise_id or -1)
    if ent is None or ent.park_id != user.park_id:
        raise Forbidden("账号未关联企业", en="Account has no enterprise")
    return ent


def prefill(session: Session, *, user: User, service_id: int) -> dict[str, Any]:
    """The application form filled from the enterprise file and the applicant's account."""
    svc = get_service(session, user=user, service_id=service_id)
    ent = _own_enterprise(session, user)
    contact = session.scalar(
        select(EnterpriseContact)
        .where(EnterpriseContact.enterprise_id == ent.id)
        .order_by(EnterpriseContact.is_primary.desc(), EnterpriseContact.id)
    )
    verdict = eligibility(session, ent=ent, svc=svc)
    return {
        "service_id": svc.id,
        "applicant_name": user.display_name,
        "phone": contact.phone if contact else None,
        "enterprise": _snapshot(ent, contact),
        "verdict": verdict.verdict.value,
        "unmet": list(verdict.unmet),
        "missing_data": list(verdict.missing_data),
    }


def _snapshot(ent: Enterprise, contact: EnterpriseContact | None) -> dict[str, Any]:
    return {
        "name": ent.name,
        "credit_code": ent.credit_code,
        "address": ent.address,
        "cluster": ent.cluster,
        "employees": ent.employees,
        "tags": list(ent.tags or []),
        "contact": contact.name if contact else None,
        "contact_phone": contact.phone if contact else None,
    }


def visible(user: User) -> Select[Any]:
    """Applications the user may read: its enterprise's own, or the park's for staff."""
    stmt = select(TalentApplication).where(TalentApplication.park_id == user.park_id)
    if user.role in HANDLERS:
        return stmt
    if user.role == Role.enterprise:
        return stmt.where(TalentApplication.enterprise_id == (user.enterprise_id or -1))
    raise Forbidden()


def list_applications(
    session: Session, *, user: User, status: str | None = None, page: int = 1, size: int = 50
) -> Page[Any]:
    """A page of visible applications, newest first."""
    stmt = visible(user)
    if status:
        if status not in AppStatus.__members__:
            raise ValidationFailed("未知状态", en=f"Unknown status: {status}")
        stmt = stmt.where(TalentApplication.status == AppStatus(status))
    stmt = stmt.order_by(TalentApplication.submitted_at.desc(), TalentApplication.id.desc())
    return paginate(session, stmt, page=page, size=size)


def get_application(session: Session, *, user: User, application_id: int) -> TalentApplication:
    """One application, if the user may see it (others' look the same as missing ones)."""
    app = session.scalar(visible(user).where(TalentApplication.id == application_id))
    if app is None:
        raise NotFound("申请不存在", en="Application not found")
    return app


def _log(
    session: Session, app: TalentApplication, actor: User | None, action: str, **kw: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=ENTITY,
        entity_id=app.id,
        park_id=app.park_id,
        changes=kw,
    )


def submit_application(
    session: Session,
    *,
    user: User,
    data: ApplicationCreate,
    now: datetime | None = None,
    is_demo: bool = False,
) -> TalentApplication:
    """Apply for a talent service; the enterprise file is copied in and the SLA clocks start."""
    now = now or utcnow()
    ent = _own_enterprise(session, user)
    svc = session.scalar(
        select(TalentService).where(
            TalentService.id == data.service_id, TalentService.park_id == user.park_id
        )
    )
    if svc is None:
        raise NotFound("人才服务不存在", en="Talent service not found")
    if not svc.active:
        raise Conflict(
            f"{svc.name}已停用，不再受理新申请",
            en=f"{svc.name} is retired and takes no new applications",
        )
    verdict = eligibility(session, ent=ent, svc=svc)
    if verdict.verdict == rules.Verdict.ineligible:
        raise Conflict(
            "不符合申请条件：" + "；".join(verdict.unmet),
            en="The enterprise does not meet the service's conditions",
        )
    name = data.applicant_name.strip()
    dup = session.scalar(
        select(TalentApplication.id).where(
            TalentApplication.enterprise_id == ent.id,
            TalentApplication.service_id == svc.id,
            TalentApplication.applicant_name == name,
            TalentApplication.status.in_(OPEN),
        )
    )
    if dup is not None:
        raise Conflict(
            f"{name}已有一份在办的同类申请", en=f"{name} already has an open application"
        )
    contact = session.scalar(
        select(EnterpriseContact)
        .where(EnterpriseContact.enterprise_id == ent.id)
        .order_by(EnterpriseContact.is_primary.desc(), EnterpriseContact.id)
    )
    sla = sla_for(session, park_id=ent.park_id, category=SLA_CATEGORY)
    app = TalentApplication(
        park_id=ent.park_id,
        enterprise_id=ent.id,
        service_id=svc.id,
        submitted_by_id=user.id,
        status=A.submitted,
        applicant_name=name,
        applicant_title=data.applicant_title,
        education=data.education,
        phone=data.phone,
        enterprise_snapshot=_snapshot(ent, contact),
        note=data.note,
        submitted_at=now,
        respond_due_at=add_working_minutes(now, sla.respond_minutes),
        close_due_at=add_working_days(now, sla.close_days),
        is_demo=is_demo,
    )
    session.add(app)
    session.flush()
    _log(
        session,
        app,
        user,
        "submit",
        service=svc.name,
        applicant=name,
        respond_due_at=app.respond_due_at.isoformat(),
        close_due_at=app.close_due_at.isoformat(),
    )
    return app


def act(
    session: Session,
    *,
    user: User,
    application_id: int,
    step: str,
    data: DecisionBody | None = None,
    now: datetime | None = None,
) -> TalentApplication:
    """Take one step of the workflow, refusing a wrong role (403) or status (409)."""
    app = get_application(session, user=user, application_id=application_id)
    rule = STEPS[step]
    if user.role not in rule.roles:
        raise Forbidden(f"无权{rule.label}此申请", en=f"You may not {rule.en} this application")
    if app.status not in rule.sources:
        raise Conflict(
            f"申请{APP_STATUS_LABELS[app.status]}，不能{rule.label}",
            en=f"Cannot {rule.en} an application that is {STATUS_EN[app.status]}",
        )
    if user.role == Role.commissioner:
        owner = session.scalar(
            select(Enterprise.commissioner_id).where(Enterprise.id == app.enterprise_id)
        )
        if owner not in (None, user.id):
            raise Forbidden(
                "该企业由其他服务专员负责", en="Another commissioner serves this enterprise"
            )
    now = now or utcnow()
    app.status = rule.target
    if step == "accept":
        app.accepted_at = now
    else:
        app.closed_at = now
    if data is not None and data.note:
        app.decision_note = data.note.strip()
    session.flush()
    _log(session, app, user, step, note=app.decision_note if data else None)
    if step != "withdraw":
        users = session.scalars(
            select(User).where(
                User.enterprise_id == app.enterprise_id,
                User.role == Role.enterprise,
                User.active.is_(True),
            )
        )
        notify.send(
            session,
            to=list(users),
            kind="talent_application",
            title=f"人才服务申请{APP_STATUS_LABELS[app.status]}：{app.applicant_name}",
            url=f"/talent/applications/{app.id}",
            body=app.decision_note,
            dedupe_key=f"talent_application:{app.id}:{app.status.value}",
        )
    return app


def overdue(app: TalentApplication, now: datetime) -> list[str]:
    """The clocks of the application that ran out ("respond", "close")."""
    late = []
    if app.accepted_at is None and app.status in OPEN and app.respond_due_at < now:
        late.append("respond")
    if app.closed_at is None and app.status in OPEN and app.close_due_at < now:
        late.append("close")
    return late


@dataclass(frozen=True)
class Escalation:
    application_id: int
    park_id: int
    clock: str
    due_at: datetime


CLOCK_COLUMNS = {
    "respond": ("respond_due_at", "accepted_at", "respond_escalated_at"),
    "close": ("close_due_at", "closed_at", "close_escalated_at"),
}


def escalate_overdue(
    session: Session, *, now: datetime, park_id: int | None = None
) -> list[Escalation]:
    """Escalate each clock that ran out before `now` to the park's leaders, once (idempotent)."""
    stmt = select(TalentApplication).where(TalentApplication.status.in_(OPEN))
    if park_id is not None:
        stmt = stmt.where(TalentApplication.park_id == park_id)
    found: list[Escalation] = []
    for app in session.scalars(stmt.order_by(TalentApplication.id)):
        for clock, (due_col, done_col, esc_col) in CLOCK_COLUMNS.items():
            due = getattr(app, due_col)
            if getattr(app, done_col) or getattr(app, esc_col) or due >= now:
                continue
            setattr(app, esc_col, now)
            found.append(Escalation(app.id, app.park_id, clock, due))
            label = CLOCK_LABELS[clock]
            _log(session, app, None, "escalate", clock=label, due_at=due.isoformat())
            notify.send(
                session,
                to=notify.users_with_role(session, park_id=app.park_id, roles=[Role.leader]),
                kind="sla_escalation",
                title=f"人才服务申请{label}超时：{app.applicant_name}",
                url=f"/talent/applications/{app.id}",
                body=f"{label}时限 {format_local(due)} 已过，已升级。",
                dedupe_key=f"talent_sla:{app.id}:{clock}:{due.isoformat()}",
                now=now,
            )
    session.flush()
    return found


def history(session: Session, *, app: TalentApplication) -> list[Any]:
    """Every step of the application, newest first."""
    return audit.history(session, park_id=app.park_id, entity_type=ENTITY, entity_id=app.id)


# ---------------------------------------------------------------- events


def list_events(session: Session, *, user: User) -> list[TalentEvent]:
    """The park's talent events, soonest first."""
    if user.role not in READERS:
        raise Forbidden()
    stmt = select(TalentEvent).where(TalentEvent.park_id == user.park_id)
    return list(session.scalars(stmt.order_by(TalentEvent.starts_at.desc())))


def get_event(session: Session, *, user: User, event_id: int) -> TalentEvent:
    """One event of the user's park."""
    if user.role not in READERS:
        raise Forbidden()
    event = session.scalar(
        select(TalentEvent).where(TalentEvent.id == event_id, TalentEvent.park_id == user.park_id)
    )
    if event is None:
        raise NotFound("活动不存在", en="Event not found")
    return event


def create_event(
    session: Session, *, park_id: int, actor: User | None, data: EventCreate, is_demo: bool = False
) -> TalentEvent:
    """Add a talent event (actor None: CLI or demo)."""
    if actor is not None and actor.role not in EDITORS:
        raise Forbidden()
    event = TalentEvent(park_id=park_id, is_demo=is_demo, **data.model_dump())
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="talent_event",
        entity_id=event.id,
        park_id=park_id,
        changes={"title": event.title, "starts_at": event.starts_at.isoformat()},
    )
    return event


def taken(session: Session, *, event_ids: list[int]) -> dict[int, int]:
    """How many places each event has filled."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(EventRegistration.event_id, func.count(EventRegistration.id))
        .where(EventRegistration.event_id.in_(event_ids))
        .group_by(EventRegistration.event_id)
    )
    return {e: int(n) for e, n in rows}


def register(
    session: Session,
    *,
    user: User,
    event_id: int,
    data: RegistrationCreate,
    now: datetime | None = None,
) -> EventRegistration:
    """Register one attendee of the user's enterprise; refuse late, full and duplicate ones."""
    ent = _own_enterprise(session, user)
    event = get_event(session, user=user, event_id=event_id)
    if event.starts_at <= (now or utcnow()):
        raise Conflict("活动已开始或已结束，不能报名", en="The event has started or ended")
    name = data.attendee_name.strip()
    dup = session.scalar(
        select(EventRegistration.id).where(
            EventRegistration.event_id == event.id,
            EventRegistration.enterprise_id == ent.id,
            EventRegistration.attendee_name == name,
        )
    )
    if dup is not None:
        raise Conflict(f"{name}已报名此活动", en=f"{name} is already registered")
    if taken(session, event_ids=[event.id]).get(event.id, 0) >= event.capacity:
        raise Conflict("名额已满", en="The event is full")
    reg = EventRegistration(
        park_id=event.park_id,
        event_id=event.id,
        enterprise_id=ent.id,
        user_id=user.id,
        attendee_name=name,
        phone=data.phone,
    )
    try:
        with session.begin_nested():
            session.add(reg)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{name}已报名此活动", en=f"{name} is already registered") from exc
    return reg


def registrations(session: Session, *, user: User, event_id: int) -> list[EventRegistration]:
    """The event's registrations: all for staff, the enterprise's own for its users."""
    event = get_event(session, user=user, event_id=event_id)
    stmt = select(EventRegistration).where(EventRegistration.event_id == event.id)
    if user.role == Role.enterprise:
        stmt = stmt.where(EventRegistration.enterprise_id == (user.enterprise_id or -1))
    return list(session.scalars(stmt.order_by(EventRegistration.id)))
