"""How coordination tasks read in a change history."""

from __future__ import annotations

from biopark.audit.describe import DATE, Choice, Ref, register, register_en
from biopark.parks.models import Department
from biopark.tasks.models import STATUS_LABELS, CoordTask
from biopark.tasks.pages import LABELS

register(
    "coord_task",
    noun=("任务", "task"),
    record=Ref(CoordTask, "title"),
    url="/tasks/{id}",
    labels={**LABELS, "status": "状态", "by": "填报单位", "done_on": "完成日期"},
    kinds={
        "lead_department_id": Ref(Department),
        "partner_ids": Ref(Department),
        "status": Choice(STATUS_LABELS),
        "deadline": DATE,
        "start_on": DATE,
    },
    actions={
        "milestone": ("添加了节点", "added a milestone"),
        "milestone_done": ("完成了节点", "completed a milestone"),
        "progress": ("报告了进展", "reported progress"),
    },
)
register_en(
    {
        "填报单位": "Reported by",
        "完成日期": "Done on",
        "进度": "Progress",
        "推进情况": "Progress report",
        "计划日期": "Planned date",
        "重点任务": "Key task",
    }
)
