"""Policy library and matching API (政策直达)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit import service as audit
from biopark.audit.schemas import AuditRead
from biopark.errors import ValidationFailed
from biopark.kit.pagination import Page
from biopark.policies import rules, service
from biopark.policies.models import Policy
from biopark.policies.schemas import (
    ConditionCheck,
    MatchRead,
    PolicyCreate,
    PolicyRead,
    PolicyUpdate,
    PushCreate,
)

router = APIRouter(prefix="/api/policies", tags=["policies"])

OnDate = Query(default=None, description="Match as of this date (default today).")


def _reads(matches: list[service.Match]) -> list[MatchRead]:
    return [MatchRead(**asdict(m)) for m in matches]


@router.get("", response_model=Page[PolicyRead])
def list_policies(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    benefit: str | None = Query(default=None, max_length=20),
    current_on: date | None = Query(default=None, description="Only policies valid on this date."),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Policies of the user's park."""
    return service.list_policies(
        session, user=user, q=q, benefit=benefit, current_on=current_on, page=page, size=size
    )


@router.post("", response_model=PolicyRead, status_code=201)
def create_policy(body: PolicyCreate, user: CurrentUser, session: SessionDep) -> Policy:
    """Add a policy (admins and commissioners)."""
    return service.create_policy(session, park_id=user.park_id, actor=user, data=body)


@router.post("/check-conditions")
def check_conditions(body: ConditionCheck, user: CurrentUser) -> dict[str, Any]:
    """Validate a rule and describe it in Chinese (errors come back as 422)."""
    service.require_editor(user)
    try:
        node = rules.parse(body.conditions)
    except rules.RuleError as exc:
        raise ValidationFailed(str(exc), en=str(exc)) from exc
    return {"conditions": rules.to_json(node), "text": rules.describe(node)}


@router.get("/matches", response_model=list[MatchRead])
def enterprise_matches(
    user: CurrentUser,
    session: SessionDep,
    enterprise_id: int = Query(..., description="A visible enterprise."),
    on: date | None = OnDate,
) -> list[MatchRead]:
    """Policies the enterprise qualifies for, nearly qualifies for, or cannot be judged on."""
    return _reads(
        service.match_enterprise(
            session, user=user, enterprise_id=enterprise_id, as_of=on or date.today()
        )
    )


@router.get("/mine", response_model=list[MatchRead])
def my_matches(user: CurrentUser, session: SessionDep, on: date | None = OnDate) -> list[MatchRead]:
    """An enterprise user's own matches."""
    return _reads(service.my_matches(session, user=user, as_of=on or date.today()))


@router.get("/push-list", response_model=list[MatchRead])
def push_list(user: CurrentUser, session: SessionDep, on: date | None = OnDate) -> list[MatchRead]:
    """Qualified and nearly-qualified matches of the commissioner's enterprises."""
    return _reads(service.push_list(session, user=user, as_of=on or date.today()))


@router.post("/pushes", status_code=201)
def mark_pushed(body: PushCreate, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Record that a policy was pushed to an enterprise."""
    push = service.mark_pushed(
        session,
        user=user,
        policy_id=body.policy_id,
        enterprise_id=body.enterprise_id,
        note=body.note,
    )
    return {
        "policy_id": push.policy_id,
        "enterprise_id": push.enterprise_id,
        "pushed_at": push.pushed_at,
    }


@router.get("/{policy_id}", response_model=PolicyRead)
def get_policy(policy_id: int, user: CurrentUser, session: SessionDep) -> Policy:
    """One policy."""
    return service.get_policy(session, user=user, policy_id=policy_id)


@router.patch("/{policy_id}", response_model=PolicyRead)
def update_policy(
    policy_id: int, body: PolicyUpdate, user: CurrentUser, session: SessionDep
) -> Policy:
    """Change a policy (admins and commissioners)."""
    return service.update_policy(session, user=user, policy_id=policy_id, data=body)


@router.get("/{policy_id}/history", response_model=list[AuditRead])
def policy_history(policy_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every recorded change of the policy."""
    policy = service.get_policy(session, user=user, policy_id=policy_id)
    return audit.history(session, park_id=policy.park_id, entity_type="policy", entity_id=policy.id)


@router.get("/{policy_id}/matches", response_model=list[MatchRead])
def policy_matches(
    policy_id: int, user: CurrentUser, session: SessionDep, on: date | None = OnDate
) -> list[MatchRead]:
    """How each enterprise the user may see fares against the policy."""
    return _reads(
        service.policy_matches(session, user=user, policy_id=policy_id, as_of=on or date.today())
    )


@router.get("/{policy_id}/ready", response_model=list[MatchRead])
def ready_list(
    policy_id: int, user: CurrentUser, session: SessionDep, on: date | None = OnDate
) -> list[MatchRead]:
    """For a 免申即享 policy: the enterprises that receive it without applying."""
    return _reads(
        service.ready_list(session, user=user, policy_id=policy_id, as_of=on or date.today())
    )
