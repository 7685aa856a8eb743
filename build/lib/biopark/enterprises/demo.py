"""Demo enterprise files: figures, pools, contacts, products and plans for the demo park.

The figures are plausible illustrations written for the demo, not reported
numbers. Some are left empty on purpose so that policy matching shows the
"cannot evaluate" case. Loading twice changes nothing, and fields someone has
already filled in are left alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.accounts.models import User
from biopark.enterprises.models import (
    Enterprise,
    EnterpriseContact,
    EnterprisePlan,
    EnterprisePool,
    EnterpriseProduct,
    PlanFollowUp,
)
from biopark.parks.models import Park

COMMISSIONER = "demo-commissioner"
W = Decimal(10_000)

# short name -> registry figures (None/absent: not recorded)
FIGURES: dict[str, dict[str, Any]] = {
    "智翔金泰": {
        "founded_on": date(2015, 8, 18),
        "registered_capital": 36667 * W,
        "employees": 860,
        "rd_spending": 58000 * W,
        "revenue_band": "1亿-5亿元",
        "chain_links": ["抗体药物", "生物药生产"],
    },
    "智睿生物": {
        "founded_on": date(2019, 3, 12),
        "registered_capital": 10000 * W,
        "employees": 210,
        "rd_spending": 9500 * W,
        "revenue_band": "2000万元以下",
        "chain_links": ["抗体药物"],
    },
    "博唯生物": {
        "founded_on": date(2016, 11, 2),
        "registered_capital": 8000 * W,
        "employees": 320,
        "rd_spending": 12000 * W,
        "revenue_band": "2000万-1亿元",
        "chain_links": ["疫苗"],
    },
    "精准生物": {
        "founded_on": date(2015, 4, 20),
        "registered_capital": 5200 * W,
        "employees": 180,
        "rd_spending": 4200 * W,
        "revenue_band": "2000万-1亿元",
        "chain_links": ["细胞治疗"],
    },
    "宸安生物": {
        "founded_on": date(2017, 9, 5),
        "registered_capital": 30000 * W,
        "employees": 260,
        # R&D spending not yet reported: matching must say so.
        "revenue_band": "2000万元以下",
        "chain_links": ["多肽与蛋白药物"],
    },
    "美莱德生物": {
        "founded_on": date(2020, 6, 30),
        "registered_capital": 2000 * W,
        "employees": 45,
        "rd_spending": 300 * W,
        "revenue_band": "2000万元以下",
    },
    "科瑞制药": {
        "founded_on": date(1999, 12, 28),
        "registered_capital": 52000 * W,
        "employees": 1500,
        "rd_spending": 16000 * W,
        "revenue_band": "20亿元以上",
        "chain_links": ["化学药制剂", "原料药"],
    },
    "植恩": {
        "founded_on": date(2004, 7, 15),
        "registered_capital": 12000 * W,
        "employees": 900,
        "rd_spending": 7000 * W,
        "revenue_band": "5亿-20亿元",
        "chain_links": ["现代中药", "化学药制剂"],
    },
    "全干医科": {
        "founded_on": date(2021, 1, 8),
        "registered_capital": 1000 * W,
        "employees": 38,
        "revenue_band": "2000万元以下",
        "chain_links": ["医疗器械"],
    },
    "嘉奥手术机器人": {
        "founded_on": date(2020, 5, 21),
        "registered_capital": 6000 * W,
        "employees": 120,
        "rd_spending": 3500 * W,
        "revenue_band": "2000万元以下",
        "chain_links": ["医疗器械"],
    },
}

# short name -> [(pool, entry date)]
POOLS: dict[str, list[tuple[str, date]]] = {
    "智翔金泰": [("龙头企业", date(2023, 3, 15)), ("高新技术企业", date(2018, 6, 1))],
    "智睿生物": [("高新技术企业", date(2021, 5, 10)), ("上市后备", date(2024, 4, 8))],
    "博唯生物": [("专精特新", date(2022, 8, 26)), ("上市后备", date(2023, 10, 9))],
    "精准生物": [("专精特新", date(2021, 12, 20))],
    "宸安生物": [("高新技术企业", date(2022, 3, 1))],
    "美莱德生物": [("关键配套", date(2024, 1, 17))],
    "科瑞制药": [("龙头企业", date(2020, 9, 1))],
    "全干医科": [("专精特新", date(2024, 6, 18))],
    "重庆钛业": [("关键配套", date(2022, 11, 3))],
}

ASSIGNED = ("智翔金泰", "智睿生物", "博唯生物", "精准生物", "宸安生物", "植恩", "全干医科")

CONTACTS: dict[str, list[dict[str, Any]]] = {
    "智翔金泰": [
        {"name": "刘敏", "title": "董事会秘书", "phone": "023-6666 0101", "is_primary": True},
        {"name": "周航", "title": "政府事务经理", "phone": "023-6666 0102"},
    ],
    "博唯生物": [
        {"name": "何静", "title": "总经理助理", "phone": "023-6666 0201", "is_primary": True}
    ],
    "宸安生物": [
        {"name": "唐磊", "title": "行政总监", "phone": "023-6666 0301", "is_primary": True}
    ],
}

PRODUCTS: dict[str, list[dict[str, Any]]] = {
    "智翔金泰": [
        {
            "name": "赛立奇单抗注射液",
            "kind": "药品",
            "stage": "已上市",
            "indication": "中重度斑块状银屑病",
        },
        {
            "name": "GR1802注射液",
            "kind": "在研药物",
            "stage": "III期临床",
            "indication": "特应性皮炎",
        },
        {
            "name": "GR1803注射液",
            "kind": "在研药物",
            "stage": "I期临床",
            "indication": "多发性骨髓瘤",
        },
    ],
    "博唯生物": [
        {
            "name": "九价HPV疫苗",
            "kind": "在研药物",
            "stage": "III期临床",
            "indication": "宫颈癌预防",
        }
    ],
    "宸安生物": [
        {
            "name": "利拉鲁肽注射液",
            "kind": "在研药物",
            "stage": "上市申请",
            "indication": "2型糖尿病",
        }
    ],
    "嘉奥手术机器人": [
        {
            "name": "骨科手术导航定位系统",
            "kind": "医疗器械",
            "stage": "注册申报",
            "indication": "脊柱手术",
        }
    ],
}

PLANS: dict[str, dict[str, Any]] = {
    "智翔金泰": {
        "goals": "赛立奇单抗注射液放量销售；GR1802 完成III期入组；二期产业化基地年内封顶。",
        "measures": "对接市医保局加快进入挂网采购；协调市药监局开展注册核查预沟通；"
        "区住建委并联审批二期厂房。",
        "follow_ups": [
            {
                "happened_on": date(2026, 9, 12),
                "note": "走访企业，了解二期基地施工许可进度，企业反映消防审查排期较长。",
                "next_step": "协调区住建委专题会",
                "due_on": date(2026, 10, 15),
            },
            {
                "happened_on": date(2026, 10, 20),
                "note": "专题会已召开，消防审查提前至11月上旬。",
                "next_step": "跟踪审查结果",
                "due_on": date(2026, 11, 30),
            },
        ],
    },
    "博唯生物": {
        "goals": "九价HPV疫苗完成III期揭盲，启动上市辅导。",
        "measures": "纳入上市后备企业培育库；对接券商与区金融办；申报专精特新奖励。",
        "follow_ups": [],
    },
}


def _commissioner(session: Session, park: Park) -> User | None:
    return session.scalar(
        select(User).where(User.username == COMMISSIONER, User.park_id == park.id)
    )


def load(session: Session, *, park: Park) -> None:
    """Fill in the demo enterprises' files (idempotent)."""
    ents = {
        e.short_name: e
        for e in session.scalars(
            select(Enterprise).where(Enterprise.park_id == park.id, Enterprise.is_demo.is_(True))
        )
        if e.short_name
    }
    for short, figures in FIGURES.items():
        ent = ents.get(short)
        if ent is None:
            continue
        for key, value in figures.items():
            if getattr(ent, key) in (None, []):
                setattr(ent, key, value)
    commissioner = _commissioner(session, park)
    if commissioner is not None:
        for short in ASSIGNED:
            if short in ents and ents[short].commissioner_id is None:
                ents[short].commissioner_id = commissioner.id
    session.flush()
    for short, pools in POOLS.items():
        if short not in ents:
            continue
        ent = ents[short]
        have = set(
            session.scalars(
                select(EnterprisePool.pool).where(EnterprisePool.enterprise_id == ent.id)
            )
        )
        for pool, entered in pools:
            if pool not in have:
                session.add(
                    EnterprisePool(
                        park_id=park.id, enterprise_id=ent.id, pool=pool, entered_on=entered
                    )
                )
    for model, table in ((EnterpriseContact, CONTACTS), (EnterpriseProduct, PRODUCTS)):
        for short, rows in table.items():
            if short not in ents:
                continue
            ent = ents[short]
            have = set(session.scalars(select(model.name).where(model.enterprise_id == ent.id)))
            for row in rows:
                if row["name"] not in have:
                    session.add(model(park_id=park.id, enterprise_id=ent.id, **row))
    for short, plan in PLANS.items():
        if short not in ents:
            continue
        ent = ents[short]
        if session.scalar(select(EnterprisePlan.id).where(EnterprisePlan.enterprise_id == ent.id)):
            continue
        session.add(
            EnterprisePlan(
                park_id=park.id,
                enterprise_id=ent.id,
                goals=plan["goals"],
                measures=plan["measures"],
            )
        )
        for follow in plan["follow_ups"]:
            session.add(
                PlanFollowUp(
                    park_id=park.id,
                    enterprise_id=ent.id,
                    author_id=commissioner.id if commissioner else None,
                    **follow,
                )
            )
    session.flush()
