"""How drugs and their proposals read in a change history."""

from __future__ import annotations

from biopark.audit.describe import DATE, HIDDEN, Choice, Ref, register, register_en
from biopark.pipeline.models import MODALITIES, Drug
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
register_en(
    {
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
