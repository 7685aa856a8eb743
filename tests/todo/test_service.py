"""我的待办 sources: each role sees its own work, within its domain's visibility, overdue flagged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from biopark.accounts.models import Role
from biopark.enterprises import records
from biopark.enterprises.schemas import FollowUpCreate
from biopark.investment import consult, leads
from biopark.investment.models import Stage
from biopark.investment.schemas import ConsultationCreate, LeadClose
from biopark.kit.dates import now_utc, today
from biopark.pipeline import proposals
from biopark.pipeline.schemas import ProposalCreate, ProposalDecision
from biopark.policies import service as policies
from biopark.services import dispatching
from biopark.services import service as requests
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RespondBody,
)
from biopark.services.sla import escalate_overdue
from biopark.tasks import service as tasks
from biopark.tasks.models import TaskStatus
from biopark.tasks.schemas import MilestoneCreate
from biopark.todo import service
from biopark.todo.schemas import TodoItem
from tests.builders import make_department, make_enterprise, make_user
from tests.dashboard.builders import add_article, make_world
from tests.investment.builders import make_project
from tests.pipeline.builders import make_drug
from tests.policies.builders import make_policy
from tests.services.builders import make_request
from tests.tasks.builders import make_task
from tests.todo.builders import LONG_AGO, QueryCounter, make_office, recent

ALL_SOURCES = service.SOURCES


def _consult(session: Session, office, company: str, at):  # type: ignore[no-untyped-def]
    lead = consult.create_consultation(
        session,
        park=office.park,
        data=ConsultationCreate(company=company, contact_name="张经理", phone="13800000001"),
        now=at,
    )
    lead.owner_id = office.officer.id
    session.flush()
    return lead


# --- investment ------------------------------------------------------------------------------


def test_lead_items_list_own_uncontacted_leads_inside_and_past_sla(session: Session) -> None:
    office = make_office(session)
    fresh = _consult(session, office, "重庆新线索生物有限公司", recent())
    late = _consult(session, office, "重庆迟到线索药业有限公司", LONG_AGO)
    other = make_user(session, office.park, Role.investment_officer)
    theirs = _consult(session, office, "重庆别人的线索有限公司", recent())
    theirs.owner_id = other.id
    closed = _consult(session, office, "重庆已关闭线索有限公司", recent())
    leads.close_lead(
        session, user=office.officer, lead_id=closed.id, data=LeadClose(reason="无意向")
    )
    session.flush()

    items = {i.subject: i for i in service.lead_items(session, user=office.officer)}
    assert set(items) == {fresh.company, late.company}
    assert items[late.company].overdue and not items[fresh.company].overdue
    assert items[late.company].action == "首次联系"
    assert items[late.company].url == f"/investment/leads/{late.id}"
    assert [i.subject for i in service.lead_items(session, user=other)] == [theirs.company]


def test_contacted_lead_returns_only_when_its_next_action_is_due(session: Session) -> None:
    office = make_office(session)
    lead = _consult(session, office, "重庆已联系线索有限公司", recent())
    leads.mark_contacted(
        session,
        user=office.officer,
        lead_id=lead.id,
        next_action="寄送园区资料",
        due_at=now_utc() + timedelta(days=10),
    )
    assert service.lead_items(session, user=office.officer) == []
    lead.due_at = now_utc() - timedelta(hours=2)
    session.flush()
    [item] = service.lead_items(session, user=office.officer)
    assert item.action == "寄送园区资料" and item.overdue


def test_project_items_due_today_or_overdue_of_own_open_projects(session: Session) -> None:
    office = make_office(session)
    on = today()
    due_today = make_project(session, office.officer, due_on=on, next_action="签约谈判")
    late = make_project(session, office.officer, due_on=on - timedelta(days=3))
    make_project(session, office.officer, due_on=on + timedelta(days=7))
    make_project(session, office.officer, due_on=on - timedelta(days=3), stage=Stage.terminated)
    make_project(session, make_user(session, office.park, Role.investment_officer), due_on=on)

    items = {i.subject: i for i in service.project_items(session, user=office.officer)}
    assert set(items) == {due_today.name, late.name}
    assert items[late.name].overdue and not items[due_today.name].overdue
    assert items[due_today.name].action == "签约谈判" and items[due_today.name].all_day
    assert service.project_items(session, user=office.commissioner) == []


# --- requests --------------------------------------------------------------------------------


def test_commissioner_sees_only_own_enterprises_requests_with_next_step(session: Session) -> None:
    office = make_office(session)
    other_commissioner = make_user(session, office.park, Role.commissioner)
    other_ent = make_enterprise(session, office.park, commissioner_id=other_commissioner.id)
    new = make_request(session, office.commissioner, enterprise_id=office.ent.id, now=recent())
    late = make_request(
        session, office.commissioner, enterprise_id=office.ent.id, title="逾期未响应", now=LONG_AGO
    )
    responded = make_request(
        session, office.commissioner, enterprise_id=office.ent.id, title="待方案", now=recent()
    )
    requests.respond(
        session, user=office.commissioner, request_id=responded.id, data=RespondBody(note="收到")
    )
    make_request(session, office.commissioner, enterprise_id=other_ent.id, title="别人的诉求")

    items = {i.url: i for i in service.request_items(session, user=office.commissioner)}
    assert set(items) == {f"/requests/{r.id}" for r in (new, late, responded)}
    assert items[f"/requests/{late.id}"].overdue
    assert not items[f"/requests/{new.id}"].overdue
    assert items[f"/requests/{new.id}"].action == "响应诉求"
    assert items[f"/requests/{responded.id}"].action == "制定办理方案"
    assert items[f"/requests/{responded.id}"].due_at == responded.plan_due_at
    theirs = service.request_items(session, user=other_commissioner)
    assert [i.subject.split(" · ")[1] for i in theirs] == ["别人的诉求"]


def test_replied_request_waits_for_the_commissioner_to_close(session: Session) -> None:
    office = make_office(session)
    req = make_request(session, office.commissioner, enterprise_id=office.ent.id)
    dispatching.dispatch(
        session,
        user=office.commissioner,
        request_id=req.id,
        data=DispatchBody(department_ids=[office.dept.id]),
    )
    assert service.request_items(session, user=office.commissioner) == []
    dispatching.reply(
        session, user=office.department, request_id=req.id, data=ReplyBody(reply="已办理")
    )
    [item] = service.request_items(session, user=office.commissioner)
    assert item.action == "部门已答复，办结诉求"


def test_department_sees_only_its_unanswered_dispatches(session: Session) -> None:
    office = make_office(session)
    other_dept = make_department(session, office.park)
    other_user = make_user(session, office.park, Role.department, department_id=other_dept.id)
    mine = make_request(session, office.commissioner, enterprise_id=office.ent.id, now=LONG_AGO)
    theirs = make_request(session, office.commissioner, enterprise_id=office.ent.id, title="他部门")
    dispatching.dispatch(
        session,
        user=office.commissioner,
        request_id=mine.id,
        data=DispatchBody(department_ids=[office.dept.id]),
        now=LONG_AGO,
    )
    dispatching.dispatch(
        session,
        user=office.commissioner,
        request_id=theirs.id,
        data=DispatchBody(department_ids=[other_dept.id]),
    )
    [item] = service.request_items(session, user=office.department)
    assert item.kind == "reply" and item.url == f"/requests/{mine.id}" and item.overdue
    assert [i.url for i in service.request_items(session, user=other_user)] == [
        f"/requests/{theirs.id}"
    ]
    dispatching.reply(
        session, user=office.department, request_id=mine.id, data=ReplyBody(reply="好")
    )
    assert service.request_items(session, user=office.department) == []


def test_enterprise_rates_only_its_own_closed_requests(session: Session) -> None:
    office = make_office(session)
    other_ent = make_enterprise(session, office.park)
    other_user = make_user(session, office.park, Role.enterprise, enterprise_id=other_ent.id)
    mine = make_request(session, office.commissioner, enterprise_id=office.ent.id)
    theirs = make_request(session, office.commissioner, enterprise_id=other_ent.id)
    for req in (mine, theirs):
        requests.respond(
            session, user=office.commissioner, request_id=req.id, data=RespondBody(note="好")
        )
        requests.make_plan(
            session, user=office.commissioner, request_id=req.id, data=PlanBody(plan="办")
        )
        requests.close(
            session, user=office.commissioner, request_id=req.id, data=CloseBody(resolution="完")
        )

    [item] = service.rating_items(session, user=office.enterprise_user)
    assert (item.kind, item.url, item.overdue) == ("rating", f"/requests/{mine.id}", False)
    assert [i.url for i in service.rating_items(session, user=other_user)] == [
        f"/requests/{theirs.id}"
    ]
    requests.rate(
        session, user=office.enterprise_user, request_id=mine.id, data=RateBody(satisfaction=5)
    )
    assert service.rating_items(session, user=office.enterprise_user) == []
    assert service.rating_items(session, user=office.commissioner) == []


def test_leader_sees_escalated_requests_of_the_own_park_only(session: Session) -> None:
    office = make_office(session)
    late = make_request(session, office.commissioner, enterprise_id=office.ent.id, now=LONG_AGO)
    make_request(session, office.commissioner, enterprise_id=office.ent.id, now=recent())
    assert service.escalation_items(session, user=office.leader) == []
    escalate_overdue(session, now=now_utc(), park_id=office.park.id)

    [item] = service.escalation_items(session, user=office.leader)
    assert item.url == f"/requests/{late.id}" and item.overdue
    assert item.due_at == late.respond_due_at
    stranger = make_office(session)
    assert service.escalation_items(session, user=stranger.leader) == []
    assert service.escalation_items(session, user=office.commissioner) == []


# --- tasks -----------------------------------------------------------------------------------


def test_department_reports_on_led_and_joined_tasks_and_completes_led_milestones(
    session: Session,
) -> None:
    office = make_office(session)
    other_dept = make_department(session, office.park)
    on = today()
    led = make_task(session, office.park, office.dept, deadline=on - timedelta(days=2))
    joined = make_task(
        session,
        office.park,
        other_dept,
        deadline=on + timedelta(days=5),
        partner_ids=[office.dept.id],
    )
    make_task(session, office.park, office.dept, deadline=on + timedelta(days=90))
    done = make_task(session, office.park, office.dept, deadline=on)
    done.status = TaskStatus.done
    tasks.add_milestone(
        session,
        user=office.leader,
        task_id=led.id,
        data=MilestoneCreate(title="完成调研", due_on=on - timedelta(days=1)),
    )
    tasks.add_milestone(
        session,
        user=office.leader,
        task_id=joined.id,
        data=MilestoneCreate(title="他部门节点", due_on=on),
    )
    session.flush()

    items = service.task_items(session, user=office.department)
    by_kind = {(i.kind, i.url): i for i in items}
    assert set(by_kind) == {
        ("task", f"/tasks/{led.id}"),
        ("task", f"/tasks/{joined.id}"),
        ("milestone", f"/tasks/{led.id}"),
    }
    assert by_kind[("task", f"/tasks/{led.id}")].overdue
    assert not by_kind[("task", f"/tasks/{joined.id}")].overdue
    assert by_kind[("milestone", f"/tasks/{led.id}")].subject.endswith("完成调研")
    outsider = make_user(session, office.park, Role.department)
    assert service.task_items(session, user=outsider) == []
    assert service.task_items(session, user=office.leader) == []


# --- enterprises, policies, pipeline --------------------------------------------------------


def test_followup_items_show_the_latest_next_step_of_own_enterprises(session: Session) -> None:
    office = make_office(session)
    on = today()

    def follow(ent_id: int, ago: int, step: str, due: int) -> None:
        records.add_follow_up(
            session,
            user=office.commissioner,
            enterprise_id=ent_id,
            data=FollowUpCreate(
                happened_on=on - timedelta(days=ago),
                note="走访",
                next_step=step,
                due_on=on + timedelta(days=due),
            ),
        )

    follow(office.ent.id, 30, "旧的下一步", -20)
    follow(office.ent.id, 10, "协调用地", -1)
    second = make_enterprise(session, office.park, commissioner_id=office.commissioner.id)
    follow(second.id, 2, "再次走访", 30)
    [item] = service.followup_items(session, user=office.commissioner)
    assert (item.action, item.overdue) == ("协调用地", True)
    assert item.url == f"/enterprises/{office.ent.id}#plan"
    other = make_user(session, office.park, Role.commissioner)
    assert service.followup_items(session, user=other) == []


def test_policy_push_items_until_pushed(session: Session) -> None:
    office = make_office(session)
    office.ent.tags = ["高新技术企业"]
    elsewhere = make_enterprise(session, office.park, tags=["高新技术企业"])
    policy = make_policy(session, office.park, valid_from=today() - timedelta(days=1))
    session.flush()
    [item] = service.policy_push_items(session, user=office.commissioner)
    assert item.url == f"/policies/{policy.id}"
    assert office.ent.name in item.subject and elsewhere.name not in item.subject
    policies.mark_pushed(
        session, user=office.commissioner, policy_id=policy.id, enterprise_id=office.ent.id
    )
    assert service.policy_push_items(session, user=office.commissioner) == []
    assert service.policy_push_items(session, user=office.enterprise_user) == []


def test_analyst_reviews_pending_proposals_of_the_own_park(session: Session) -> None:
    office = make_office(session)
    drug = make_drug(session, office.park)
    pending = proposals.create_proposal(
        session,
        park_id=office.park.id,
        data=ProposalCreate(drug_id=drug.id, source_text="获批临床", title="获批临床试验"),
    )
    decided = proposals.create_proposal(
        session,
        park_id=office.park.id,
        data=ProposalCreate(drug_id=drug.id, source_text="旧闻", title="旧闻一则"),
    )
    proposals.reject_proposal(
        session, user=office.analyst, proposal_id=decided.id, data=ProposalDecision(note="重复")
    )
    [item] = service.proposal_items(session, user=office.analyst)
    assert item.subject == pending.title and item.url == "/pipeline/proposals"
    assert service.proposal_items(session, user=make_office(session).analyst) == []
    assert service.proposal_items(session, user=office.officer) == []


def test_leader_sees_news_figures_the_ledger_contradicts(session: Session) -> None:
    world = make_world(session)
    add_article(session, world.park)
    items = service.discrepancy_items(session, user=world.leader)
    assert items and all(i.kind == "discrepancy" for i in items)
    assert any("到位资金" in i.subject for i in items)
    assert all(i.url.startswith("/intel/documents/") for i in items)
    officer = make_user(session, world.park, Role.investment_officer)
    assert service.discrepancy_items(session, user=officer) == []


# --- the whole list --------------------------------------------------------------------------


def test_every_source_is_empty_for_a_user_with_nothing_to_do(session: Session) -> None:
    office = make_office(session)
    for user in (
        office.leader,
        office.officer,
        office.commissioner,
        office.department,
        office.enterprise_user,
        office.analyst,
        office.admin,
    ):
        assert service.todo_for(session, user=user) == [], user.role


def test_admin_has_no_personal_list_even_where_admins_may_act(session: Session) -> None:
    office = make_office(session)
    drug = make_drug(session, office.park)
    proposals.create_proposal(
        session,
        park_id=office.park.id,
        data=ProposalCreate(drug_id=drug.id, source_text="新闻", title="获批上市"),
    )
    assert service.todo_for(session, user=office.admin) == []
    assert len(service.todo_for(session, user=office.analyst)) == 1


def test_overdue_first_then_by_due_date_undated_last() -> None:
    now = now_utc()

    def item(name: str, due_hours: float | None, overdue: bool) -> TodoItem:
        due = None if due_hours is None else now + timedelta(hours=due_hours)
        return TodoItem(
            kind="request", action="办", subject=name, url="/", due_at=due, overdue=overdue
        )

    ordered = service.sort_items(
        [
            item("later", 48, False),
            item("undated", None, False),
            item("old", -48, True),
            item("soon", 2, False),
            item("recent", -1, True),
        ]
    )
    assert [i.subject for i in ordered] == ["old", "recent", "soon", "later", "undated"]


def test_query_count_does_not_grow_with_the_number_of_items(session: Session) -> None:
    office = make_office(session)

    def fill(n: int) -> None:
        for k in range(n):
            req = make_request(
                session, office.commissioner, enterprise_id=office.ent.id, title=f"诉求{k}"
            )
            dispatching.dispatch(
                session,
                user=office.commissioner,
                request_id=req.id,
                data=DispatchBody(department_ids=[office.dept.id]),
            )
            make_request(session, office.commissioner, enterprise_id=office.ent.id, now=LONG_AGO)
            make_project(session, office.officer, due_on=today())
            make_task(session, office.park, office.dept, deadline=today())
        escalate_overdue(session, now=now_utc(), park_id=office.park.id)

    users = (office.leader, office.officer, office.commissioner, office.department)

    def queries() -> list[int]:
        counts = []
        for user in users:
            session.expire_all()
            with QueryCounter(session) as counter:
                service.todo_for(session, user=user)
            counts.append(counter.count)
        return counts

    fill(2)
    few = queries()
    fill(6)
    many = queries()
    assert few == many
    assert len(service.todo_for(session, user=office.department)) == 16
