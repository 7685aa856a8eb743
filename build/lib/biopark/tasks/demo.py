"""Demo key-task list of the 21-department coordination mechanism (loading twice changes nothing)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.audit import service as audit
from biopark.kit.dates import SHANGHAI
from biopark.parks.models import Department, Park
from biopark.tasks import service
from biopark.tasks.models import CoordTask, ProgressReport, TaskMilestone, TaskStatus, today_local
from biopark.tasks.schemas import TaskCreate

# (category, title, lead, partners, deadline in days from today, progress,
#  milestones as (title, days from today, done), latest report text).
TASKS: list[tuple[str, str, str, list[str], int, int, list[tuple[str, int, bool]], str]] = [
    (
        "编制产业发展规划",
        "编制重庆国际生物城创新药产业发展规划（2026—2030年）",
        "市发展改革委",
        ["市经济信息委", "市科技局", "市规划自然资源局", "巴南区政府"],
        75,
        60,
        [
            ("完成产业调研和企业座谈", -60, True),
            ("形成规划征求意见稿", -10, True),
            ("报市政府审定", 60, False),
        ],
        "征求意见稿已发21个成员单位，收回意见46条，正在逐条研究吸纳。",
    ),
    (
        "编制产业发展规划",
        "绘制生物医药产业链图谱并编制精准招商目录",
        "市经济信息委",
        ["市商务委", "市发展改革委", "巴南区政府"],
        -12,
        80,
        [
            ("梳理生物药、化学药、中药、器械四条链条", -70, True),
            ("形成招商目标企业清单", -20, True),
        ],
        "图谱已完成，目标企业清单中12家龙头企业信息待补充，已超期。",
    ),
    (
        "政策落实",
        "落实创新药首发首用政策，推动新上市创新药进入医疗机构",
        "市卫生健康委",
        ["市医保局", "市药监局"],
        40,
        45,
        [("建立创新药挂网绿色通道", -15, True), ("召开医疗机构药事会专题会", 20, False)],
        "已有4个园区企业创新药完成挂网，2家三甲医院已召开药事会。",
    ),
    (
        "政策落实",
        "兑现生物医药产业发展专项资金",
        "市财政局",
        ["市经济信息委", "市科技局"],
        -30,
        100,
        [("发布申报通知", -120, True), ("完成专家评审", -60, True), ("资金拨付到企业", -35, True)],
        "专项资金已全部拨付，涉及企业23家。",
    ),
    (
        "政策落实",
        "落实研发费用加计扣除和高新技术企业税收优惠",
        "市税务局",
        ["市科技局", "市财政局"],
        120,
        50,
        [("开展园区企业政策宣讲", -20, True), ("完成年度汇算辅导", 100, False)],
        "已上门辅导企业18家，园区企业享受加计扣除同比增长。",
    ),
    (
        "项目建设",
        "建设生物医药公共技术服务平台（中试基地）",
        "巴南区政府",
        ["市发展改革委", "市科技局", "市住房城乡建委"],
        -20,
        45,
        [("完成可研批复", -150, True), ("主体结构封顶", -40, False), ("设备安装调试", 60, False)],
        "主体结构施工受雨季影响滞后，已申请调整节点，逾期20天。",
    ),
    (
        "项目建设",
        "推进大分子药物CDMO基地项目环评审批",
        "市生态环境局",
        ["市发展改革委", "巴南区政府"],
        25,
        70,
        [("受理环评报告", -30, True), ("完成技术评估", 5, False)],
        "技术评估专家会已召开，企业正在按意见修改报告。",
    ),
    (
        "项目建设",
        "保障重点产业项目建设用地",
        "市规划自然资源局",
        ["巴南区政府", "市发展改革委"],
        90,
        0,
        [("梳理用地需求清单", 30, False)],
        "",
    ),
    (
        "市场主体培育",
        "培育生物医药专精特新企业和高新技术企业",
        "市经济信息委",
        ["市科技局", "市市场监管局"],
        150,
        50,
        [("建立梯度培育库", -40, True), ("完成年度认定申报", 90, False)],
        "培育库入库企业35家，已有8家提交专精特新申报。",
    ),
    (
        "市场主体培育",
        "支持创新药企业上市融资",
        "市金融管理局",
        ["市国资委", "巴南区政府"],
        -5,
        0,
        [("建立拟上市企业后备库", -30, False)],
        "",
    ),
    (
        "要素保障",
        "引进生物医药高层次人才和技能人才",
        "市人力社保局",
        ["市教委", "市科技局"],
        200,
        35,
        [("发布紧缺人才目录", -20, True), ("举办专场招聘会", 45, False)],
        "紧缺人才目录已发布，首场招聘会签约62人。",
    ),
    (
        "要素保障",
        "优化药品注册检验和审评前置服务",
        "市药监局",
        ["市知识产权局", "市市场监管局"],
        10,
        100,
        [("设立园区服务站", -90, True)],
        "园区服务站已运行，累计指导注册申报41件。",
    ),
    (
        "要素保障",
        "推进生物医药研发用物品进口通关便利化",
        "重庆海关",
        ["市商务委", "市药监局"],
        60,
        55,
        [("建立白名单企业制度", -25, True), ("扩大试点企业范围", 40, False)],
        "已纳入白名单企业9家，研发用物品平均通关时间明显缩短。",
    ),
    (
        "市场主体培育",
        "建设生物医药产业大数据平台",
        "市大数据发展局",
        ["市经济信息委", "市卫生健康委"],
        180,
        10,
        [("完成需求调研", 20, False)],
        "需求调研已启动。",
    ),
    (
        "要素保障",
        "搭建高校院所与园区企业产学研合作平台",
        "市教委",
        ["市科技局", "市知识产权局"],
        100,
        25,
        [("签订校企合作协议", 30, False)],
        "已与3所高校对接共建联合实验室意向。",
    ),
]


def load(session: Session, *, park: Park) -> None:
    """Create the demo task list; tasks already present (by title) are left alone."""
    depts = {
        d.short_name or d.name: d
        for d in session.scalars(select(Department).where(Department.park_id == park.id))
    }
    existing = set(session.scalars(select(CoordTask.title).where(CoordTask.park_id == park.id)))
    today = today_local()
    for category, title, lead, partners, due, progress, milestones, report in TASKS:
        if title in existing or lead not in depts:
            continue
        task = service.create_task(
            session,
            user=None,
            park_id=park.id,
            is_demo=True,
            data=TaskCreate(
                category=category,
                title=title,
                lead_department_id=depts[lead].id,
                partner_ids=[depts[p].id for p in partners if p in depts],
                start_on=today - timedelta(days=180),
                deadline=today + timedelta(days=due),
            ),
        )
        for ms_title, offset, done in milestones:
            session.add(
                TaskMilestone(
                    task_id=task.id,
                    title=ms_title,
                    due_on=today + timedelta(days=offset),
                    done_on=today + timedelta(days=offset) if done else None,
                )
            )
        if report:
            _report(session, task, depts[lead], progress, report, today)
    session.flush()


def _report(
    session: Session, task: CoordTask, lead: Department, progress: int, text: str, today: date
) -> None:
    at = datetime.combine(today - timedelta(days=3), time(16, 30), tzinfo=SHANGHAI)
    author = f"{lead.short_name or lead.name}联络员"
    session.add(
        ProgressReport(
            task_id=task.id,
            department_id=lead.id,
            author_name=author,
            reported_at=at,
            progress=progress,
            content=text,
        )
    )
    task.progress = progress
    task.status = TaskStatus.done if progress >= 100 else TaskStatus.in_progress
    if progress >= 100:
        task.completed_on = today - timedelta(days=3)
    audit.record(
        session,
        actor=None,
        action="progress",
        entity_type=service.ENTITY,
        entity_id=task.id,
        park_id=task.park_id,
        changes={"progress": progress, "content": text, "by": author},
    )
