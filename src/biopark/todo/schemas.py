"""What waits for a user: one item per record to act on."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

# Kind -> Chinese label, in the order the to-do page shows its groups.
KIND_LABELS: dict[str, str] = {
    "escalation": "超时升级的诉求",
    "discrepancy": "新闻与台账不一致",
    "lead": "线索首次联系",
    "project": "项目下一步",
    "request": "诉求办理",
    "reply": "派发待答复",
    "rating": "诉求待评价",
    "task": "重点任务进展",
    "milestone": "任务里程碑",
    "followup": "一企一策跟进",
    "policy_push": "政策待推送",
    "proposal": "管线里程碑待审核",
}
KINDS = tuple(KIND_LABELS)


class TodoItem(BaseModel):
    """One thing to do: what, on which record, by when."""

    kind: str
    action: str
    subject: str
    url: str
    due_at: datetime | None = None
    # Deadlines kept as dates (tasks, projects, follow-ups) end the local day; shown as dates.
    all_day: bool = False
    overdue: bool = False

    @property
    def title(self) -> str:
        """'action：subject' in Chinese."""
        return f"{self.action}：{self.subject}"


class TodoItemRead(BaseModel):
    kind: str
    kind_label: str
    title: str
    action: str
    subject: str
    url: str
    due_at: datetime | None
    all_day: bool
    overdue: bool


class TodoList(BaseModel):
    items: list[TodoItemRead]
    counts: dict[str, int]
    total: int
    overdue: int
