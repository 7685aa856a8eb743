"""The policy library and the matching of policies to enterprises."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises import service as enterprises
from biopark.enterprises.models import Enterprise, EnterprisePool
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.kit.pagination import Page, paginate
from biopark.parks.models import Park
from biopark.policies import rules
from biopark.policies.models import Policy, PolicyPush
from biopark.policies.schemas import PolicyCreate, PolicyUpdate

EDITORS = {Role.admin, Role.commissioner}
READERS = {
    Role.admin,
    Role.leader,
    Role.commissioner,
    Role.investment_officer,
    Role.analyst,
    Role.enterprise,
}
PUSHERS = {Role.admin, Role.leader, Role.commissioner}
# Non-nullable columns: an explicit null in a PATCH leaves them as they are.
REQUIRED = (
    "title",
    "issuer",
    "level",
    "benefit",
    "summary",
    "valid_from",
    "conditions",
    "auto_grant",
    "published",
)
ORDER = {
    rules.Verdict.qualified: 0,
    rules.Verdict.nearly: 1,
    rules.Verdict.unknown: 2,
    rules.Verdict.ineligible: 3,
}


@dataclass(frozen=True)
class Match:
    enterprise_id: int
    enterprise_name: str
    policy_id: int
    policy_title: str
    benefit: str
    auto_grant: bool
    verdict: rules.Verdict
    unmet: list[str]
    missing_data: list[str]
    amount: Decimal | None
    amount_text: str
    pushed_at: datetime | None = None


def require_editor(user: User) -> None:
    """Only admins and commissioners write policies."""
    if user.role not in EDITORS:
        raise Forbidden()


def _readable(user: User) -> Select[Any]:
    if user.role not in READERS:
        raise Forbidden()
    stmt = select(Policy).where(Policy.park_id == user.park_id)
    if user.role not in EDITORS:
        stmt = stmt.where(Policy.published.is_(True))
    return stmt


def _current(stmt: Select[Any], as_of: date) -> Select[Any]:
    return stmt.where(
        Policy.published.is_(True),
        Policy.valid_from <= as_of,
        or_(Policy.valid_to.is_(None), Policy.valid_to >= as_of),
    )


def list_policies(
    session: Session,
    *,
    user: User,
    q: str | None = None,
    benefit: str | None = None,
    current_on: date | None = None,
    page: int = 1,
    size: int = 50,
) -> Page[Any]:
    """A page of policies the user may read, filtered by text, benefit and validity date."""
    stmt = _readable(user)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Policy.title.ilike(like), Policy.issuer.ilike(like)))
    if benefit:
        stmt = stmt.where(Policy.benefit == benefit)
    if current_on:
        stmt = _current(stmt, current_on)
    return paginate(
        session, stmt.order_by(Policy.valid_from.desc(), Policy.id), page=page, size=size
    )


def get_policy(session: Session, *, user: User, policy_id: int) -> Policy:
    """One policy, if the user may read it."""
    policy = session.scalar(_readable(user).where(Policy.id == policy_id))
    if policy is None:
        raise NotFound("政策不存在", en="Policy not found")
    return policy


def _check_title(session: Session, *, park_id: int, title: str, own: int | None) -> None:
    clash = session.scalar(
        select(Policy.id).where(
            Policy.park_id == park_id, Policy.title == title, Policy.id != (own or -1)
        )
    )
    if clash is not None:
        raise Conflict(f"政策已存在：{title}", en=f"Policy exists: {title}")


def create_policy(
    session: Session, *, park_id: int, actor: User | None, data: PolicyCreate
) -> Policy:
    """Add a policy to the park's library (actor None: CLI or demo)."""
    if actor is not None and actor.role not in EDITORS:
        raise Forbidden()
    _check_title(session, park_id=park_id, title=data.title, own=None)
    policy = Policy(park_id=park_id, **data.model_dump())
    session.add(policy)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="policy",
        entity_id=policy.id,
        park_id=park_id,
        changes=data.model_dump(exclude_none=True, mode="json"),
    )
    return policy


def update_policy(session: Session, *, user: User, policy_id: int, data: PolicyUpdate) -> Policy:
    """Change a policy and audit what changed."""
    if user.role not in EDITORS:
        raise Forbidden()
    policy = get_policy(session, user=user, policy_id=policy_id)
    values = data.model_dump(exclude_unset=True)
    for key in REQUIRED:
        if key in values and values[key] is None:
            values.pop(key)
    if "title" in values:
        _check_title(session, park_id=policy.park_id, title=values["title"], own=policy.id)
    start = values.get("valid_from", policy.valid_from)
    end = values.get("valid_to", policy.valid_to)
    if end is not None and end < start:
        raise ValidationFailed("有效期截止不能早于开始", en="Validity ends before it starts")
    changed = audit.apply_changes(policy, values)
    if changed:
        audit.record(
            session,
            actor=user,
            action="update",
            entity_type="policy",
            entity_id=policy.id,
            park_id=policy.park_id,
            changes=changed,
        )
    return policy


# ---------------------------------------------------------------- matching


def facts_for(
    session: Session, *, enterprises_: Sequence[Enterprise], as_of: date
) -> dict[int, rules.Facts]:
    """What the rules may know of each enterprise (current pools, park, recorded figures)."""
    ids = [e.id for e in enterprises_]
    pools: dict[int, set[str]] = defaultdict(set)
    if ids:
        stmt = select(EnterprisePool.enterprise_id, EnterprisePool.pool).where(
            EnterprisePool.enterprise_id.in_(ids),
            EnterprisePool.entered_on <= as_of,
            or_(EnterprisePool.left_on.is_(None), EnterprisePool.left_on > as_of),
        )
        for eid, pool in session.execute(stmt):
            pools[eid].add(pool)
    park_ids = {e.park_id for e in enterprises_}
    parks = {p.id: p for p in session.scalars(select(Park).where(Park.id.in_(park_ids)))}
    out: dict[int, rules.Facts] = {}
    for e in enterprises_:
        park = parks.get(e.park_id)
        out[e.id] = rules.Facts(
            as_of=as_of,
            registered_capital=e.registered_capital,
            rd_spending=e.rd_spending,
            employees=e.employees,
            founded_on=e.founded_on,
            cluster=e.cluster,
            revenue_band=e.revenue_band,
            park=park.code if park else None,
            district=getattr(park, "district", None) if park else None,
            tags=frozenset(e.tags or ()),
            pools=frozenset(pools[e.id]),
            chain_links=frozenset(e.chain_links) if e.chain_links else None,
        )
    return out


def _parsed(
    policy: Policy,
) -> tuple[Policy, rules.Node | rules.RuleError, rules.AmountRule]:
    # A rule damaged outside the validated paths reports itself instead of failing the list.
    try:
        node: rules.Node | rules.RuleError = rules.parse(policy.conditions)
    except rules.RuleError as exc:
        node = exc
    try:
        amount = rules.parse_amount(policy.amount_rule)
    except rules.RuleError:
        amount = rules.AmountRule("none")
    return policy, node, amount


def compute_matches(
    policies: Iterable[Policy],
    enterprises_: Iterable[Enterprise],
    facts: dict[int, rules.Facts],
    *,
    include_ineligible: bool = False,
    pushed: dict[tuple[int, int], datetime] | None = None,
) -> list[Match]:
    """Every (enterprise, policy) verdict, best first; no database access."""
    parsed = [_parsed(p) for p in policies]
    out: list[Match] = []
    for ent in enterprises_:
        f = facts[ent.id]
        for policy, node, amount in parsed:
            if isinstance(node, rules.RuleError):
                verdict = rules.Classification(
                    rules.Verdict.unknown, (), (f"政策条件无效：{node}",)
                )
            else:
                verdict = rules.classify(rules.evaluate(node, f))
            if verdict.verdict == rules.Verdict.ineligible and not include_ineligible:
                continue
            est = rules.estimate(amount, f)
            out.append(
                Match(
                    enterprise_id=ent.id,
                    enterprise_name=ent.name,
                    policy_id=policy.id,
                    policy_title=policy.title,
                    benefit=policy.benefit,
                    auto_grant=policy.auto_grant,
                    verdict=verdict.verdict,
                    unmet=list(verdict.unmet),
                    missing_data=list(verdict.missing_data),
                    amount=est.amount,
                    amount_text=est.text,
                    pushed_at=(pushed or {}).get((policy.id, ent.id)),
                )
            )
    out.sort(key=lambda m: (ORDER[m.verdict], m.enterprise_name, m.policy_title))
    return out


def current_policies(session: Session, *, park_id: int, as_of: date) -> list[Policy]:
    """The park's published policies valid on the date."""
    stmt = _current(select(Policy).where(Policy.park_id == park_id), as_of)
    return list(session.scalars(stmt.order_by(Policy.id)))


def _pushed(session: Session, *, enterprise_ids: list[int]) -> dict[tuple[int, int], datetime]:
    if not enterprise_ids:
        return {}
    stmt = select(PolicyPush.policy_id, PolicyPush.enterprise_id, PolicyPush.pushed_at).where(
        PolicyPush.enterprise_id.in_(enterprise_ids)
    )
    return {(p, e): at for p, e, at in session.execute(stmt)}


def _match(
    session: Session,
    *,
    park_id: int,
    enterprises_: list[Enterprise],
    as_of: date,
    policies: list[Policy] | None = None,
    include_ineligible: bool = False,
) -> list[Match]:
    facts = facts_for(session, enterprises_=enterprises_, as_of=as_of)
    if policies is None:
        policies = current_policies(session, park_id=park_id, as_of=as_of)
    pushed = _pushed(session, enterprise_ids=[e.id for e in enterprises_])
    return compute_matches(
        policies, enterprises_, facts, include_ineligible=include_ineligible, pushed=pushed
    )


def match_enterprise(
    session: Session, *, user: User, enterprise_id: int, as_of: date
) -> list[Match]:
    """The policies a visible enterprise qualifies for, nearly qualifies for, or cannot be judged on."""
    ent = enterprises.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    if user.role not in READERS:
        raise Forbidden()
    return _match(session, park_id=ent.park_id, enterprises_=[ent], as_of=as_of)


def my_matches(session: Session, *, user: User, as_of: date) -> list[Match]:
    """An enterprise user's own matches."""
    if user.role != Role.enterprise or user.enterprise_id is None:
        raise Forbidden()
    return match_enterprise(session, user=user, enterprise_id=user.enterprise_id, as_of=as_of)


def push_list(session: Session, *, user: User, as_of: date) -> list[Match]:
    """Qualified and nearly-qualified matches of the user's enterprises, to push to them."""
    if user.role not in PUSHERS:
        raise Forbidden()
    ents = list(session.scalars(enterprises.visible(user).order_by(Enterprise.name)))
    matches = _match(session, park_id=user.park_id, enterprises_=ents, as_of=as_of)
    return [m for m in matches if m.verdict in (rules.Verdict.qualified, rules.Verdict.nearly)]


def policy_matches(session: Session, *, user: User, policy_id: int, as_of: date) -> list[Match]:
    """How each enterprise the user may see fares against one policy."""
    if user.role not in PUSHERS and user.role != Role.investment_officer:
        raise Forbidden()
    policy = get_policy(session, user=user, policy_id=policy_id)
    ents = list(session.scalars(enterprises.visible(user)))
    return _match(
        session, park_id=policy.park_id, enterprises_=ents, as_of=as_of, policies=[policy]
    )


def ready_list(session: Session, *, user: User, policy_id: int, as_of: date) -> list[Match]:
    """For a 免申即享 policy: the enterprises that get it without applying."""
    policy = get_policy(session, user=user, policy_id=policy_id)
    if not policy.auto_grant:
        raise Conflict("该政策不是免申即享", en="Not an apply-free policy")
    return [
        m
        for m in policy_matches(session, user=user, policy_id=policy_id, as_of=as_of)
        if m.verdict == rules.Verdict.qualified
    ]


def match_park(
    session: Session, *, park: Park, as_of: date, enterprise_id: int | None = None
) -> list[Match]:
    """Matches of the whole park (or one enterprise of it), for the CLI and reports."""
    stmt = select(Enterprise).where(Enterprise.park_id == park.id)
    if enterprise_id is not None:
        stmt = stmt.where(Enterprise.id == enterprise_id)
    ents = list(session.scalars(stmt.order_by(Enterprise.name)))
    if enterprise_id is not None and not ents:
        raise NotFound("企业不存在", en="Enterprise not found")
    return _match(session, park_id=park.id, enterprises_=ents, as_of=as_of)


def mark_pushed(
    session: Session, *, user: User, policy_id: int, enterprise_id: int, note: str | None = None
) -> PolicyPush:
    """Record that the policy was pushed to the enterprise (once per pair)."""
    if user.role not in PUSHERS:
        raise Forbidden()
    ent = enterprises.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    policy = get_policy(session, user=user, policy_id=policy_id)
    existing = session.scalar(
        select(PolicyPush).where(
            PolicyPush.policy_id == policy.id, PolicyPush.enterprise_id == ent.id
        )
    )
    if existing is not None:
        return existing
    push = PolicyPush(
        park_id=ent.park_id,
        policy_id=policy.id,
        enterprise_id=ent.id,
        pushed_by_id=user.id,
        note=note,
    )
    session.add(push)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="policy_push",
        entity_type="enterprise",
        entity_id=ent.id,
        park_id=ent.park_id,
        changes={"policy": policy.title},
    )
    return push


# ---------------------------------------------------------------- rule preview and calculator


@dataclass(frozen=True)
class Preview:
    qualified: list[str]
    nearly: list[tuple[str, list[str]]]
    total: int


def preview_rule(session: Session, *, user: User, node: rules.Node, as_of: date) -> Preview:
    """Which of the editor's enterprises a draft rule lets in, and which miss one condition."""
    require_editor(user)
    ents = list(session.scalars(enterprises.visible(user).order_by(Enterprise.name)))
    facts = facts_for(session, enterprises_=ents, as_of=as_of)
    qualified: list[str] = []
    nearly: list[tuple[str, list[str]]] = []
    for ent in ents:
        verdict = rules.classify(rules.evaluate(node, facts[ent.id]))
        if verdict.verdict == rules.Verdict.qualified:
            qualified.append(ent.name)
        elif verdict.verdict == rules.Verdict.nearly:
            nearly.append((ent.name, list(verdict.unmet)))
    return Preview(qualified, nearly, len(ents))


def own_facts(session: Session, *, user: User, as_of: date) -> tuple[Enterprise, rules.Facts]:
    """An enterprise user's own enterprise and what the rules know of it."""
    if user.role != Role.enterprise or user.enterprise_id is None:
        raise Forbidden()
    ent = enterprises.get_enterprise(session, user=user, enterprise_id=user.enterprise_id)
    return ent, facts_for(session, enterprises_=[ent], as_of=as_of)[ent.id]


def calculate(session: Session, *, user: User, what_if: dict[str, Any], as_of: date) -> list[Match]:
    """The enterprise's matches with some figures replaced (nothing is saved)."""
    ent, facts = own_facts(session, user=user, as_of=as_of)
    known = {k: v for k, v in what_if.items() if k in rules.Facts.__dataclass_fields__}
    changed = replace(facts, **known)
    policies = current_policies(session, park_id=ent.park_id, as_of=as_of)
    return compute_matches(policies, [ent], {ent.id: changed}, include_ineligible=True)
