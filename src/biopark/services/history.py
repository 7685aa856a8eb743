"""How enterprise requests and SLA settings read in a change history."""

from __future__ import annotations

from biopark.audit.describe import BOOL, DATETIME, LIST, Choice, Ref, register, register_en
from biopark.services.models import STATUS_LABELS, ServiceRequest
from biopark.services.pages import LABELS

register(
    "service_request",
    noun=("诉求", "request"),
    record=Ref(ServiceRequest, "title"),
    url="/requests/{id}",
    labels={
        **LABELS,
        "on_behalf": "代企业提交",
        "respond_due_at": "响应时限",
        "plan_due_at": "方案时限",
        "close_due_at": "办结时限",
        "departments": "派发部门",
        "department": "部门",
        "clock": "时限",
        "due_at": "到期时间",
        "to": "提醒对象",
        "status": "状态",
    },
    kinds={
        "on_behalf": BOOL,
        "respond_due_at": DATETIME,
        "plan_due_at": DATETIME,
        "close_due_at": DATETIME,
        "due_at": DATETIME,
        "departments": LIST,
        "to": LIST,
        "status": Choice({k.value: v for k, v in STATUS_LABELS.items()}),
    },
    actions={
        "submit": ("提交了诉求", "submitted the request"),
        "respond": ("响应了诉求", "responded to the request"),
        "plan": ("制定了办理方案", "made a plan"),
        "dispatch": ("派发给部门", "dispatched it to departments"),
        "reply": ("答复了诉求", "replied"),
        "close": ("办结了诉求", "closed the request"),
        "rate": ("评价了办理结果", "rated the outcome"),
        "reopen": ("重新打开了诉求", "reopened the request"),
        "escalate": ("督办超时诉求", "escalated the overdue request"),
    },
)
register(
    "sla_setting",
    noun=("办理时限", "SLA"),
    labels={
        "respond_minutes": "响应时限（分钟）",
        "plan_hours": "方案时限（小时）",
        "close_days": "办结时限（天）",
        "reply_days": "部门答复时限（天）",
    },
)
register_en(
    {
        "代企业提交": "Filed on behalf",
        "响应时限": "Response due",
        "方案时限": "Plan due",
        "办结时限": "Close due",
        "时限": "Clock",
        "到期时间": "Due",
        "提醒对象": "Notified",
        "办理时限": "SLA",
        "响应时限（分钟）": "Response time (minutes)",
        "方案时限（小时）": "Plan time (hours)",
        "办结时限（天）": "Close time (days)",
        "部门答复时限（天）": "Department reply time (days)",
        "响应意见": "Response",
        "办理方案": "Plan",
        "派发部门": "Departments",
        "答复意见": "Reply",
        "办结情况": "Resolution",
        "满意度": "Satisfaction",
    }
)
