"""How chain links, the chain map and candidate imports read in a change history."""

from __future__ import annotations

from biopark.audit.describe import BOOL, LIST, Choice, Ref, register, register_en
from biopark.chain.graph import STREAM_LABELS
from biopark.chain.models import ChainLink
from biopark.enterprises.models import Enterprise

LINK_FIELDS = {
    "name": "名称",
    "name_en": "英文名称",
    "code": "代码",
    "parent": "上级环节",
    "parent_code": "上级环节",
    "stream": "所在环节段",
    "cluster": "产业集群",
    "needs": "所需配套",
    "needs_leader": "需要龙头企业",
    "min_enterprises": "目标企业数",
    "modalities": "药物类型",
    "description": "说明",
    "enterprise": "企业",
    "enterprise_id": "企业",
    "is_leader": "龙头企业",
}

register(
    "chain_link",
    noun=("产业链环节", "chain link"),
    record=Ref(ChainLink),
    url="/chain/links/{id}",
    labels=LINK_FIELDS,
    kinds={
        "stream": Choice(STREAM_LABELS),
        "needs": LIST,
        "modalities": LIST,
        "needs_leader": BOOL,
        "is_leader": BOOL,
        "enterprise_id": Ref(Enterprise),
    },
    actions={
        "place": ("将企业放置到该环节", "placed an enterprise on the link"),
        "unplace": ("将企业移出该环节", "took an enterprise off the link"),
    },
)
register("chain_map", noun=("产业链图谱", "chain map"), labels=LINK_FIELDS)
register(
    "chain_candidate",
    noun=("补链候选企业", "candidate firms"),
    labels={"file": "文件", "created": "新增", "updated": "更新"},
)
register_en(
    {
        "代码": "Code",
        "英文名称": "English name",
        "所在环节段": "Stream",
        "药物类型": "Modalities",
    }
)
