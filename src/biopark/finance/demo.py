"""Demo financial products and financing needs for the Bio City.

Providers are the kinds of institution that lend to the park's companies; the
products, amounts, rates and conditions are written for the demo and are
illustrations, not the institutions' published terms.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.enterprises.models import Enterprise
from biopark.finance import service
from biopark.finance.models import FinanceProduct, FinancingNeed, NeedStatus
from biopark.finance.schemas import ProductCreate
from biopark.kit.dates import now_utc
from biopark.parks.models import Park

W = Decimal(10_000)
YI = Decimal(100_000_000)
BIO = {"op": "in", "field": "cluster", "value": ["生物药", "化学药", "现代中药"]}
BANAN = {"op": "eq", "field": "district", "value": "巴南区"}

PRODUCTS: list[dict[str, Any]] = [
    {
        "name": "医药研发贷",
        "kind": "loan",
        "provider": "重庆农村商业银行",
        "amount_min": 500 * W,
        "amount_max": 3 * YI,
        "rate_text": "一年期LPR起，区财政贴息50%",
        "summary": "面向园区创新药企业的研发信用贷款，可用于临床研究与注册申报。",
        "conditions": {
            "all": [
                BANAN,
                BIO,
                {"op": "gte", "field": "rd_spending", "value": 5_000_000},
                {"op": "age_years_gte", "value": 2},
            ]
        },
    },
    {
        "name": "知识产权质押贷款",
        "kind": "loan",
        "provider": "重庆银行",
        "amount_min": 100 * W,
        "amount_max": 5000 * W,
        "rate_text": "LPR+30BP以内",
        "summary": "以发明专利、药品注册证书等知识产权质押，额度按评估值核定。",
        "conditions": {
            "all": [
                {
                    "any": [
                        {"op": "has_tag", "value": "高新技术企业"},
                        {"op": "in_pool", "value": "专精特新"},
                    ]
                }
            ]
        },
    },
    {
        "name": "生物城生物医药产业基金",
        "kind": "fund",
        "provider": "园区产业基金管理人",
        "amount_min": 2000 * W,
        "amount_max": 2 * YI,
        "rate_text": "股权投资，基金规模10亿元",
        "summary": "园区产业基金，规模10亿元，投向创新药、高端制剂与关键配套项目。",
        "conditions": {
            "all": [
                {"op": "in", "field": "cluster", "value": ["生物药", "化学药"]},
                {"op": "gte", "field": "employees", "value": 50},
            ]
        },
    },
    {
        "name": "科技型企业融资担保",
        "kind": "guarantee",
        "provider": "重庆科技融资担保有限公司",
        "amount_min": 100 * W,
        "amount_max": 3000 * W,
        "rate_text": "担保费率不高于1%",
        "summary": "为轻资产科技企业的银行贷款提供担保，园区给予担保费补贴。",
        "conditions": {
            "all": [
                BANAN,
                {
                    "op": "in",
                    "field": "revenue_band",
                    "value": ["2000万元以下", "2000万-1亿元", "1亿-5亿元"],
                },
            ]
        },
    },
    {
        "name": "临床试验责任保险",
        "kind": "insurance",
        "provider": "中国人民财产保险重庆市分公司",
        "amount_min": None,
        "amount_max": 5000 * W,
        "rate_text": "按受试者人数与试验阶段定价",
        "summary": "覆盖临床试验受试者损害赔偿责任，园区对首年保费给予补贴。",
        "conditions": {"all": [BIO]},
    },
]

# (enterprise short name, amount, purpose, stage, product name, outcome, days ago posted)
NEEDS: list[tuple[str, Decimal, str, str, str | None, str | None, int]] = [
    ("智翔金泰", 3 * YI, "抗体新药III期临床及产业化", "临床期", "医药研发贷", "granted", 70),
    ("博唯生物", 8000 * W, "疫苗生产线扩建", "产业化期", "生物城生物医药产业基金", None, 20),
    ("宸安生物", 2000 * W, "胰岛素类似物注册申报", "临床期", None, None, 5),
    ("全干医科", 500 * W, "医疗器械注册检验与试产", "研发期", "科技型企业融资担保", "declined", 45),
]


def _products(session: Session, park: Park) -> dict[str, FinanceProduct]:
    have = {
        p.name: p
        for p in session.scalars(select(FinanceProduct).where(FinanceProduct.park_id == park.id))
    }
    for raw in PRODUCTS:
        if raw["name"] not in have:
            have[raw["name"]] = service.create_product(
                session,
                park_id=park.id,
                actor=None,
                data=ProductCreate.model_validate(raw),
                is_demo=True,
            )
    return have


def load(session: Session, *, park: Park) -> None:
    """Add the demo products and needs the park does not have yet (idempotent)."""
    products = _products(session, park)
    ents = {
        e.short_name: e
        for e in session.scalars(
            select(Enterprise).where(Enterprise.park_id == park.id, Enterprise.is_demo.is_(True))
        )
        if e.short_name
    }
    have = {
        (e, p)
        for e, p in session.execute(
            select(FinancingNeed.enterprise_id, FinancingNeed.purpose).where(
                FinancingNeed.park_id == park.id
            )
        )
    }
    now = now_utc()
    for short, amount, purpose, stage, product_name, outcome, ago in NEEDS:
        ent = ents.get(short)
        if ent is None or (ent.id, purpose) in have:
            continue
        posted = now - timedelta(days=ago)
        need = FinancingNeed(
            park_id=park.id,
            enterprise_id=ent.id,
            amount=amount,
            purpose=purpose,
            stage=stage,
            status=NeedStatus.posted,
            posted_at=posted,
            is_demo=True,
        )
        if product_name:
            product = products[product_name]
            need.status = NeedStatus.referred
            need.product_id = product.id
            need.referred_to = product.provider
            need.referred_at = posted + timedelta(days=3)
        if outcome == "granted":
            need.status = NeedStatus.granted
            need.granted_amount = amount
            need.granted_by = need.referred_to
            need.decided_on = (posted + timedelta(days=40)).date()
        elif outcome == "declined":
            need.status = NeedStatus.declined
            need.decided_on = (posted + timedelta(days=20)).date()
            need.decision_note = "担保机构认为首期订单尚未落地，建议订单确认后再申请"
        session.add(need)
    session.flush()
