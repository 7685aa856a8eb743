"""How drugs and their proposals read in a change history."""

from __future__ import annotations

from biopark.audit.describe import DATE, HIDDEN, Choice, Ref, register, register_en
from biopark.pipeline.models import DEAL_KINDS, MODALITIES, Drug
from biopark.pipeline.pages import DRUG_LABELS, LABELS
from biopark.pipeline.stages import LABELS as STAGE_LABELS

register(
    "drug",
    noun=("药物", "drug"),
    record=Ref(Drug),
    url="/pipeline/drugs/{id}",
    labels={**LABELS, **DRUG_LABELS, "milestone": "里程碑", "notes": "备注"},
    kinds={
        "stage": Choice({k.value: v for k, v in STAGE_LABELS.items()}),
        "modality": Choice(MODALITIES),
        "scope": Choice({"park": ("园区", "park"), "city": ("全市", "city")}),
        "occurred_on": DATE,
        "signed_on": DATE,
        "stage_since": DATE,
    },
    actions={
        "stage": ("变更了药物阶段", "moved the drug's stage"),
        "milestone": ("记录了里程碑", "logged a milestone"),
        "deal": ("记录了授权交易", "recorded a licensing deal"),
    },
)
register(
    "drug_proposal",
    noun=("进展建议", "proposal"),
    labels={"drug_id": "药物", "milestone_id": "里程碑"},
    kinds={"drug_id": Ref(Drug), "milestone_id": HIDDEN},
    actions={
        "propose": ("提交了进展建议", "proposed an update"),
        "accept": ("采纳了进展建议", "accepted the proposed update"),
        "reject": ("退回了进展建议", "rejected the proposed update"),
    },
)
register(
    "deal",
    noun=("交易", "deal"),
    labels={
        "kind": "交易类型",
        "party_a": "甲方",
        "party_b": "乙方",
        "territory": "区域",
        "modality": "类型",
        "upfront": "首付款",
        "total": "总金额",
        "currency": "币种",
        "signed_on": "签约日期",
        "note": "备注",
    },
    kinds={
        "kind": Choice(DEAL_KINDS),
        "modality": Choice(MODALITIES),
        "signed_on": DATE,
    },
    actions={
        "propose": ("从新闻中提出了交易", "proposed a deal from the news"),
        "accept": ("采纳了交易", "accepted the deal"),
        "reject": ("驳回了交易", "rejected the deal"),
    },
)
register_en(
    {
        "交易类型": "Deal type",
        "甲方": "Party A",
        "乙方": "Party B",
        "里程碑": "Milestone",
        "代号": "Code",
        "企业名称": "Company name",
        "靶点": "Target",
        "适应症": "Indication",
        "阶段日期": "Stage since",
        "范围": "Scope",
        "来源标题": "Source title",
        "来源链接": "Source link",
        "提供人": "Source person",
        "合作方": "Partner",
        "区域": "Territory",
        "首付款": "Upfront",
        "总金额": "Total",
        "币种": "Currency",
        "签约日期": "Signed on",
        "日期": "Date",
    }
)
