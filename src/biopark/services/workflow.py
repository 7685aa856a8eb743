"""The request (诉求) state machine: which role may take which step from which status.

One table, read by the service (to refuse), the API (through the service) and the
pages (to show only the steps that are allowed now).
"""

from __future__ import annotations

from dataclasses import dataclass

from biopark.accounts.models import Role
from biopark.errors import Conflict, Forbidden
from biopark.services.models import STATUS_LABELS, RequestStatus

S = RequestStatus
HANDLERS = frozenset({Role.admin, Role.leader, Role.commissioner})
OPEN = frozenset({S.new, S.responded, S.planned, S.dispatched, S.replied, S.reopened})


@dataclass(frozen=True)
class Step:
    label: str
    en: str
    roles: frozenset[Role]
    sources: frozenset[RequestStatus]


STEPS: dict[str, Step] = {
    "respond": Step("响应", "respond to", HANDLERS, frozenset({S.new, S.reopened})),
    "plan": Step("制定方案", "plan", HANDLERS, frozenset({S.responded})),
    "dispatch": Step("派发", "dispatch", HANDLERS, OPEN),
    # Withdrawing a dispatch only makes sense while some department has yet to answer.
    "withdraw_dispatch": Step(
        "撤回派发", "withdraw a dispatch of", HANDLERS, frozenset({S.dispatched})
    ),
    "reply": Step("答复", "reply to", frozenset({Role.department}), frozenset({S.dispatched})),
    "record_reply": Step(
        "代录部门答复", "record a department's reply to", HANDLERS, frozenset({S.dispatched})
    ),
    "close": Step(
        "办结",
        "close",
        HANDLERS,
        frozenset({S.responded, S.planned, S.dispatched, S.replied, S.reopened}),
    ),
    "withdraw": Step("撤回", "withdraw", frozenset({Role.enterprise}), OPEN),
    "rate": Step("评价", "rate", frozenset({Role.enterprise}), frozenset({S.closed})),
    "message": Step(
        "留言",
        "post to",
        HANDLERS | {Role.enterprise, Role.department},
        OPEN | {S.closed},
    ),
}

STATUS_EN = {
    S.new: "awaiting response",
    S.responded: "responded",
    S.planned: "planned",
    S.dispatched: "dispatched",
    S.replied: "replied",
    S.closed: "closed",
    S.rated: "rated",
    S.reopened: "reopened",
    S.withdrawn: "withdrawn",
}


def allowed(step: str, role: Role, status: RequestStatus) -> bool:
    """Whether the role may take the step from the status."""
    rule = STEPS[step]
    return role in rule.roles and status in rule.sources


def check(step: str, role: Role, status: RequestStatus) -> None:
    """Refuse a step the role may never take (403) or may not take now (409)."""
    rule = STEPS[step]
    if role not in rule.roles:
        raise Forbidden(f"无权{rule.label}此诉求", en=f"You may not {rule.en} this request")
    if status not in rule.sources:
        raise Conflict(
            f"诉求{STATUS_LABELS[status]}，不能{rule.label}",
            en=f"Cannot {rule.en} a request that is {STATUS_EN[status]}",
        )


def steps_for(role: Role, status: RequestStatus) -> set[str]:
    """Every step the role may take from the status (for showing forms)."""
    return {name for name in STEPS if allowed(name, role, status)}
