"""How ingested documents and reviewed facts read in a change history."""

from __future__ import annotations

from biopark.audit.describe import HIDDEN, register, register_en

DOC_FIELDS = {"origin": "来源", "title": "标题", "error": "错误", "cluster": "相似稿组"}
FACT_FIELDS = {"label": "指标", "type": "类型", "name": "名称", "value": "数值", "unit": "单位"}
REVIEW = {
    "review_confirm": ("确认了", "confirmed"),
    "review_correct": ("更正了", "corrected"),
    "review_reject": ("驳回了", "rejected"),
}

register(
    "intel_document",
    noun=("文章", "document"),
    labels=DOC_FIELDS,
    kinds={"cluster": HIDDEN},
    actions={
        "ingest": ("采集了文章", "ingested the document"),
        "ingest_failed": ("未能采集文章", "failed to ingest the document"),
    },
)
for kind, noun in (
    ("metric", ("指标", "figure")),
    ("event", ("事件", "event")),
    ("entity", ("实体", "entity")),
):
    register(
        f"intel_{kind}",
        noun=noun,
        labels=FACT_FIELDS,
        kinds={"key": HIDDEN},
        actions=REVIEW,
    )
register_en(
    {
        "错误": "Error",
        "相似稿组": "Duplicate group",
        "指标": "Figure",
        "数值": "Value",
        "单位": "Unit",
    }
)
