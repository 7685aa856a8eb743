"""Financial products, financing needs, their matching, referral and outcome.

A need moves posted → referred → granted / declined, or is withdrawn by its
enterprise while still open; the STEPS table says which role may take which
step from which status. Conditions of products are policies.rules JSON,
checked against the same enterprise facts as policies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.finance.models import (
    NEED_STATUS_LABELS,
    PRODUCT_KINDS,
    FinanceProduct,
    FinancingNeed,
    NeedStatus,
)
from biopark.finance.schemas import (
    DeclineBody,
    GrantBody,
    NeedCreate,
    ProductCreate,
    ProductUpdate,
    ReferBody,
)
from biopark.kit.dates import today
from biopark.kit.models import utcnow
from biopark.kit.money import format_cny
from biopark.kit.pagination import Page, paginate
from biopark.notify import service as notify
from biopark.policies import rules
from biopark.policies.service import facts_for

S = NeedStatus
HANDLERS = frozenset({Role.admin, Role.leader, Role.commissioner})
EDITORS = frozenset({Role.admin, Role.commissioner})
READERS = HANDLERS | {Role.enterprise}
OPEN = frozenset({S.posted, S.referred})
ENTITY = "financing_need"
NOTICE_KIND = "finance_need"


@dataclass(frozen=True)
class Step:
    label: str
    en: str
    roles: frozenset[Role]
    sources: frozenset[NeedStatus]


STEPS: dict[str, Step] = {
    "refer": Step("推荐", "refer", HANDLERS, frozenset({S.posted})),
    "grant": Step("登记获批", "record a grant for", HANDLERS, frozenset({S.referred})),
    "decline": Step("登记未获批", "record a refusal for", HANDLERS, frozenset({S.referred})),
    "withdraw": Step("撤回", "withdraw", frozenset({Role.enterprise}), OPEN),
}
STATUS_EN = {
    S.posted: "posted",
    S.referred: "referred",
    S.granted: "granted",
    S.declined: "declined",
    S.withdrawn: "withdrawn",
}


def steps_for(role: Role, status: NeedStatus) -> set[str]:
    """Every step the role may take from the status (for showing forms)."""
    return {n for n, s in STEPS.items() if role in s.roles and status in s.sources}


def _check(step: str, user: User, need: FinancingNeed, session: Session) -> None:
    rule = STEPS[step]
    if user.role not in rule.roles:
        raise Forbidden(f"无权{rule.label}此融资需求", en=f"You may not {rule.en} this need")
    if need.status not in rule.sources:
        raise Conflict(
            f"融资需求{NEED_STATUS_LABELS[need.status]}，不能{rule.label}",
            en=f"Cannot {rule.en} a need that is {STATUS_EN[need.status]}",
        )
    if user.role == Role.commissioner:
        owner = session.scalar(
            select(Enterprise.commissioner_id).where(Enterprise.id == need.enterprise_id)
        )
        if owner not in (None, user.id):
            raise Forbidden(
                "该企业由其他服务专员负责", en="Another commissioner serves this enterprise"
            )


# ---------------------------------------------------------------- products


def _products(user: User) -> Select[Any]:
    if user.role not in READERS:
        raise Forbidden()
    stmt = select(FinanceProduct).where(FinanceProduct.park_id == user.park_id)
    if user.role not in EDITORS:
        stmt = stmt.where(FinanceProduct.active.is_(True))
    return stmt


def list_products(
    session: Session, *, user: User, kind: str | None = None, page: int = 1, size: int = 50
) -> Page[Any]:
    """The park's financial products the user may read."""
    stmt = _products(user)
    if kind:
        stmt = stmt.where(FinanceProduct.kind == kind)
    return paginate(
        session, stmt.order_by(FinanceProduct.kind, FinanceProduct.id), page=page, size=size
    )


def get_product(session: Session, *, user: User, product_id: int) -> FinanceProduct:
    """One product, if the user may read it."""
    product = session.scalar(_products(user).where(FinanceProduct.id == product_id))
    if product is None:
        raise NotFound("金融产品不存在", en="Financial product not found")
    return product


def create_product(
    session: Session,
    *,
    park_id: int,
    actor: User | None,
    data: ProductCreate,
    is_demo: bool = False,
) -> FinanceProduct:
    """Add a product to the park's catalogue (actor None: CLI or demo)."""
    if actor is not None and actor.role not in EDITORS:
        raise Forbidden()
    clash = session.scalar(
        select(FinanceProduct.id).where(
            FinanceProduct.park_id == park_id, FinanceProduct.name == data.name
        )
    )
    if clash is not None:
        raise Conflict(f"金融产品已存在：{data.name}", en=f"Product exists: {data.name}")
    product = FinanceProduct(park_id=park_id, is_demo=is_demo, **data.model_dump())
    session.add(product)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="finance_product",
        entity_id=product.id,
        park_id=park_id,
        changes={"name": product.name, "kind": PRODUCT_KINDS[product.kind]},
    )
    return product


def _editable(session: Session, user: User, product_id: int) -> FinanceProduct:
    if user.role not in EDITORS:
        raise Forbidden("无权修改金融产品", en="You may not change financial products")
    return get_product(session, user=user, product_id=product_id)


def update_product(
    session: Session, *, user: User, product_id: int, data: ProductUpdate
) -> FinanceProduct:
    """Change the given fields of a product; the audit entry keeps each change's before/after."""
    return _change(session, user, product_id, data, "update")


def _change(
    session: Session, user: User, product_id: int, data: ProductUpdate, action: str
) -> FinanceProduct:
    product = _editable(session, user, product_id)
    given = data.model_dump(exclude_unset=True)
    if "name" in given and given["name"] != product.name:
        clash = session.scalar(
            select(FinanceProduct.id).where(
                FinanceProduct.park_id == product.park_id,
                FinanceProduct.name == given["name"],
                FinanceProduct.id != product.id,
            )
        )
        if clash is not None:
            raise Conflict(
                f"金融产品已存在：{given['name']}", en=f"Product exists: {given['name']}"
            )
    low = given.get("amount_min", product.amount_min)
    high = given.get("amount_max", product.amount_max)
    if low is not None and high is not None and low > high:
        raise ValidationFailed("额度下限不能高于上限", en="The minimum amount is above the maximum")
    audit.record_update(
        session, obj=product, data=given, actor=user, action=action, entity_type="finance_product"
    )
    return product


def set_product_active(
    session: Session, *, user: User, product_id: int, active: bool
) -> FinanceProduct:
    """Retire a product (no longer offered nor matched; referred needs keep it) or reactivate it."""
    action = "reactivate" if active else "retire"
    return _change(session, user, product_id, ProductUpdate(active=active), action)


def describe_conditions(conditions: dict[str, Any], lang: str = "zh") -> list[str]:
    """The product's conditions as sentences, one per top-level condition."""
    return rules.describe_list(conditions, lang)


# ---------------------------------------------------------------- needs


def visible(user: User) -> Select[Any]:
    """The needs the user may read: its own enterprise's, or the park's for staff."""
    stmt = select(FinancingNeed).where(FinancingNeed.park_id == user.park_id)
    if user.role in HANDLERS:
        return stmt
    if user.role == Role.enterprise:
        return stmt.where(FinancingNeed.enterprise_id == (user.enterprise_id or -1))
    raise Forbidden()


def list_needs(
    session: Session,
    *,
    user: User,
    status: str | None = None,
    page: int = 1,
    size: int = 50,
) -> Page[Any]:
    """A page of visible needs, newest first."""
    stmt = visible(user)
    if status:
        if status not in NeedStatus.__members__:
            raise ValidationFailed("未知状态", en=f"Unknown status: {status}")
        stmt = stmt.where(FinancingNeed.status == NeedStatus(status))
    stmt = stmt.order_by(FinancingNeed.posted_at.desc(), FinancingNeed.id.desc())
    return paginate(session, stmt, page=page, size=size)


def get_need(session: Session, *, user: User, need_id: int) -> FinancingNeed:
    """One need, if the user may see it (others' look the same as missing ones)."""
    need = session.scalar(visible(user).where(FinancingNeed.id == need_id))
    if need is None:
        raise NotFound("融资需求不存在", en="Financing need not found")
    return need


def _log(
    session: Session, need: FinancingNeed, actor: User | None, action: str, **changes: Any
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type=ENTITY,
        entity_id=need.id,
        park_id=need.park_id,
        changes=changes,
    )


def post_need(
    session: Session,
    *,
    user: User,
    data: NeedCreate,
    now: datetime | None = None,
    is_demo: bool = False,
) -> FinancingNeed:
    """Post a financing need for the user's enterprise, or on an enterprise's behalf."""
    if user.role == Role.enterprise:
        if not user.enterprise_id:
            raise Forbidden("账号未关联企业", en="Account has no enterprise")
        enterprise_id = user.enterprise_id
    elif user.role in HANDLERS:
        if data.enterprise_id is None:
            raise ValidationFailed("请选择企业", en="Choose an enterprise")
        ent = session.scalar(
            select(Enterprise.id).where(
                Enterprise.id == data.enterprise_id, Enterprise.park_id == user.park_id
            )
        )
        if ent is None:
            raise NotFound("企业不存在", en="Enterprise not found")
        enterprise_id = ent
    else:
        raise Forbidden()
    need = FinancingNeed(
        park_id=user.park_id,
        enterprise_id=enterprise_id,
        posted_by_id=user.id,
        amount=data.amount,
        purpose=data.purpose.strip(),
        stage=data.stage,
        status=S.posted,
        posted_at=now or utcnow(),
        is_demo=is_demo,
    )
    session.add(need)
    session.flush()
    _log(session, need, user, "post", amount=str(need.amount), purpose=need.purpose)
    return need


def _notify(session: Session, need: FinancingNeed, title: str, body: str | None = None) -> None:
    """Tell the enterprise's users that their need changed status (once per status)."""
    users = session.scalars(
        select(User).where(
            User.enterprise_id == need.enterprise_id,
            User.role == Role.enterprise,
            User.active.is_(True),
        )
    )
    notify.send(
        session,
        to=list(users),
        kind=NOTICE_KIND,
        title=title,
        url=f"/finance/needs/{need.id}",
        body=body,
        dedupe_key=f"finance_need:{need.id}:{need.status.value}",
    )


def refer_need(
    session: Session, *, user: User, need_id: int, data: ReferBody, now: datetime | None = None
) -> FinancingNeed:
    """Refer a posted need to one active product and its provider."""
    need = get_need(session, user=user, need_id=need_id)
    _check("refer", user, need, session)
    product = session.scalar(
        select(FinanceProduct).where(
            FinanceProduct.id == data.product_id,
            FinanceProduct.park_id == need.park_id,
            FinanceProduct.active.is_(True),
        )
    )
    if product is None:
        raise NotFound("金融产品不存在或已停用", en="Product not found or inactive")
    need.status = S.referred
    need.product_id = product.id
    need.referred_to = product.provider
    need.referral_note = data.note
    need.referred_at = now or utcnow()
    need.referred_by_id = user.id
    session.flush()
    _log(session, need, user, "refer", product=product.name, provider=product.provider)
    _notify(session, need, f"融资需求已推荐至{product.provider}", product.name)
    return need


def grant_need(session: Session, *, user: User, need_id: int, data: GrantBody) -> FinancingNeed:
    """Record that the provider granted the referred need (amount, provider, date)."""
    need = get_need(session, user=user, need_id=need_id)
    _check("grant", user, need, session)
    if data.decided_on > today():
        raise ValidationFailed("获批日期不能晚于今天", en="The grant date is in the future")
    if need.referred_at is not None and data.decided_on < need.referred_at.date():
        raise ValidationFailed(
            "获批日期不能早于推荐日期", en="The grant date is before the referral"
        )
    need.status = S.granted
    need.granted_amount = data.granted_amount
    need.granted_by = (data.granted_by or "").strip() or need.referred_to
    need.decided_on = data.decided_on
    need.decision_note = data.note
    session.flush()
    amount = format_cny(data.granted_amount)
    _log(
        session,
        need,
        user,
        "grant",
        granted_amount=str(need.granted_amount),
        provider=need.granted_by,
    )
    _notify(session, need, f"融资需求已获批：{amount}", need.granted_by)
    return need


def decline_need(session: Session, *, user: User, need_id: int, data: DeclineBody) -> FinancingNeed:
    """Record that the provider declined the referred need, with the reason."""
    need = get_need(session, user=user, need_id=need_id)
    _check("decline", user, need, session)
    if data.decided_on > today():
        raise ValidationFailed("日期不能晚于今天", en="The date is in the future")
    need.status = S.declined
    need.decided_on = data.decided_on
    need.decision_note = data.note.strip()
    session.flush()
    _log(session, need, user, "decline", reason=need.decision_note)
    _notify(session, need, "融资需求未获批", need.decision_note)
    return need


def withdraw_need(
    session: Session, *, user: User, need_id: int, now: datetime | None = None
) -> FinancingNeed:
    """The enterprise withdraws its own open need."""
    need = get_need(session, user=user, need_id=need_id)
    _check("withdraw", user, need, session)
    need.status = S.withdrawn
    need.withdrawn_at = now or utcnow()
    session.flush()
    _log(session, need, user, "withdraw")
    return need


def history(session: Session, *, need: FinancingNeed) -> list[Any]:
    """Every step of the need, newest first."""
    return audit.history(session, park_id=need.park_id, entity_type=ENTITY, entity_id=need.id)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class ProductMatch:
    product_id: int
    product_name: str
    kind: str
    provider: str
    verdict: rules.Verdict
    unmet: list[str]
    missing_data: list[str]


ORDER = {
    rules.Verdict.qualified: 0,
    rules.Verdict.nearly: 1,
    rules.Verdict.unknown: 2,
    rules.Verdict.ineligible: 3,
}


def _amount_gap(product: FinanceProduct, amount: Decimal) -> str | None:
    if product.amount_max is not None and amount > product.amount_max:
        return f"融资金额高于产品额度上限 {format_cny(product.amount_max)}"
    if product.amount_min is not None and amount < product.amount_min:
        return f"融资金额低于产品起点 {format_cny(product.amount_min)}"
    return None


def match_need(
    session: Session, *, user: User, need_id: int, include_ineligible: bool = False
) -> list[ProductMatch]:
    """Active products the need's enterprise qualifies for, nearly qualifies for (with the failing
    conditions) or cannot be judged on; an amount outside the product's range is one more gap."""
    need = get_need(session, user=user, need_id=need_id)
    ent = session.get(Enterprise, need.enterprise_id)
    assert ent is not None
    facts = facts_for(session, enterprises_=[ent], as_of=today())[ent.id]
    products = session.scalars(
        select(FinanceProduct)
        .where(FinanceProduct.park_id == need.park_id, FinanceProduct.active.is_(True))
        .order_by(FinanceProduct.id)
    )
    out: list[ProductMatch] = []
    for p in products:
        try:
            c = rules.classify(rules.evaluate(rules.parse(p.conditions), facts))
        except rules.RuleError as exc:
            c = rules.Classification(rules.Verdict.unknown, (), (f"产品条件无效：{exc}",))
        verdict, unmet = c.verdict, list(c.unmet)
        gap = _amount_gap(p, need.amount)
        if gap:
            unmet.append(gap)
            if verdict == rules.Verdict.qualified:
                verdict = rules.Verdict.nearly
            elif verdict == rules.Verdict.nearly:
                verdict = rules.Verdict.ineligible
        if verdict == rules.Verdict.ineligible and not include_ineligible:
            continue
        out.append(
            ProductMatch(p.id, p.name, p.kind, p.provider, verdict, unmet, list(c.missing_data))
        )
    out.sort(key=lambda m: (ORDER[m.verdict], m.product_id))
    return out


def enterprise_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Names of the enterprises, for lists."""
    if not ids:
        return {}
    rows = session.execute(select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids)))
    return {i: n for i, n in rows}
