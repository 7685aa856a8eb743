"""一窗综办 catalogue: items, their materials, and what an enterprise already has on file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.onewindow.models import (
    ItemMaterial,
    MaterialKind,
    OnFileDocument,
    PartStatus,
    ServiceItem,
    Submission,
)
from biopark.onewindow.schemas import ItemCreate, MaterialCheck
from biopark.parks.models import Department

# Fields of the enterprise record that items may reuse, with their Chinese names.
RECORD_FIELDS = {
    "name": "企业名称",
    "credit_code": "统一社会信用代码",
    "address": "注册地址",
    "founded_on": "成立日期",
    "registered_capital": "注册资本",
    "employees": "从业人数",
    "cluster": "产业集群",
}


def create_item(
    session: Session, *, park_id: int, data: ItemCreate, user: User | None, is_demo: bool = False
) -> ServiceItem:
    """Add an item to the catalogue after checking its departments and materials."""
    known = set(session.scalars(select(Department.id).where(Department.park_id == park_id)))
    if not set(data.department_ids) <= known:
        raise ValidationFailed("部门不属于本园区", en="Department not in this park")
    if session.scalar(
        select(ServiceItem.id).where(ServiceItem.park_id == park_id, ServiceItem.code == data.code)
    ):
        raise Conflict(f"事项编码已存在：{data.code}", en=f"Item code already used: {data.code}")
    for m in data.materials:
        if m.kind == MaterialKind.record and m.source not in RECORD_FIELDS:
            raise ValidationFailed(
                f"未知的企业档案字段：{m.source}", en=f"Unknown record field: {m.source}"
            )
        if data.zero_material and m.kind == MaterialKind.document:
            raise ValidationFailed(
                f"零材料事项不能要求上传材料：{m.name}",
                en=f"A zero-material item cannot ask for an upload: {m.name}",
            )
    item = ServiceItem(
        park_id=park_id,
        is_demo=is_demo,
        **data.model_dump(exclude={"materials", "department_ids"}),
        department_ids=list(dict.fromkeys(data.department_ids)),
        materials=[
            ItemMaterial(position=i, **m.model_dump()) for i, m in enumerate(data.materials)
        ],
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=user,
        action="create",
        entity_type="onewindow_item",
        entity_id=item.id,
        park_id=park_id,
        changes={"name": item.name, "zero_material": item.zero_material},
    )
    return item


def list_items(
    session: Session, *, user: User, zero_only: bool = False, q: str | None = None
) -> list[ServiceItem]:
    """The park's active catalogue, by category and code."""
    stmt = (
        select(ServiceItem)
        .where(ServiceItem.park_id == user.park_id, ServiceItem.active.is_(True))
        .options(selectinload(ServiceItem.materials))
        .order_by(ServiceItem.category, ServiceItem.code)
    )
    if zero_only:
        stmt = stmt.where(ServiceItem.zero_material.is_(True))
    if q:
        stmt = stmt.where(ServiceItem.name.contains(q[:50]))
    return list(session.scalars(stmt))


def get_item(session: Session, *, user: User, item_id: int) -> ServiceItem:
    """One item of the user's park."""
    item = session.get(ServiceItem, item_id)
    if item is None or item.park_id != user.park_id:
        raise NotFound("事项不存在", en="Service item not found")
    return item


def enterprise_of(session: Session, user: User) -> Enterprise:
    """The enterprise of an enterprise user; other roles may not apply."""
    if user.role != Role.enterprise or user.enterprise_id is None:
        raise Forbidden("仅入驻企业可以申报", en="Only enterprise users can apply")
    ent = session.get(Enterprise, user.enterprise_id)
    if ent is None or ent.park_id != user.park_id:
        raise Forbidden()
    return ent


def material_plan(
    session: Session, *, enterprise: Enterprise, item: ServiceItem
) -> list[MaterialCheck]:
    """Each material of the item for this enterprise: reused from file, or still needed."""
    kinds = [m.source for m in item.materials if m.kind == MaterialKind.document]
    docs: dict[str, OnFileDocument] = {}
    if kinds:
        for doc in session.scalars(
            select(OnFileDocument)
            .where(OnFileDocument.enterprise_id == enterprise.id, OnFileDocument.kind.in_(kinds))
            .order_by(OnFileDocument.id)
        ):
            docs[doc.kind] = doc  # the newest of each kind wins
    codes = [m.source for m in item.materials if m.kind == MaterialKind.submission]
    earlier: dict[str, str] = {}
    if codes:
        for code, number in session.execute(
            select(ServiceItem.code, Submission.number)
            .join(Submission, Submission.item_id == ServiceItem.id)
            .where(
                Submission.enterprise_id == enterprise.id,
                Submission.status == PartStatus.approved,
                ServiceItem.code.in_(codes),
            )
            .order_by(Submission.id)
        ):
            earlier[code] = number
    plan = []
    for m in item.materials:
        check = MaterialCheck(name=m.name, kind=m.kind, source=m.source, on_file=False)
        if m.kind == MaterialKind.record:
            value = getattr(enterprise, m.source, None)
            if value not in (None, "", []):
                check.on_file, check.detail = True, str(value)
        elif m.kind == MaterialKind.document and m.source in docs:
            doc = docs[m.source]
            check.on_file, check.detail, check.document_id = True, doc.filename, doc.id
        elif m.kind == MaterialKind.submission and m.source in earlier:
            check.on_file, check.detail = True, earlier[m.source]
        plan.append(check)
    return plan


def plan_for(session: Session, *, user: User, item: ServiceItem) -> list[MaterialCheck] | None:
    """The material plan for an enterprise user; None for other roles."""
    if user.role != Role.enterprise or user.enterprise_id is None:
        return None
    return material_plan(session, enterprise=enterprise_of(session, user), item=item)
