"""Demo catalogue of the Bio City's one-window service (loading twice changes nothing).

The items are written for the demo; names follow common Chinese government-service
wording, not any published list. Several are 零材料: they draw only on the enterprise
record and on earlier approved applications.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.audit import service as audit
from biopark.kit.dates import now_utc
from biopark.onewindow import catalogue, service
from biopark.onewindow.models import (
    MaterialKind,
    PartStatus,
    ServiceItem,
    Submission,
    SubmissionPart,
)
from biopark.onewindow.schemas import ItemCreate, MaterialIn
from biopark.parks.models import Department, Park

R, D, S = MaterialKind.record, MaterialKind.document, MaterialKind.submission
NAME = ("企业名称", R, "name")
FOUNDED = ("成立日期", R, "founded_on")
CAPITAL = ("注册资本", R, "registered_capital")
STAFF = ("从业人数", R, "employees")
CLUSTER = ("产业集群", R, "cluster")
CREDIT = ("统一社会信用代码", R, "credit_code")
LICENCE = ("营业执照", D, "营业执照")

# (code, name, category, zero-material, departments, materials, time limit in working days)
ITEMS: list[tuple[str, str, str, bool, list[str], list[tuple[str, MaterialKind, str]], int]] = [
    (
        "YC-QY-001",
        "入驻企业信息登记确认",
        "企业开办",
        True,
        ["巴南区政府", "市市场监管局"],
        [NAME, FOUNDED, CLUSTER],
        1,
    ),
    (
        "YC-QY-006",
        "工业投资项目备案信息确认",
        "企业开办",
        True,
        ["市经济信息委", "巴南区政府"],
        [NAME, CAPITAL, CLUSTER],
        3,
    ),
    (
        "YC-QY-002",
        "企业注册信息变更备案",
        "企业开办",
        False,
        ["市市场监管局", "市税务局"],
        [NAME, LICENCE, ("变更决议", D, "股东会决议")],
        3,
    ),
    ("YC-QY-003", "税务登记信息确认", "企业开办", True, ["市税务局"], [NAME, CAPITAL], 1),
    (
        "YC-QY-004",
        "社会保险单位参保登记",
        "企业开办",
        True,
        ["市人力社保局", "市医保局"],
        [NAME, STAFF],
        2,
    ),
    ("YC-QY-005", "住房公积金单位缴存登记", "企业开办", True, ["巴南区政府"], [NAME, STAFF], 2),
    (
        "YC-YP-001",
        "药品生产许可证核发",
        "药品监管",
        False,
        ["市药监局"],
        [
            NAME,
            LICENCE,
            ("质量管理体系文件", D, "质量管理体系文件"),
            ("厂区平面布局图", D, "厂区平面布局图"),
        ],
        30,
    ),
    (
        "YC-YP-002",
        "药品生产许可证变更（生产地址）",
        "药品监管",
        False,
        ["市药监局", "市规划自然资源局"],
        [NAME, ("药品生产许可证", S, "YC-YP-001"), ("新址平面布局图", D, "新址平面布局图")],
        20,
    ),
    (
        "YC-YP-003",
        "药品生产质量管理规范符合性检查申请",
        "药品监管",
        False,
        ["市药监局"],
        [NAME, ("药品生产许可证", S, "YC-YP-001"), ("自查报告", D, "GMP自查报告")],
        20,
    ),
    (
        "YC-YP-004",
        "第二类医疗器械经营备案",
        "药品监管",
        True,
        ["市药监局", "市市场监管局"],
        [NAME, FOUNDED, CLUSTER],
        5,
    ),
    (
        "YC-YP-005",
        "药品上市许可持有人年度报告提交",
        "药品监管",
        True,
        ["市药监局"],
        [NAME, ("药品生产许可证", S, "YC-YP-001")],
        10,
    ),
    (
        "YC-HB-001",
        "建设项目环境影响评价文件审批",
        "项目建设",
        False,
        ["市生态环境局", "巴南区政府"],
        [NAME, ("环境影响报告书", D, "环境影响报告书")],
        30,
    ),
    (
        "YC-HB-002",
        "排污许可证申领",
        "项目建设",
        False,
        ["市生态环境局"],
        [NAME, ("环评批复", S, "YC-HB-001"), ("排污口设置说明", D, "排污口设置说明")],
        20,
    ),
    (
        "YC-HB-003",
        "危险废物产生单位管理计划备案",
        "项目建设",
        True,
        ["市生态环境局"],
        [NAME, CLUSTER, ("环评批复", S, "YC-HB-001")],
        5,
    ),
    (
        "YC-JS-001",
        "建设工程规划许可",
        "项目建设",
        False,
        ["市规划自然资源局", "市住房城乡建委"],
        [NAME, ("设计方案总平面图", D, "设计方案总平面图")],
        15,
    ),
    (
        "YC-JS-002",
        "建筑工程施工许可",
        "项目建设",
        False,
        ["市住房城乡建委", "巴南区政府"],
        [NAME, ("建设工程规划许可证", S, "YC-JS-001"), ("施工合同", D, "施工合同")],
        7,
    ),
    (
        "YC-JS-003",
        "竣工联合验收",
        "项目建设",
        False,
        ["市住房城乡建委", "市规划自然资源局", "市生态环境局"],
        [NAME, ("施工许可证", S, "YC-JS-002"), ("竣工验收报告", D, "竣工验收报告")],
        10,
    ),
    (
        "YC-KJ-001",
        "高新技术企业认定申报推荐",
        "科技人才",
        False,
        ["市科技局", "市财政局", "市税务局"],
        [NAME, FOUNDED, STAFF, ("研发费用专项审计报告", D, "研发费用专项审计报告")],
        30,
    ),
    (
        "YC-KJ-002",
        "科技型企业入库评价",
        "科技人才",
        True,
        ["市科技局"],
        [NAME, FOUNDED, STAFF, CAPITAL],
        10,
    ),
    (
        "YC-KJ-003",
        "研发费用加计扣除政策享受确认",
        "科技人才",
        True,
        ["市税务局", "市科技局"],
        [NAME, CAPITAL],
        5,
    ),
    (
        "YC-KJ-004",
        "专精特新中小企业申报推荐",
        "科技人才",
        False,
        ["市经济信息委"],
        [NAME, FOUNDED, STAFF, ("主导产品说明", D, "主导产品说明")],
        20,
    ),
    (
        "YC-RC-001",
        "外国人来华工作许可",
        "科技人才",
        False,
        ["市科技局", "市人力社保局"],
        [NAME, ("聘用合同", D, "外籍人员聘用合同")],
        10,
    ),
    (
        "YC-RC-002",
        "人才公寓入住资格确认",
        "科技人才",
        True,
        ["巴南区政府", "市人力社保局"],
        [NAME, STAFF],
        5,
    ),
    (
        "YC-MY-001",
        "进出口货物收发货人备案",
        "通关贸易",
        True,
        ["重庆海关", "市商务委"],
        [NAME, FOUNDED, CLUSTER],
        2,
    ),
    (
        "YC-MY-002",
        "特殊物品（生物制品）出入境卫生检疫审批",
        "通关贸易",
        False,
        ["重庆海关"],
        [NAME, ("特殊物品说明书", D, "特殊物品说明书")],
        20,
    ),
    (
        "YC-ZJ-001",
        "产业扶持资金兑现申请",
        "政策兑现",
        False,
        ["市经济信息委", "市财政局", "巴南区政府"],
        [NAME, CAPITAL, ("资金申请表", D, "扶持资金申请表")],
        15,
    ),
    (
        "YC-ZJ-002",
        "稳岗返还资格确认",
        "政策兑现",
        True,
        ["市人力社保局", "市财政局"],
        [NAME, STAFF],
        5,
    ),
    (
        "YC-ZJ-003",
        "知识产权质押融资贴息申请",
        "政策兑现",
        False,
        ["市知识产权局", "市金融管理局"],
        [NAME, CREDIT, ("质押登记通知书", D, "质押登记通知书")],
        15,
    ),
]

# Demo applications of the demo enterprise: (item code, outcome of each department in turn).
SUBMISSIONS: list[tuple[str, list[PartStatus]]] = [
    ("YC-YP-001", [PartStatus.approved]),
    ("YC-HB-001", [PartStatus.approved, PartStatus.approved]),
    ("YC-QY-004", [PartStatus.approved, PartStatus.processing]),
    ("YC-MY-001", [PartStatus.received, PartStatus.received]),
]
ENTERPRISE_USER = "demo-enterprise"


def _counter_submission(session: Session, *, user: User, item: ServiceItem) -> Submission:
    """A demo application handed in at the counter: materials listed, files not stored."""
    sub = Submission(
        park_id=item.park_id,
        number=f"YC-DEMO-{item.code}",
        enterprise_id=user.enterprise_id,
        item_id=item.id,
        status=PartStatus.received,
        materials=[
            {
                "name": m.name,
                "kind": m.kind.value,
                "source": m.source,
                "reused": False,
                "detail": "窗口收件",
            }
            for m in item.materials
        ],
        submitted_by_id=user.id,
        submitted_at=now_utc(),
        is_demo=True,
        parts=[
            SubmissionPart(park_id=item.park_id, department_id=d, status=PartStatus.received)
            for d in item.department_ids
        ],
    )
    session.add(sub)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type=service.ENTITY_SUBMISSION,
        entity_id=sub.id,
        park_id=sub.park_id,
        changes={"number": sub.number, "item": item.name},
    )
    for part in sub.parts:
        audit.record(
            session,
            actor=user,
            action="create",
            entity_type=service.ENTITY_PART,
            entity_id=part.id,
            park_id=part.park_id,
            changes={"submission": sub.number, "status": "received"},
        )
    return sub


def _outcome(session: Session, sub: Submission, statuses: list[PartStatus]) -> None:
    """Give the demo parts their statuses as if the departments had acted."""
    for part, status in zip(sub.parts, statuses, strict=False):
        if status == part.status:
            continue
        old, part.status, part.acted_at = part.status, status, now_utc()
        audit.record(
            session,
            actor=None,
            action="update",
            entity_type=service.ENTITY_PART,
            entity_id=part.id,
            park_id=part.park_id,
            changes={"status": [old.value, status.value]},
        )
    session.flush()
    service.refresh_status(session, None, sub)


def load(session: Session, *, park: Park) -> None:
    """Create the demo catalogue and a few applications; existing items are left alone."""
    depts = {
        d.short_name or d.name: d.id
        for d in session.scalars(select(Department).where(Department.park_id == park.id))
    }
    existing = set(session.scalars(select(ServiceItem.code).where(ServiceItem.park_id == park.id)))
    for code, name, category, zero, dept_names, materials, days in ITEMS:
        if code in existing or not all(n in depts for n in dept_names):
            continue
        catalogue.create_item(
            session,
            park_id=park.id,
            user=None,
            is_demo=True,
            data=ItemCreate(
                code=code,
                name=name,
                category=category,
                zero_material=zero,
                time_limit_days=days,
                department_ids=[depts[n] for n in dept_names],
                materials=[MaterialIn(name=m, kind=k, source=s) for m, k, s in materials],
            ),
        )
    user = session.scalar(select(User).where(User.username == ENTERPRISE_USER))
    if user is None or user.park_id != park.id:
        return
    if session.scalar(select(Submission.id).where(Submission.park_id == park.id).limit(1)):
        return
    items = {
        i.code: i
        for i in session.scalars(select(ServiceItem).where(ServiceItem.park_id == park.id))
    }
    for code, statuses in SUBMISSIONS:
        if code not in items:
            continue
        item = items[code]
        if any(m.kind == MaterialKind.document for m in item.materials):
            # Documents of the demo are not real files: the application is recorded as
            # handed in at the counter, with its materials listed but not stored.
            sub = _counter_submission(session, user=user, item=item)
        else:
            sub = service.submit(
                session, user=user, item_id=item.id, var_dir=None, max_bytes=0, is_demo=True
            )
        _outcome(session, sub, statuses)
