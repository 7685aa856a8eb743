"""The request workflow: clocks, dispatch, reply, close, rating, reopening, escalation."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.audit.models import AuditEntry
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.dates import SHANGHAI
from biopark.services import dispatching, service
from biopark.services.models import RequestStatus
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RespondBody,
    SlaUpdate,
)
from biopark.services.sla import escalate_overdue, set_sla, sla_for
from biopark.services.stats import sla_stats
from tests.builders import make_department, make_enterprise, make_park, make_user
from tests.services.builders import make_request


def sh(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


@pytest.fixture
def world(session: Session):  # type: ignore[no-untyped-def]
    park = make_park(session)
    dept_a = make_department(session, park, short_name="市药监局")
    dept_b = make_department(session, park, short_name="市科技局")

    class W:
        pass

    w = W()
    w.park = park  # type: ignore[attr-defined]
    w.dept_a, w.dept_b = dept_a, dept_b  # type: ignore[attr-defined]
    w.ent_user = make_user(session, park, Role.enterprise)  # type: ignore[attr-defined]
    w.commissioner = make_user(session, park, Role.commissioner)  # type: ignore[attr-defined]
    w.leader = make_user(session, park, Role.leader)  # type: ignore[attr-defined]
    w.dept_a_user = make_user(session, park, Role.department, department_id=dept_a.id)  # type: ignore[attr-defined]
    w.dept_b_user = make_user(session, park, Role.department, department_id=dept_b.id)  # type: ignore[attr-defined]
    return w


def test_submit_starts_respond_and_close_clocks_in_working_time(session, world) -> None:  # type: ignore[no-untyped-def]
    # Friday 17:30 before a normal weekend.
    req = make_request(session, world.ent_user, now=sh(2025, 3, 7, 17, 30))
    assert req.status == RequestStatus.new
    assert req.enterprise_id == world.ent_user.enterprise_id
    assert req.respond_due_at == sh(2025, 3, 10, 9, 30)
    # 63 working hours: 0.5 on Mar 7, 54 on Mar 10-17, the last 8.5 on Tuesday Mar 18.
    assert req.close_due_at == sh(2025, 3, 18, 17, 30)
    assert req.plan_due_at is None


def test_category_sla_overrides_the_defaults(session, world) -> None:  # type: ignore[no-untyped-def]
    assert sla_for(session, park_id=world.park.id, category="用地").close_days == 7
    set_sla(
        session,
        user=world.leader,
        park_id=world.park.id,
        category="用地",
        data=SlaUpdate(respond_minutes=30, plan_hours=48, close_days=20, reply_days=10),
    )
    req = make_request(session, world.ent_user, category="用地", now=sh(2025, 3, 4, 9))
    assert req.respond_due_at == sh(2025, 3, 4, 9, 30)
    with pytest.raises(Forbidden):
        set_sla(
            session,
            user=world.commissioner,
            park_id=world.park.id,
            category="用地",
            data=SlaUpdate(respond_minutes=1, plan_hours=1, close_days=1, reply_days=1),
        )
    with pytest.raises(ValidationFailed):
        sla_for(session, park_id=world.park.id, category="不存在")


def test_full_walk_from_submission_to_rating(session, world) -> None:  # type: ignore[no-untyped-def]
    t0 = sh(2025, 3, 4, 9)
    req = make_request(session, world.ent_user, now=t0)
    service.respond(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=RespondBody(note="已受理"),
        now=sh(2025, 3, 4, 9, 20),
    )
    assert req.status == RequestStatus.responded
    assert req.plan_due_at == sh(2025, 3, 6, 15, 20)  # 24 working hours
    service.make_plan(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=PlanBody(plan="请药监局对接"),
        now=sh(2025, 3, 4, 10),
    )
    dispatching.dispatch(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=DispatchBody(department_ids=[world.dept_a.id, world.dept_b.id], note="请协助"),
        now=sh(2025, 3, 4, 11),
    )
    assert req.status == RequestStatus.dispatched
    assert {d.department_id for d in req.dispatches} == {world.dept_a.id, world.dept_b.id}
    dispatching.reply(
        session,
        user=world.dept_a_user,
        request_id=req.id,
        data=ReplyBody(reply="已安排沟通会"),
        now=sh(2025, 3, 5, 10),
    )
    assert req.status == RequestStatus.dispatched  # one department still owes a reply
    with pytest.raises(ValidationFailed):  # not without a stated reason
        service.close(
            session, user=world.commissioner, request_id=req.id, data=CloseBody(resolution="x")
        )
    dispatching.reply(
        session,
        user=world.dept_b_user,
        request_id=req.id,
        data=ReplyBody(reply="可申请专项资金"),
        now=sh(2025, 3, 5, 11),
    )
    assert req.status == RequestStatus.replied
    service.close(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=CloseBody(resolution="已解决"),
        now=sh(2025, 3, 6, 10),
    )
    service.rate(
        session,
        user=world.ent_user,
        request_id=req.id,
        data=RateBody(satisfaction=5, comment="很及时"),
        now=sh(2025, 3, 6, 11),
    )
    assert req.status == RequestStatus.rated
    actions = [e.action for e in service.history(session, req=req)]
    assert actions == ["rate", "close", "reply", "reply", "dispatch", "plan", "respond", "submit"]


def test_dispatch_counts_as_response_and_plan(session, world) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, world.ent_user, now=sh(2025, 3, 4, 9))
    dispatching.dispatch(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=DispatchBody(department_ids=[world.dept_a.id]),
        now=sh(2025, 3, 4, 9, 30),
    )
    assert req.responded_at == sh(2025, 3, 4, 9, 30)
    assert req.planned_at == sh(2025, 3, 4, 9, 30)
    assert req.dispatches[0].reply_due_at == sh(2025, 3, 11, 9, 30)  # 5 working days
    with pytest.raises(Conflict):
        dispatching.dispatch(
            session,
            user=world.commissioner,
            request_id=req.id,
            data=DispatchBody(department_ids=[world.dept_a.id]),
        )


def test_low_rating_reopens_and_restarts_clocks(session, world) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, world.ent_user, now=sh(2025, 3, 4, 9))
    service.respond(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=RespondBody(note="收到"),
        now=sh(2025, 3, 4, 9, 10),
    )
    service.close(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=CloseBody(resolution="已答复"),
        now=sh(2025, 3, 4, 15),
    )
    service.rate(
        session,
        user=world.ent_user,
        request_id=req.id,
        data=RateBody(satisfaction=2, comment="没解决"),
        now=sh(2025, 3, 7, 17, 30),
    )
    assert req.status == RequestStatus.reopened
    assert req.reopen_count == 1
    assert req.satisfaction == 2
    assert req.responded_at is None and req.closed_at is None
    assert req.respond_due_at == sh(2025, 3, 10, 9, 30)
    assert [e.action for e in service.history(session, req=req)][:2] == ["reopen", "rate"]
    # Reopened: the commissioner responds again.
    service.respond(
        session, user=world.commissioner, request_id=req.id, data=RespondBody(note="重新办理")
    )
    assert req.status == RequestStatus.responded


def test_roles_may_only_do_their_steps(session, world) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, world.ent_user, now=sh(2025, 3, 4, 9))
    with pytest.raises(Forbidden):
        service.respond(session, user=world.ent_user, request_id=req.id, data=RespondBody(note="x"))
    with pytest.raises(NotFound):  # not dispatched to this department: invisible
        dispatching.reply(
            session, user=world.dept_a_user, request_id=req.id, data=ReplyBody(reply="x")
        )
    with pytest.raises(Forbidden):
        service.rate(
            session, user=world.commissioner, request_id=req.id, data=RateBody(satisfaction=5)
        )
    with pytest.raises(Conflict):  # not closed yet
        service.rate(session, user=world.ent_user, request_id=req.id, data=RateBody(satisfaction=5))
    analyst = make_user(session, world.park, Role.analyst)
    with pytest.raises(Forbidden):
        service.list_requests(session, user=analyst)


def test_commissioner_submits_on_behalf_within_the_park_only(session, world) -> None:  # type: ignore[no-untyped-def]
    ent = make_enterprise(session, world.park)
    req = make_request(session, world.commissioner, enterprise_id=ent.id)
    assert req.on_behalf and req.enterprise_id == ent.id
    other = make_enterprise(session, make_park(session))
    with pytest.raises(NotFound):
        make_request(session, world.commissioner, enterprise_id=other.id)
    with pytest.raises(ValidationFailed):
        make_request(session, world.commissioner)
    # An enterprise user cannot file for someone else: enterprise_id is ignored.
    own = make_request(session, world.ent_user, enterprise_id=ent.id)
    assert own.enterprise_id == world.ent_user.enterprise_id


def test_visibility_by_role(session, world) -> None:  # type: ignore[no-untyped-def]
    mine = make_request(session, world.ent_user)
    other_user = make_user(session, world.park, Role.enterprise)
    theirs = make_request(session, other_user)
    dispatching.dispatch(
        session,
        user=world.commissioner,
        request_id=theirs.id,
        data=DispatchBody(department_ids=[world.dept_b.id]),
    )

    def ids(user) -> set[int]:  # type: ignore[no-untyped-def]
        return {r.id for r in service.list_requests(session, user=user).items}

    assert ids(world.ent_user) == {mine.id}
    assert ids(other_user) == {theirs.id}
    assert ids(world.dept_a_user) == set()
    assert ids(world.dept_b_user) == {theirs.id}
    # Commissioners: their own enterprises by default, the whole park on request.
    assert ids(world.commissioner) == set()
    assert {
        r.id for r in service.list_requests(session, user=world.commissioner, scope="park").items
    } == {mine.id, theirs.id}
    assert ids(world.leader) == {mine.id, theirs.id}
    foreign_leader = make_user(session, make_park(session), Role.leader)
    assert ids(foreign_leader) == set()
    with pytest.raises(NotFound):
        service.get_request(session, user=world.ent_user, request_id=theirs.id)
    with pytest.raises(NotFound):
        service.get_request(session, user=foreign_leader, request_id=mine.id)


def test_escalation_marks_each_overdue_clock_once(session, world) -> None:  # type: ignore[no-untyped-def]
    req = make_request(session, world.ent_user, now=sh(2025, 3, 4, 9))
    assert escalate_overdue(session, now=sh(2025, 3, 4, 9, 59)) == []
    found = escalate_overdue(session, now=sh(2025, 3, 4, 10, 1))
    assert [(e.request_id, e.clock) for e in found if e.request_id == req.id] == [
        (req.id, "respond")
    ]
    assert req.escalated and req.respond_escalated_at == sh(2025, 3, 4, 10, 1)
    again = escalate_overdue(session, now=sh(2025, 3, 4, 11))
    assert [e for e in again if e.request_id == req.id] == []
    dispatching.dispatch(
        session,
        user=world.commissioner,
        request_id=req.id,
        data=DispatchBody(department_ids=[world.dept_a.id]),
        now=sh(2025, 3, 4, 11),
    )
    later = escalate_overdue(session, now=sh(2025, 3, 20, 9))
    assert {(e.clock, e.department) for e in later if e.request_id == req.id} == {
        ("close", None),
        ("reply", "市药监局"),
    }
    entries = session.query(AuditEntry).filter_by(entity_id=req.id, action="escalate").all()
    assert len(entries) == 3
    assert any(world.leader.display_name in e.changes["to"] for e in entries)


def test_sla_stats_per_category_and_department(session, world) -> None:  # type: ignore[no-untyped-def]
    fast = make_request(session, world.ent_user, category="融资贷款", now=sh(2025, 3, 4, 9))
    slow = make_request(session, world.ent_user, category="用地", now=sh(2025, 3, 4, 9))
    for req, replied in ((fast, sh(2025, 3, 5, 9)), (slow, sh(2025, 3, 25, 9))):
        dispatching.dispatch(
            session,
            user=world.commissioner,
            request_id=req.id,
            data=DispatchBody(department_ids=[world.dept_a.id]),
            now=sh(2025, 3, 4, 10),
        )
        dispatching.reply(
            session,
            user=world.dept_a_user,
            request_id=req.id,
            data=ReplyBody(reply="好"),
            now=replied,
        )
        service.close(
            session,
            user=world.commissioner,
            request_id=req.id,
            data=CloseBody(resolution="办结"),
            now=replied,
        )
    service.rate(
        session,
        user=world.ent_user,
        request_id=fast.id,
        data=RateBody(satisfaction=5),
        now=sh(2025, 3, 26, 9),
    )
    service.rate(
        session,
        user=world.ent_user,
        request_id=slow.id,
        data=RateBody(satisfaction=4),
        now=sh(2025, 3, 26, 9),
    )
    stats = sla_stats(
        session,
        park_id=world.park.id,
        since=sh(2025, 3, 1),
        until=sh(2025, 4, 1),
        now=sh(2025, 4, 1),
    )
    cats = {r.key: r for r in stats.by_category}
    assert cats["融资贷款"].on_time == 1 and cats["融资贷款"].on_time_rate == 100
    assert cats["用地"].overdue == 1 and cats["用地"].on_time_rate == 0
    assert str(stats.overall.satisfaction) == "4.50"
    dept = stats.by_department[0]
    assert dept.label == "市药监局" and dept.total == 2 and str(dept.on_time_rate) == "50.0"
    empty = sla_stats(session, park_id=world.park.id, since=sh(2024, 1, 1), until=sh(2024, 2, 1))
    assert empty.overall.total == 0 and empty.overall.on_time_rate is None
