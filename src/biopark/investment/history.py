"""How investment leads, projects and targets read in a change history."""

from __future__ import annotations

from biopark.audit.describe import (
    BOOL,
    DATETIME,
    HIDDEN,
    MONEY,
    Choice,
    Ref,
    register,
    register_en,
)
from biopark.chain.models import ChainLink
from biopark.investment.access import ENTITY_LEAD, ENTITY_PROJECT
from biopark.investment.i18n import LABELS
from biopark.investment.models import Lead, Project, Stage
from biopark.investment.public import LABELS as LEAD_LABELS

SOURCES = {
    "qr": ("扫码咨询", "QR enquiry"),
    "manual": ("手工录入", "entered by hand"),
    "import": ("台账导入", "imported"),
    "event": ("活动招商", "event"),
    "referral": ("推荐", "referral"),
}
# Stages are stored as their Chinese words; the timeline and the history share these.
STAGE_WORDS = Choice(
    {
        Stage.lead.value: ("线索", "lead"),
        Stage.negotiating.value: ("洽谈", "negotiating"),
        Stage.signed.value: ("签约", "signed"),
        Stage.registered.value: ("入库", "registered"),
        Stage.construction.value: ("开工", "under construction"),
        Stage.production.value: ("投产", "in production"),
        Stage.terminated.value: ("终止", "terminated"),
    }
)

register(
    ENTITY_PROJECT,
    noun=("项目", "project"),
    record=Ref(Project),
    url="/investment/projects/{id}",
    labels={**LABELS, "chain_link_id": "产业链环节", "enterprise_id": "落地企业"},
    kinds={
        "agreed_investment": MONEY,
        "amount": MONEY,
        "funds_in_place": MONEY,
        "stage": STAGE_WORDS,
        "chain_link_id": Ref(ChainLink),
        "funds_entry_id": HIDDEN,
        "line": HIDDEN,
    },
    actions={
        "stage": ("变更了项目阶段", "moved the project's stage"),
        "visit": ("记录了拜访", "logged a visit"),
        "funds": ("记录了到位资金", "recorded funds in place"),
        "import": ("从台账导入了项目", "imported the project from the ledger"),
        "demo": ("载入了演示项目", "loaded the demo project"),
    },
)
register(
    ENTITY_LEAD,
    noun=("线索", "lead"),
    record=Ref(Lead, "company"),
    url="/investment/leads/{id}",
    labels={
        **LABELS,
        **LEAD_LABELS,
        "source": "来源",
        "closed_reason": "关闭原因",
        "project_id": "转入项目",
        "first_contacted_at": "首次联系时间",
        "within_sla": "时限内联系",
    },
    kinds={
        "intended_investment": MONEY,
        "source": Choice(SOURCES),
        "project_id": Ref(Project),
        "first_contacted_at": DATETIME,
        "within_sla": BOOL,
    },
    actions={
        "consult": ("扫码提交了咨询", "sent an enquiry by QR code"),
        "contact": ("联系了客商", "contacted the investor"),
        "close": ("关闭了线索", "closed the lead"),
        "qualify": ("将线索转为项目", "turned the lead into a project"),
    },
)
register(
    "investment_target",
    noun=("年度目标", "annual target"),
    labels=LABELS,
    kinds={
        "agreed_investment": MONEY,
        "funds_in_place": MONEY,
        "scope": Choice(
            {"park": ("园区", "park"), "team": ("团队", "team"), "chain": ("产业链", "chain")}
        ),
    },
    actions={"target": ("设定了年度目标", "set the annual target")},
)
register_en(
    {
        "落地企业": "Settled enterprise",
        "来源": "Source",
        "关闭原因": "Reason for closing",
        "转入项目": "Project",
        "首次联系时间": "First contact",
        "时限内联系": "Contacted in time",
        "协议投资额": "Agreed investment",
        "到位资金": "Funds in place",
        "意向投资额": "Intended investment",
    }
)
