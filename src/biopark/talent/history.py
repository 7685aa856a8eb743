"""How talent services, applications and events read in a change history."""

from __future__ import annotations

from biopark.audit.describe import DATETIME, Choice, Ref, register, register_en
from biopark.talent.models import SERVICE_KINDS, TalentApplication, TalentEvent, TalentService

register(
    "talent_service",
    noun=("人才服务", "talent service"),
    record=Ref(TalentService, "name"),
    labels={"name": "服务", "kind": "服务类型"},
    kinds={"kind": Choice(SERVICE_KINDS)},
    actions={"create": ("新增了人才服务", "added the talent service")},
)
register(
    "talent_application",
    noun=("人才服务申请", "talent application"),
    record=Ref(TalentApplication, "applicant_name"),
    url="/talent/applications/{id}",
    labels={
        "service": "服务",
        "applicant": "申请人",
        "respond_due_at": "受理时限",
        "close_due_at": "办结时限",
        "note": "备注",
        "clock": "时限",
        "due_at": "到期时间",
    },
    kinds={"respond_due_at": DATETIME, "close_due_at": DATETIME, "due_at": DATETIME},
    actions={
        "submit": ("提交了申请", "submitted the application"),
        "accept": ("受理了申请", "accepted the application"),
        "approve": ("通过了申请", "approved the application"),
        "reject": ("不予通过", "rejected the application"),
        "withdraw": ("撤回了申请", "withdrew the application"),
        "escalate": ("督办超时申请", "escalated the overdue application"),
    },
)
register(
    "talent_event",
    noun=("人才活动", "talent event"),
    record=Ref(TalentEvent, "title"),
    labels={"title": "标题", "starts_at": "开始时间"},
    kinds={"starts_at": DATETIME},
    actions={"create": ("发布了人才活动", "published the event")},
)
register_en({"服务类型": "Service type"})
