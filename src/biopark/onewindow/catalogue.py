"""一窗综办 catalogue: items, their materials, and what an enterprise already has on file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises.models import Enterprise
from biopark.errors import Conflict, Forbidden, NotFound, ValidationFailed
from biopark.onewindow import itemsheet
from biopark.onewindow.itemsheet import material_text
from biopark.onewindow.models import (
    ItemMaterial,
    MaterialKind,
    OnFileDocument,
    PartStatus,
    ServiceItem,
    Submission,
)
from biopark.onewindow.schemas import (
    ImportReport,
    ItemCreate,
    ItemUpdate,
    MaterialCheck,
    MaterialIn,
)
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


def require_admin(user: User | None) -> None:
    """Only administrators maintain the catalogue; None is the CLI or the demo loader."""
    if user is not None and user.role != Role.admin:
        raise Forbidden(
            "仅管理员可以维护事项清单",
            en="Only administrators can maintain the service-item catalogue",
        )


def _material_problems(
    materials: list[MaterialIn], *, zero_material: bool
) -> list[tuple[str, str]]:
    problems = []
    for m in materials:
        if m.kind == MaterialKind.record and m.source not in RECORD_FIELDS:
            problems.append(
                (f"未知的企业档案字段：{m.source}", f"Unknown record field: {m.source}")
            )
        if zero_material and m.kind == MaterialKind.document:
            problems.append(
                (
                    f"零材料事项不能要求上传材料：{m.name}",
                    f"A zero-material item cannot ask for an upload: {m.name}",
                )
            )
    return problems


def _check(
    session: Session,
    *,
    park_id: int,
    code: str,
    department_ids: list[int],
    materials: list[MaterialIn],
    zero_material: bool,
    item_id: int | None = None,
) -> None:
    known = set(session.scalars(select(Department.id).where(Department.park_id == park_id)))
    if not set(department_ids) <= known:
        raise ValidationFailed("部门不属于本园区", en="Department not in this park")
    clash = select(ServiceItem.id).where(ServiceItem.park_id == park_id, ServiceItem.code == code)
    if item_id is not None:
        clash = clash.where(ServiceItem.id != item_id)
    if session.scalar(clash):
        raise Conflict(f"事项编码已存在：{code}", en=f"Item code already used: {code}")
    for zh, en in _material_problems(materials, zero_material=zero_material):
        raise ValidationFailed(zh, en=en)


def create_item(
    session: Session, *, park_id: int, data: ItemCreate, user: User | None, is_demo: bool = False
) -> ServiceItem:
    """Add an item to the catalogue after checking its departments and materials."""
    require_admin(user)
    _check(
        session,
        park_id=park_id,
        code=data.code,
        department_ids=data.department_ids,
        materials=data.materials,
        zero_material=data.zero_material,
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


def _materials_in(item: ServiceItem) -> list[MaterialIn]:
    return [MaterialIn(name=m.name, kind=m.kind, source=m.source) for m in item.materials]


def _change(
    session: Session,
    *,
    item: ServiceItem,
    given: dict[str, Any],
    user: User | None,
    action: str = "update",
    checked: bool = False,
) -> dict[str, Any]:
    """Apply the given fields, audit {field: [before, after]}; checked skips the lookups."""
    given = {k: v for k, v in given.items() if v is not None}
    materials: list[MaterialIn] | None = given.pop("materials", None)
    if "department_ids" in given:
        given["department_ids"] = list(dict.fromkeys(given["department_ids"]))
    merged = materials if materials is not None else _materials_in(item)
    zero = bool(given.get("zero_material", item.zero_material))
    if checked:
        for zh, en in _material_problems(merged, zero_material=zero):
            raise ValidationFailed(zh, en=en)
    else:
        _check(
            session,
            park_id=item.park_id,
            code=given.get("code", item.code),
            department_ids=given.get("department_ids", item.department_ids),
            materials=merged,
            zero_material=zero,
            item_id=item.id,
        )
    diff = audit.apply_changes(item, given)
    if materials is not None:
        before, after = material_text(item.materials), material_text(materials)
        if before != after:
            item.materials = [
                ItemMaterial(position=i, **m.model_dump()) for i, m in enumerate(materials)
            ]
            diff["materials"] = [before, after]
    if diff:
        session.flush()
        audit.record(
            session,
            actor=user,
            action=action,
            entity_type="onewindow_item",
            entity_id=item.id,
            park_id=item.park_id,
            changes=diff,
        )
    return diff


def update_item(session: Session, *, user: User, item_id: int, data: ItemUpdate) -> ServiceItem:
    """Change the fields given, with the checks of create_item; retire via active=False."""
    require_admin(user)
    item = get_item(session, user=user, item_id=item_id)
    given = data.model_dump(exclude_unset=True, exclude={"materials"})
    if data.materials is not None:
        given["materials"] = data.materials
    action = "update"
    if set(given) == {"active"}:
        action = "reactivate" if data.active else "retire"
    _change(session, item=item, given=given, user=user, action=action)
    return item


def set_active(session: Session, *, user: User, item_id: int, active: bool) -> ServiceItem:
    """Retire an item (no new submissions; existing ones go on) or offer it again."""
    return update_item(session, user=user, item_id=item_id, data=ItemUpdate(active=active))


def import_items(
    session: Session,
    *,
    park_id: int,
    rows: list[tuple[int, tuple[Any, ...]]],
    user: User | None,
    dry_run: bool = False,
) -> ImportReport:
    """Create or update items from numbered sheet rows: every row or none (ImportRejected)."""
    require_admin(user)
    departments: dict[str, int] = {}
    for dept in session.scalars(select(Department).where(Department.park_id == park_id)):
        departments[dept.name] = dept.id
        if dept.short_name:
            departments.setdefault(dept.short_name, dept.id)
    parsed, errors = itemsheet.parse(rows, departments=departments)
    existing = {
        i.code: i
        for i in session.scalars(
            select(ServiceItem)
            .where(ServiceItem.park_id == park_id)
            .options(selectinload(ServiceItem.materials))
        )
    }
    for row in parsed:
        target = existing.get(row.data.code)
        merged, zero = row.data.materials, row.data.zero_material
        if target is not None:
            if "materials" not in row.given:
                merged = _materials_in(target)
            if "zero_material" not in row.given:
                zero = target.zero_material
        errors += [
            itemsheet.RowError(row.row, itemsheet.BY_FIELD["materials"], zh, en)
            for zh, en in _material_problems(merged, zero_material=zero)
        ]
    if errors:
        raise itemsheet.ImportRejected(sorted(errors, key=lambda e: e.row or 0))
    report = ImportReport(created=[], updated=[], unchanged=[], dry_run=dry_run)
    savepoint = session.begin_nested()
    try:
        fresh = [row.data for row in parsed if row.data.code not in existing]
        _import_create(session, park_id=park_id, items=fresh, user=user)
        report.created = [data.code for data in fresh]
        for row in parsed:
            target = existing.get(row.data.code)
            if target is None:
                continue
            if _change(
                session,
                item=target,
                given=_given(row),
                user=user,
                action="import_update",
                checked=True,
            ):
                report.updated.append(row.data.code)
            else:
                report.unchanged.append(row.data.code)
    except BaseException:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return report


def _import_create(
    session: Session, *, park_id: int, items: list[ItemCreate], user: User | None
) -> None:
    """New items in one flush (a thousand rows, one round of inserts), then their audit."""
    made = [
        ServiceItem(
            park_id=park_id,
            **data.model_dump(exclude={"materials"}),
            materials=[
                ItemMaterial(position=i, **m.model_dump()) for i, m in enumerate(data.materials)
            ],
        )
        for data in items
    ]
    session.add_all(made)
    session.flush()
    for item in made:
        audit.record(
            session,
            actor=user,
            action="import_create",
            entity_type="onewindow_item",
            entity_id=item.id,
            park_id=park_id,
            changes={"code": item.code, "name": item.name},
        )


def _given(row: itemsheet.ParsedRow) -> dict[str, Any]:
    """The fields whose columns the sheet has: a missing column leaves the item's value."""
    given: dict[str, Any] = {}
    for field in row.given:
        if field == "departments":
            given["department_ids"] = row.data.department_ids
        elif field == "materials":
            given["materials"] = row.data.materials
        elif field != "code":
            given[field] = getattr(row.data, field)
    return given


def import_file(
    session: Session,
    *,
    park_id: int,
    content: bytes,
    filename: str,
    user: User | None,
    dry_run: bool = False,
) -> ImportReport:
    """Read an uploaded 事项清单 (.xlsx or .csv) and import it, all rows or none."""
    require_admin(user)
    rows = itemsheet.read(content, filename=filename)
    return import_items(session, park_id=park_id, rows=rows, user=user, dry_run=dry_run)


def list_items(
    session: Session,
    *,
    user: User,
    zero_only: bool = False,
    q: str | None = None,
    retired: bool = False,
) -> list[ServiceItem]:
    """The park's active catalogue, by category and code; admins may ask for retired items too."""
    stmt = (
        select(ServiceItem)
        .where(ServiceItem.park_id == user.park_id)
        .options(selectinload(ServiceItem.materials))
        .order_by(ServiceItem.category, ServiceItem.code)
    )
    if not (retired and user.role == Role.admin):
        stmt = stmt.where(ServiceItem.active.is_(True))
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
