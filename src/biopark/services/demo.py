"""Demo requests in every state, some overdue and escalated (loading twice changes nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.enterprises.models import Enterprise
from biopark.investment.demo_data import YEAR
from biopark.kit.dates import SHANGHAI
from biopark.kit.models import utcnow
from biopark.kit.workcal import add_working_hours, working_hours_between
from biopark.parks.models import Department, Park
from biopark.services import dispatching, service
from biopark.services.demo_history import HISTORY
from biopark.services.models import ServiceRequest
from biopark.services.schemas import (
    CloseBody,
    DispatchBody,
    PlanBody,
    RateBody,
    ReplyBody,
    RequestCreate,
    RespondBody,
    WithdrawBody,
)
from biopark.services.sla import escalate_overdue

# Not an argon2 hash: verification fails and sign-in is refused.
UNUSABLE_PASSWORD = "!demo-contact"

# (enterprise short name, category, title, content, working hours before now it was submitted,
#  steps as (action, working hours after submission, argument)).
REQUESTS: list[tuple[str, str, str, str, float, list[tuple[str, float, Any]]]] = [
    (
        "智睿生物",
        "人才",
        "引进海外抗体药物研发团队的落户与子女入学",
        "拟引进3名海外高层次人才，请协助办理人才落户、人才公寓和子女入学。",
        0.2,
        [],
    ),
    (
        "宸安生物",
        "用地",
        "二期胰岛素原料药车间用地指标",
        "二期项目需新增工业用地约40亩，请协调用地指标和规划条件。",
        30,
        [],
    ),
    (
        "精准生物",
        "融资贷款",
        "CAR-T产业化项目中长期贷款贴息",
        "产业化基地建设贷款1.5亿元，咨询贴息政策及申报材料。",
        4,
        [("respond", 0.5, "已收悉，专员将于今日联系企业财务负责人。")],
    ),
    (
        "博唯生物",
        "市场准入",
        "九价HPV疫苗批签发后进入省级采购平台",
        "疫苗获批后希望尽快完成挂网采购，请协助对接采购平台。",
        12,
        [("respond", 0.8, "已受理。"), ("plan", 6, "梳理挂网流程，协调医保、卫健部门专题会。")],
    ),
    (
        "美莱德生物",
        "审评审批",
        "细胞治疗产品药品生产许可证现场检查排期",
        "生产线已具备检查条件，希望尽早安排药品生产许可现场检查。",
        90,
        [("dispatch", 1, (["市药监局"], "请药监局安排现场检查排期"))],
    ),
    (
        "智翔金泰",
        "临床试验对接",
        "双抗新药III期临床试验牵头医院对接",
        "III期临床需在本市增加3家研究中心，请协助对接三甲医院伦理委员会。",
        8,
        [
            (
                "dispatch",
                0.7,
                (["市卫生健康委", "市经济信息委"], "请卫健委协调医院，经信委跟进产业配套"),
            )
        ],
    ),
    (
        "科瑞制药",
        "融资贷款",
        "原料药技改项目流动资金贷款",
        "技改项目需流动资金5000万元，希望对接银行专项产品。",
        40,
        [
            ("respond", 0.3, "已受理。"),
            ("plan", 5, "对接金融管理局和合作银行。"),
            ("dispatch", 6, (["市金融管理局"], None)),
            ("reply", 20, ("市金融管理局", "已推荐3家银行专项产品，银行将上门对接。")),
        ],
    ),
    (
        "植恩",
        "人才",
        "执业药师和质量受权人招聘补贴",
        "新建口服固体制剂车间需招聘质量受权人，咨询人才引进补贴。",
        50,
        [
            ("respond", 0.4, "已受理。"),
            ("plan", 3, "由专员解读补贴政策并协助申报。"),
            ("close", 30, "已讲解政策，企业已提交补贴申报。"),
        ],
    ),
    (
        "雅培",
        "市场准入",
        "营养品新品进入医院和零售渠道的注册咨询",
        "新品拟在西南区域上市，咨询注册备案和医院准入要求。",
        120,
        [
            ("dispatch", 0.5, (["市医保局", "市市场监管局"], "请两部门分别答复")),
            ("reply", 18, ("市医保局", "已说明医院准入和挂网流程。")),
            ("reply", 25, ("市市场监管局", "已说明注册备案要求和材料清单。")),
            ("close", 30, "两部门均已答复，企业已确认。"),
            ("rate", 32, (5, "答复及时、清楚")),
        ],
    ),
    (
        "智翔金泰",
        "审评审批",
        "单抗新药上市许可申请优先审评沟通",
        "拟申请优先审评，希望与审评机构召开沟通交流会议。",
        200,
        [
            ("respond", 0.3, "已受理，专员今日对接。"),
            ("plan", 4, "由市药监局协助准备沟通交流材料。"),
            ("dispatch", 5, (["市药监局"], None)),
            ("reply", 30, ("市药监局", "已指导企业提交沟通交流申请，会议已排期。")),
            ("close", 40, "沟通交流会议已召开。"),
            ("rate", 45, (4, "总体满意")),
        ],
    ),
    (
        "伍舒芳",
        "用地",
        "中药提取车间扩建的规划调整",
        "扩建需调整容积率，希望协调规划条件变更。",
        150,
        [
            ("respond", 0.5, "已受理。"),
            ("plan", 8, "协调规划部门研究。"),
            ("dispatch", 9, (["市规划自然资源局"], None)),
            ("reply", 40, ("市规划自然资源局", "需按程序开展论证，周期约三个月。")),
            ("close", 45, "已告知企业办理程序。"),
            ("rate", 50, (2, "没有给出可行的时间表")),
        ],
    ),
    (
        "嘉奥手术机器人",
        "审评审批",
        "手术机器人创新医疗器械特别审查申请辅导",
        "拟申请创新医疗器械特别审查程序，希望获得申报辅导。",
        180,
        [
            ("respond", 2, "已受理。"),
            ("plan", 30, "请药监局组织专家辅导。"),
            ("dispatch", 31, (["市药监局"], None)),
            ("reply", 70, ("市药监局", "已组织专家辅导两次。")),
            ("close", 80, "申报材料已提交。"),
            ("rate", 85, (3, "办结时间较长")),
        ],
    ),
    (
        "全干医科",
        "其他",
        "参加国际医疗器械展会的展位补贴",
        "计划参加海外医疗器械展，咨询展位费补贴。",
        60,
        [("respond", 0.2, "已受理。"), ("close", 8, "已说明商务部门补贴申报渠道。")],
    ),
    (
        "嘉士腾",
        "临床试验对接",
        "体外诊断试剂临床评价机构对接",
        "需在2家三甲医院开展临床评价，希望协助对接。",
        100,
        [
            ("dispatch", 0.6, (["市科技局"], None)),
            ("reply", 70, ("市科技局", "已推荐2家临床评价机构。")),
        ],
    ),
    (
        "宸安生物",
        "用地",
        "冷链仓库临时用地申请",
        "新增冷链仓库需临时用地约5亩，咨询审批流程。",
        30,
        [("respond", 0.5, "已受理。"), ("withdraw", 6, "已在园区标准厂房内解决")],
    ),
]


def _account(
    session: Session,
    park: Park,
    username: str,
    display: str,
    role: Role,
    *,
    enterprise_id: int | None = None,
    department_id: int | None = None,
) -> User:
    """A demo contact account that cannot sign in until an admin sets its password.

    Written directly rather than through accounts.create_user: hashing a throwaway
    password costs half a second per account and nobody would ever know it.
    """
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(
            park_id=park.id,
            username=username,
            display_name=display,
            password_hash=UNUSABLE_PASSWORD,
            role=role,
            enterprise_id=enterprise_id,
            department_id=department_id,
        )
        session.add(user)
        session.flush()
    return user


def _liaison(session: Session, park: Park, dept: Department) -> User:
    name = dept.short_name or dept.name
    return _account(
        session,
        park,
        f"demo-liaison-{dept.id}",
        f"{name}联络员",
        Role.department,
        department_id=dept.id,
    )


def load(session: Session, *, park: Park) -> None:
    """Create the demo requests once, walking each through the real workflow."""
    exists = session.scalar(
        select(ServiceRequest.id).where(
            ServiceRequest.park_id == park.id, ServiceRequest.is_demo.is_(True)
        )
    )
    if exists is not None:
        return
    enterprises = {
        e.short_name or e.name: e
        for e in session.scalars(select(Enterprise).where(Enterprise.park_id == park.id))
    }
    depts = {
        d.short_name or d.name: d
        for d in session.scalars(select(Department).where(Department.park_id == park.id))
    }
    commissioner = session.scalar(
        select(User).where(User.park_id == park.id, User.role == Role.commissioner)
    )
    if commissioner is None:
        return
    staff: dict[str, User] = {
        name: u
        for u in session.scalars(
            select(User).where(User.park_id == park.id, User.role == Role.department)
        )
        for name, d in depts.items()
        if u.department_id == d.id
    }
    now = utcnow()
    for short, category, title, content, age, steps in REQUESTS:
        ent = enterprises.get(short)
        if ent is None:
            continue
        submitted = _working_hours_before(now, age)
        req = service.submit_request(
            session,
            user=commissioner,
            data=RequestCreate(
                category=category, title=title, content=content, enterprise_id=ent.id
            ),
            now=submitted,
        )
        req.on_behalf = short == "全干医科"
        req.is_demo = True
        for action, after, arg in steps:
            at = add_working_hours(submitted, after)
            _step(session, park, req.id, commissioner, staff, depts, ent, action, arg, at)
    for short, category, title, content, day, steps in HISTORY:
        ent = enterprises.get(short)
        if ent is None:
            continue
        submitted = datetime.fromisoformat(f"{YEAR}-{day}T09:30:00+08:00").astimezone(UTC)
        req = service.submit_request(
            session,
            user=commissioner,
            data=RequestCreate(
                category=category, title=title, content=content, enterprise_id=ent.id
            ),
            now=submitted,
        )
        req.is_demo = True
        for action, after, arg in steps:
            at = add_working_hours(submitted, after)
            _step(session, park, req.id, commissioner, staff, depts, ent, action, arg, at)
    session.flush()
    escalate_overdue(session, now=now, park_id=park.id)


def _working_hours_before(now: datetime, hours: float) -> datetime:
    """The instant `hours` working hours before now (searching back day by day)."""
    probe = now - timedelta(hours=hours * 24 / 9 + 1)
    while working_hours_between(probe, now) < hours:
        probe -= timedelta(days=1)
    local = probe.astimezone(SHANGHAI)
    lo, hi = local, now.astimezone(SHANGHAI)
    for _ in range(40):
        mid = lo + (hi - lo) / 2
        if working_hours_between(mid, now) > hours:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)


def _step(
    session: Session,
    park: Park,
    request_id: int,
    commissioner: User,
    staff: dict[str, User],
    depts: dict[str, Department],
    ent: Enterprise,
    action: str,
    arg: Any,
    at: datetime,
) -> None:
    if action == "respond":
        service.respond(
            session, user=commissioner, request_id=request_id, data=RespondBody(note=arg), now=at
        )
    elif action == "plan":
        service.make_plan(
            session, user=commissioner, request_id=request_id, data=PlanBody(plan=arg), now=at
        )
    elif action == "dispatch":
        names, note = arg
        ids = [depts[n].id for n in names]
        dispatching.dispatch(
            session,
            user=commissioner,
            request_id=request_id,
            data=DispatchBody(department_ids=ids, note=note),
            now=at,
        )
    elif action == "reply":
        name, text = arg
        if name not in staff:
            staff[name] = _liaison(session, park, depts[name])
        dispatching.reply(
            session, user=staff[name], request_id=request_id, data=ReplyBody(reply=text), now=at
        )
    elif action == "close":
        service.close(
            session,
            user=commissioner,
            request_id=request_id,
            data=CloseBody(resolution=arg),
            now=at,
        )
    elif action == "withdraw":
        owner = session.scalar(
            select(User).where(User.role == Role.enterprise, User.enterprise_id == ent.id)
        )
        service.withdraw(
            session,
            user=owner or _enterprise_user(session, park, ent),
            request_id=request_id,
            data=WithdrawBody(reason=arg),
            now=at,
        )
    elif action == "rate":
        score, comment = arg
        rater = session.scalar(
            select(User).where(User.role == Role.enterprise, User.enterprise_id == ent.id)
        )
        if rater is None:
            rater = _enterprise_user(session, park, ent)
        service.rate(
            session,
            user=rater,
            request_id=request_id,
            data=RateBody(satisfaction=score, comment=comment),
            now=at,
        )


def _enterprise_user(session: Session, park: Park, ent: Enterprise) -> User:
    name = ent.short_name or ent.name
    return _account(
        session, park, f"demo-ent-{ent.id}", f"{name}联络人", Role.enterprise, enterprise_id=ent.id
    )
