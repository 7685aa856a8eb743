"""How one-window applications and department parts read in a change history."""

from __future__ import annotations

from biopark.audit.describe import BOOL, Choice, Ref, register, register_en
from biopark.onewindow.models import PART_STATUS_LABELS, ServiceItem, Submission
from biopark.parks.models import Department

_STATUS = Choice({k.value: v for k, v in PART_STATUS_LABELS.items()})

register(
    "onewindow_submission",
    noun=("一窗综办申请", "one-window application"),
    record=Ref(Submission, "number"),
    url="/onewindow/submissions/{id}",
    labels={
        "number": "申请编号",
        "item": "事项",
        "reused": "复用材料数",
        "uploaded": "上传材料数",
    },
    kinds={"status": _STATUS, "departments": Ref(Department)},
)
register(
    "onewindow_part",
    noun=("部门办件", "department part"),
    labels={"submission": "申请编号", "note": "办理意见"},
    kinds={"status": _STATUS},
)
register(
    "onewindow_item",
    noun=("服务事项", "service item"),
    record=Ref(ServiceItem, "name"),
    url="/onewindow/items/{id}",
    labels={"zero_material": "零材料"},
    kinds={"zero_material": BOOL},
)
register_en(
    {
        "一窗综办申请": "One-window application",
        "部门办件": "Department part",
        "服务事项": "Service item",
        "申请编号": "Application no.",
        "事项": "Service item",
        "复用材料数": "Materials reused",
        "上传材料数": "Materials uploaded",
        "办理意见": "Opinion",
        "零材料": "Zero-material",
        "已接收": "Received",
        "办理中": "Processing",
        "已办结": "Approved",
        "退回补正": "Returned for correction",
        "不予办理": "Rejected",
    }
)
