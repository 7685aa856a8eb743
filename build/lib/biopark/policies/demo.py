"""Demo policy library: Chongqing and Banan policies written as data for the demo park.

The titles follow the kinds of policy the city and the district publish; the
texts, amounts and conditions are written for the demo and are illustrations,
not quotations of the official documents.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark.parks.models import Park
from biopark.policies import service
from biopark.policies.models import Policy
from biopark.policies.schemas import PolicyCreate

BIO = {"op": "in", "field": "cluster", "value": ["生物药", "化学药", "现代中药"]}
BANAN = {"op": "eq", "field": "district", "value": "巴南区"}
HIGH_TECH = {"op": "has_tag", "value": "高新技术企业"}

POLICIES: list[dict[str, Any]] = [
    {
        "title": "巴南区生物医药“医药研发贷”贴息支持",
        "issuer": "重庆市巴南区经济和信息化委员会",
        "level": "区级",
        "doc_no": "巴南经信发〔2025〕18号",
        "benefit": "loan",
        "summary": "合作银行向区内医药研发企业发放信用为主的研发贷款，区财政按贷款市场报价利率的50%贴息，单户贷款额度最高5000万元。",
        "valid_from": date(2025, 3, 1),
        "valid_to": date(2028, 2, 29),
        "conditions": {
            "all": [
                BANAN,
                BIO,
                {"op": "gte", "field": "rd_spending", "value": 5_000_000},
                {"op": "age_years_gte", "value": 2},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 50_000_000},
    },
    {
        "title": "重庆市企业研发投入后补助",
        "issuer": "重庆市科学技术局",
        "level": "市级",
        "doc_no": "渝科局发〔2025〕31号",
        "benefit": "subsidy",
        "summary": "按上年度经核定的研发投入给予后补助，补助比例5%，单户最高200万元；依托税务数据比对，符合条件的企业免申即享。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                {"any": [HIGH_TECH, {"op": "in_pool", "value": "专精特新"}]},
                {"op": "gte", "field": "rd_spending", "value": 1_000_000},
            ]
        },
        "amount_rule": {"kind": "rate", "base": "rd_spending", "rate": "0.05", "cap": 2_000_000},
        "auto_grant": True,
    },
    {
        "title": "专精特新“小巨人”企业一次性奖励",
        "issuer": "重庆市经济和信息化委员会",
        "level": "市级",
        "doc_no": "渝经信发〔2025〕9号",
        "benefit": "subsidy",
        "summary": "对新认定的国家级专精特新“小巨人”企业给予一次性奖励100万元，市级专精特新企业入库满两年的优先推荐。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                {"op": "in_pool", "value": "专精特新"},
                {"op": "has_tag", "value": "专精特新"},
                {"op": "age_years_gte", "value": 3},
                {"op": "lte", "field": "employees", "value": 1000},
            ]
        },
        "amount_rule": {"kind": "fixed", "amount": 1_000_000},
    },
    {
        "title": "巴南区高新技术企业认定奖励",
        "issuer": "重庆市巴南区科学技术局",
        "level": "区级",
        "doc_no": "巴南科发〔2025〕6号",
        "benefit": "subsidy",
        "summary": "对有效期内的高新技术企业给予20万元奖励，依据认定名单直接兑付，企业无需申请。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {"all": [BANAN, HIGH_TECH]},
        "amount_rule": {"kind": "fixed", "amount": 200_000},
        "auto_grant": True,
    },
    {
        "title": "高新技术企业培育库入库奖励",
        "issuer": "重庆市科学技术局",
        "level": "市级",
        "doc_no": "渝科局发〔2024〕52号",
        "benefit": "subsidy",
        "summary": "对进入高新技术企业培育库、尚未获得认定的科技型企业给予10万元培育奖励，支持其次年申报认定。",
        "valid_from": date(2024, 7, 1),
        "valid_to": date(2027, 6, 30),
        "conditions": {
            "all": [
                {"op": "in_pool", "value": "高新技术企业"},
                {"not": HIGH_TECH},
                {"op": "gte", "field": "rd_spending", "value": 500_000},
            ]
        },
        "amount_rule": {"kind": "fixed", "amount": 100_000},
    },
    {
        "title": "生物医药创新药临床研究补助",
        "issuer": "重庆市经济和信息化委员会",
        "level": "市级",
        "doc_no": "渝经信发〔2025〕27号",
        "benefit": "subsidy",
        "summary": "对在渝开展I至III期临床试验的1类创新药，按研发投入的10%分阶段补助，单户每年最高1000万元。",
        "valid_from": date(2025, 6, 1),
        "valid_to": date(2028, 5, 31),
        "conditions": {
            "all": [
                {"op": "in", "field": "cluster", "value": ["生物药", "化学药"]},
                {"op": "gte", "field": "rd_spending", "value": 20_000_000},
                {"op": "gte", "field": "registered_capital", "value": 10_000_000},
            ]
        },
        "amount_rule": {"kind": "rate", "base": "rd_spending", "rate": "0.1", "cap": 10_000_000},
    },
    {
        "title": "巴南区产业人才安居补贴",
        "issuer": "中共重庆市巴南区委人才工作领导小组办公室",
        "level": "区级",
        "doc_no": "巴南人才办〔2025〕3号",
        "benefit": "talent",
        "summary": "对区内重点产业企业引进的博士、高级职称等人才给予安居补贴，每家企业每年最高30万元。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                BANAN,
                {"op": "gte", "field": "employees", "value": 50},
                {"op": "age_years_gte", "value": 1},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 300_000},
    },
    {
        "title": "重庆英才计划创新创业团队支持",
        "issuer": "重庆市科学技术局",
        "level": "市级",
        "doc_no": "渝人才办〔2025〕12号",
        "benefit": "talent",
        "summary": "支持企业牵头组建创新创业团队，入选团队给予最高100万元项目经费，团队核心成员享受人才服务绿卡。",
        "valid_from": date(2025, 4, 1),
        "valid_to": date(2027, 3, 31),
        "conditions": {
            "all": [
                HIGH_TECH,
                {"op": "gte", "field": "rd_spending", "value": 10_000_000},
                {"op": "gte", "field": "employees", "value": 100},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 1_000_000},
    },
    {
        "title": "高新技术企业减按15%税率征收企业所得税",
        "issuer": "国家税务总局重庆市税务局",
        "level": "国家级",
        "doc_no": None,
        "benefit": "tax",
        "summary": "取得高新技术企业资格的企业，减按15%的税率缴纳企业所得税，企业在汇算清缴时自行判别、申报享受。",
        "valid_from": date(2024, 1, 1),
        "valid_to": None,
        "conditions": {"all": [HIGH_TECH]},
        "amount_rule": None,
    },
    {
        "title": "重庆国际生物城标准厂房租金减免",
        "issuer": "重庆国际生物城开发投资有限公司",
        "level": "园区",
        "doc_no": None,
        "benefit": "land",
        "summary": "对入驻园区标准厂房、成立五年以内的生物医药企业，前三年租金按比例减免，每户每年最高200万元。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2028, 12, 31),
        "conditions": {
            "all": [
                {"op": "eq", "field": "park", "value": "cq-biocity"},
                {"op": "age_years_lte", "value": 5},
                {"op": "in", "field": "cluster", "value": ["生物药", "化学药", "医疗器械"]},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 2_000_000},
    },
    {
        "title": "龙头企业产业化项目用地保障",
        "issuer": "重庆市巴南区规划和自然资源局",
        "level": "区级",
        "doc_no": None,
        "benefit": "land",
        "summary": "对龙头企业的产业化扩产项目优先保障用地指标，实行“标准地”出让和并联审批。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                {"op": "in_pool", "value": "龙头企业"},
                {"op": "gte", "field": "registered_capital", "value": 100_000_000},
            ]
        },
        "amount_rule": None,
    },
    {
        "title": "上市后备企业股改及辅导备案奖励",
        "issuer": "重庆市巴南区人民政府办公室",
        "level": "区级",
        "doc_no": "巴南府办发〔2025〕40号",
        "benefit": "subsidy",
        "summary": "对列入上市后备库的企业，完成股份制改造奖励30万元，在证监局辅导备案后再奖励50万元。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                {"op": "in_pool", "value": "上市后备"},
                {"not": {"op": "has_tag", "value": "上市"}},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 800_000},
    },
    {
        "title": "关键配套企业技术改造补助",
        "issuer": "重庆市巴南区经济和信息化委员会",
        "level": "区级",
        "doc_no": None,
        "benefit": "subsidy",
        "summary": "对为园区医药企业提供关键原辅料、包材与装备配套的企业，按技改设备投资给予补助，最高300万元。",
        "valid_from": date(2025, 1, 1),
        "valid_to": date(2027, 12, 31),
        "conditions": {
            "all": [
                {"op": "in_pool", "value": "关键配套"},
                {"op": "has_chain_link", "value": "原辅料与包材"},
            ]
        },
        "amount_rule": {"kind": "up_to", "amount": 3_000_000},
    },
    {
        "title": "2023年度生物医药产业发展专项资金",
        "issuer": "重庆市巴南区经济和信息化委员会",
        "level": "区级",
        "doc_no": None,
        "benefit": "subsidy",
        "summary": "已到期的年度专项，保留以备查询。",
        "valid_from": date(2023, 1, 1),
        "valid_to": date(2023, 12, 31),
        "conditions": {"all": [BANAN, BIO]},
        "amount_rule": {"kind": "up_to", "amount": 1_000_000},
    },
]


def load(session: Session, *, park: Park) -> None:
    """Add the demo policies the park does not have yet (idempotent)."""
    have = set(session.scalars(select(Policy.title).where(Policy.park_id == park.id)))
    for raw in POLICIES:
        if raw["title"] not in have:
            service.create_policy(
                session, park_id=park.id, actor=None, data=PolicyCreate.model_validate(raw)
            )
