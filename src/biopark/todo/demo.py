"""Demo work that is due: every working role finds its to-do list full on a fresh load.

Dates count back from the day the demo is loaded. Rows go through the owning
domains' service functions, as a person would have made them. Some requests
are left past their SLA and not escalated, so that the scheduled escalation
job has work in its first minute. Loaded once: the marker is the first lead.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.enterprises import records
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import FollowUpCreate
from biopark.investment import consult, projects
from biopark.investment.models import Lead
from biopark.investment.schemas import ConsultationCreate, ProjectCreate
from biopark.kit.dates import SHANGHAI, today
from biopark.kit.workcal import add_working_hours, is_working_day
from biopark.parks.models import Department, Park
from biopark.pipeline import proposals
from biopark.pipeline.models import Drug
from biopark.pipeline.schemas import ProposalCreate
from biopark.pipeline.stages import Stage as DrugStage
from biopark.services import dispatching
from biopark.services import service as requests
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    ReplyBody,
    RequestCreate,
    RespondBody,
)
from biopark.tasks import service as tasks
from biopark.tasks.models import CoordTask
from biopark.tasks.schemas import MilestoneCreate

MARKER_COMPANY = "武汉示例抗体药物有限公司（演示）"
DEPARTMENT = "市经济信息委"


def _working_days_ago(days: int, at: time = time(9, 30)) -> datetime:
    day = today()
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return datetime.combine(day, at, SHANGHAI)


def _user(session: Session, park: Park, role: Role) -> User | None:
    return session.scalar(
        select(User)
        .where(User.park_id == park.id, User.role == role, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def load(session: Session, *, park: Park) -> None:
    """Add the due and overdue work once."""
    if session.scalar(
        select(Lead.id).where(Lead.park_id == park.id, Lead.company == MARKER_COMPANY)
    ):
        return
    officer = _user(session, park, Role.investment_officer)
    if officer is not None:
        _investment(session, park, officer)
    ents = {
        e.short_name or e.name: e
        for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    dept = session.scalar(
        select(Department).where(Department.park_id == park.id, Department.short_name == DEPARTMENT)
    )
    liaison = (
        session.scalar(
            select(User).where(User.department_id == dept.id, User.role == Role.department)
        )
        if dept is not None
        else None
    )
    commissioner = _user(session, park, Role.commissioner)
    if commissioner is not None and dept is not None and liaison is not None:
        _requests(session, commissioner, liaison, dept, ents)
        _follow_ups(session, commissioner, ents)
    leader = _user(session, park, Role.leader)
    if leader is not None and dept is not None:
        _milestones(session, park, leader, dept)
    _proposals(session, park)
    session.flush()


def _investment(session: Session, park: Park, officer: User) -> None:
    # One consultation came in two working days ago and is past its first-contact SLA.
    late = consult.create_consultation(
        session,
        park=park,
        data=ConsultationCreate(
            company=MARKER_COMPANY,
            contact_name="周经理",
            phone="13800000021",
            industry="抗体药物",
            message="计划在西南布局抗体药物中试和商业化生产基地，希望了解用地和厂房。",
        ),
        now=_working_days_ago(2, time(10, 0)),
    )
    late.owner_id, late.is_demo = officer.id, True
    fresh = consult.create_consultation(
        session,
        park=park,
        data=ConsultationCreate(
            company="杭州示例核酸药物有限公司（演示）",
            contact_name="吴总",
            phone="13800000022",
            industry="小核酸药物",
            message="寻找可快速入驻的GMP厂房，约3000平方米。",
        ),
    )
    fresh.owner_id, fresh.is_demo = officer.id, True
    for name, company, action, due in (
        (
            "示例ADC药物中试基地项目",
            "上海示例偶联药物有限公司（演示）",
            "约见企业董事长敲定投资协议条款",
            today(),
        ),
        (
            "示例眼科创新药产业化项目",
            "广州示例眼科药业有限公司（演示）",
            "提交项目用地预审材料",
            today() - timedelta(days=5),
        ),
    ):
        project = projects.create_project(
            session,
            user=officer,
            data=ProjectCreate(
                name=name, company=company, owner_id=officer.id, next_action=action, due_on=today()
            ),
            is_demo=True,
        )
        # A past due date is refused when set; the demo ages the project as time would have.
        project.due_on = due


def _requests(
    session: Session,
    commissioner: User,
    liaison: User,
    dept: Department,
    ents: dict[str, Enterprise],
) -> None:
    def submit(short: str, category: str, title: str, content: str, at: datetime) -> int | None:
        ent = ents.get(short)
        if ent is None:
            return None
        req = requests.submit_request(
            session,
            user=commissioner,
            data=RequestCreate(
                category=category, title=title, content=content, enterprise_id=ent.id
            ),
            now=at,
        )
        req.is_demo = True
        return req.id

    # Closed a day ago: the enterprise is asked to rate it.
    at = _working_days_ago(4)
    rid = submit(
        "智翔金泰",
        "人才",
        "研发中心博士后工作站备案",
        "申请设立博士后科研工作站，请协助准备备案材料。",
        at,
    )
    if rid is not None:
        requests.respond(
            session,
            user=commissioner,
            request_id=rid,
            data=RespondBody(note="已受理，今日对接人社部门。"),
            now=add_working_hours(at, 0.5),
        )
        requests.make_plan(
            session,
            user=commissioner,
            request_id=rid,
            data=PlanBody(plan="协助企业对照备案条件整理材料并报送。"),
            now=add_working_hours(at, 4),
        )
        requests.close(
            session,
            user=commissioner,
            request_id=rid,
            data=CloseBody(resolution="备案材料已报送，工作站获批设立。"),
            now=add_working_hours(at, 20),
        )
    # The department answered: the commissioner closes it.
    at = _working_days_ago(3)
    rid = submit(
        "植恩",
        "市场准入",
        "中药配方颗粒进入医保挂网",
        "两个中药配方颗粒品种希望纳入本市医保挂网采购。",
        at,
    )
    if rid is not None:
        dispatching.dispatch(
            session,
            user=commissioner,
            request_id=rid,
            data=DispatchBody(department_ids=[dept.id], note="请协助对接挂网流程"),
            now=add_working_hours(at, 1),
        )
        dispatching.reply(
            session,
            user=liaison,
            request_id=rid,
            data=ReplyBody(reply="已与医保部门沟通，下周受理挂网申请。"),
            now=add_working_hours(at, 10),
        )
    # Dispatched six working days ago and not answered: the department's reply is late.
    at = _working_days_ago(6)
    rid = submit(
        "精准生物",
        "审评审批",
        "CAR-T细胞制备车间技改备案",
        "细胞制备车间技改项目需办理备案，请协调审批时限。",
        at,
    )
    if rid is not None:
        dispatching.dispatch(
            session,
            user=commissioner,
            request_id=rid,
            data=DispatchBody(department_ids=[dept.id], note="请加快技改备案"),
            now=add_working_hours(at, 1),
        )
    # Submitted two working days ago and never answered: past the response SLA.
    submit(
        "全干医科",
        "融资贷款",
        "手术器械产线设备融资租赁对接",
        "新产线设备约2000万元，希望对接融资租赁机构。",
        _working_days_ago(2, time(14, 0)),
    )
    # Answered but no plan for over a day: the plan clock has run out.
    at = _working_days_ago(3, time(11, 0))
    rid = submit(
        "博唯生物",
        "人才",
        "疫苗质量受权人职称评审",
        "两名质量受权人申请正高级工程师职称评审绿色通道。",
        at,
    )
    if rid is not None:
        requests.respond(
            session,
            user=commissioner,
            request_id=rid,
            data=RespondBody(note="已收悉，正在了解评审安排。"),
            now=add_working_hours(at, 0.5),
        )


def _follow_ups(session: Session, commissioner: User, ents: dict[str, Enterprise]) -> None:
    for short, ago, note, step, due in (
        ("博唯生物", 20, "走访企业，了解九价HPV疫苗产能爬坡情况。", "协调疫苗冷链仓储用地", -2),
        ("植恩", 6, "企业反映中药饮片车间环保验收进度慢。", "陪同企业对接环保验收", 3),
    ):
        ent = ents.get(short)
        if ent is None:
            continue
        records.add_follow_up(
            session,
            user=commissioner,
            enterprise_id=ent.id,
            data=FollowUpCreate(
                happened_on=today() - timedelta(days=ago),
                note=note,
                next_step=step,
                due_on=today() + timedelta(days=due),
            ),
        )


def _milestones(session: Session, park: Park, leader: User, dept: Department) -> None:
    task = session.scalar(
        select(CoordTask)
        .where(CoordTask.park_id == park.id, CoordTask.lead_department_id == dept.id)
        .order_by(CoordTask.id)
        .limit(1)
    )
    if task is None:
        return
    for title, days in (("完成招商目录企业信息核对", -4), ("提交产业链图谱终稿", 6)):
        tasks.add_milestone(
            session,
            user=leader,
            task_id=task.id,
            data=MilestoneCreate(title=title, due_on=today() + timedelta(days=days)),
        )


def _proposals(session: Session, park: Park) -> None:
    drugs = {
        d.code: d for d in session.scalars(select(Drug).where(Drug.park_id == park.id)) if d.code
    }
    items: list[tuple[str, str, str, str | None, DrugStage | None, date]] = [
        (
            "GR1803",
            "GR1803注射液II期临床试验完成首例受试者给药",
            "GR1803注射液：进入II期临床",
            "clinical_trial",
            DrugStage.phase2,
            today() - timedelta(days=3),
        ),
        (
            "JZ-CD19",
            "普基奥仑赛注射液与一家海外公司签署大中华区以外权益的授权许可协议",
            "普基奥仑赛注射液：授权许可交易",
            "licensing_deal",
            None,
            today() - timedelta(days=1),
        ),
    ]
    for code, text, title, event, stage, on in items:
        drug = drugs.get(code)
        if drug is None:
            continue
        proposals.create_proposal(
            session,
            park_id=park.id,
            data=ProposalCreate(
                drug_id=drug.id,
                source_text=text,
                title=title,
                event_type=event,
                proposed_stage=stage,
                proposed_on=on,
                source_title="演示新闻：" + title,
            ),
        )
