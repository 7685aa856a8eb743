"""Enterprise registry and file (一企一档) pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.enterprises import excel, proposals, records, review_pages, service
from biopark.enterprises.models import CLUSTERS, POOLS, PRODUCT_KINDS, REVENUE_BANDS, TAGS
from biopark.enterprises.schemas import (
    ContactCreate,
    EnterpriseCreate,
    EnterpriseUpdate,
    FollowUpCreate,
    PlanUpdate,
    PoolEntry,
    PoolLeave,
    ProductCreate,
)
from biopark.errors import BioparkError, Forbidden, ValidationFailed
from biopark.jobs.uploads import submit_upload, to_status_page
from biopark.kit import sheets
from biopark.kit.dates import today
from biopark.kit.pagination import PAGE_COUNT_LIMIT
from biopark.registry import NavItem
from biopark.web import i18n
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)
# First, so that /enterprises/followups is not read as an enterprise id.
router.include_router(review_pages.router)

NAV = [
    NavItem(
        "企业库",
        "/enterprises",
        frozenset(r.value for r in service.READERS),
        order=20,
        description="企业档案、培育库与一企一策",
        group="企业服务",
    ),
    NavItem(
        "我的企业",
        "/enterprises",
        frozenset({Role.enterprise.value}),
        order=20,
        description="本企业档案、产业链与管线",
        group="企业服务",
    ),
    NavItem(
        "到期跟进",
        "/enterprises/followups",
        frozenset({Role.admin.value, Role.leader.value, Role.commissioner.value}),
        order=21,
        description="一企一策跟进事项：已逾期或 7 天内到期",
        group="企业服务",
    ),
]
register(
    {
        "企业档案、培育库与一企一策": "Park enterprise files, cultivation pools, plans and contacts",
        "本企业档案、产业链与管线": "Your enterprise's file, products, chain links and pipeline",
    }
)

LABELS = {
    "name": "名称",
    "short_name": "简称",
    "credit_code": "统一社会信用代码",
    "founded_on": "成立日期",
    "registered_capital": "注册资本",
    "cluster": "产业集群",
    "tags": "标签",
    "address": "地址",
    "description": "简介",
    "employees": "员工人数",
    "rd_spending": "研发投入",
    "revenue_band": "营收区间",
    "chain_links": "产业链环节",
}
SUB_LABELS = {
    "pool": "培育库",
    "entered_on": "入库日期",
    "left_on": "出库日期",
    "note": "备注",
    "name": "名称",
    "title": "职务",
    "phone": "电话",
    "email": "邮箱",
    "kind": "类别",
    "stage": "阶段",
    "indication": "适应症/用途",
    "approval_no": "批准文号",
    "goals": "目标",
    "measures": "措施",
    "happened_on": "跟进日期",
    "next_step": "下一步",
    "due_on": "期限",
}

i18n.register(
    {
        "基本信息": "Basics",
        "培育库": "Cultivation pools",
        "联系人": "Contacts",
        "产品与药物": "Products and drugs",
        "一企一策": "Company plan",
        "匹配政策": "Matched policies",
        "产业链与管线": "Chain and pipeline",
        "管线药物": "Pipeline drugs",
        "研发阶段": "Stage",
        "代号": "Code",
        "尚未放入产业链环节": "Not placed on any chain link yet",
        "员工人数": "Employees",
        "研发投入": "R&D spending",
        "营收区间": "Revenue band",
        "产业链环节": "Chain links",
        "服务专员": "Commissioner",
        "未分配": "Unassigned",
        "分配": "Assign",
        "入库日期": "Entered",
        "出库日期": "Left",
        "出库": "Leave",
        "入库": "Enter",
        "备注": "Note",
        "职务": "Title",
        "电话": "Phone",
        "邮箱": "Email",
        "主要联系人": "Primary contact",
        "添加": "Add",
        "删除": "Delete",
        "类别": "Kind",
        "阶段": "Stage",
        "适应症/用途": "Indication / use",
        "批准文号": "Approval no.",
        "目标": "Goals",
        "措施": "Measures",
        "跟进记录": "Follow-ups",
        "跟进日期": "Date",
        "下一步": "Next step",
        "期限": "Due",
        "导出 Excel": "Export Excel",
        "导入 Excel": "Import Excel",
        "导入": "Import",
        "导入结果": "Import result",
        "新建": "Created",
        "更新": "Updated",
        "在库": "Current",
        "已出库": "Left",
        "未登记": "Not recorded",
        "用顿号分隔": "separate with 、",
        "导入失败，未做任何修改": "Import refused; nothing was changed",
        "表头与“导出 Excel”相同；以统一社会信用代码或名称匹配已有企业。任一行有误则整份文件不导入。": (
            "Same columns as the export; rows match existing enterprises by credit code or name."
            " If any row is wrong, nothing is imported."
        ),
    }
)


def _is_enterprise_user(user: User) -> bool:
    return user.role == Role.enterprise


@router.get("/enterprises", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    tag: str | None = Query(default=None, max_length=20),
    cluster: str | None = Query(default=None, max_length=20),
    pool: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
) -> Response:
    if user.role == Role.enterprise and user.enterprise_id:
        return RedirectResponse(f"/enterprises/{user.enterprise_id}", status_code=303)
    result = service.list_enterprises(
        session,
        user=user,
        q=q,
        tag=tag,
        cluster=cluster,
        pool=pool,
        page=page,
        size=30,
        count_up_to=PAGE_COUNT_LIMIT,
    )
    names = {u.id: u.display_name for u in records.commissioners(session, park_id=user.park_id)}
    ctx = {
        "page": result,
        "q": q or "",
        "tag": tag or "",
        "cluster": cluster or "",
        "pool": pool or "",
        "tags": TAGS,
        "clusters": CLUSTERS,
        "pools": POOLS,
        "commissioner_names": names,
        "can_edit": user.role in service.EDITORS,
        "can_import": user.role in service.ASSIGNERS,
    }
    return render(request, "enterprises/list.html", ctx)


@router.get("/enterprises/export.xlsx")
def export_page(user: CurrentUser, session: SessionDep) -> Response:
    content = excel.export_xlsx(session, stmt=service.visible(user))
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="enterprises.xlsx"'},
    )


@router.get("/enterprises/import", response_class=HTMLResponse)
def import_form(request: Request, user: CurrentUser) -> Response:
    if user.role not in service.ASSIGNERS:
        raise Forbidden()
    return render(request, "enterprises/import.html", {"errors": [], "result": None})


@router.post("/enterprises/import", response_class=HTMLResponse)
def import_upload(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    upload = form.get("file")
    content = b""
    if upload is not None and not isinstance(upload, str):
        content = upload.file.read(sheets.MAX_BYTES + 1)
    try:
        task = submit_upload(
            request,
            session,
            user=user,
            kind="enterprise_import",
            files=[(getattr(upload, "filename", "") or "upload.xlsx", content)],
        )
    except BioparkError as exc:
        ctx = {"errors": [exc.text(lang_of(request))], "result": None}
        return render(request, "enterprises/import.html", ctx, 422)
    return to_status_page(request, task)


def _form(
    request: Request,
    ent: object | None,
    values: dict[str, Any],
    errors: list[str],
    status: int = 200,
) -> Response:
    ctx = {
        "ent": ent,
        "values": values,
        "errors": errors,
        "tags": TAGS,
        "clusters": CLUSTERS,
        "revenue_bands": REVENUE_BANDS,
    }
    return render(request, "enterprises/form.html", ctx, status)


def _form_values(request: Request) -> dict[str, Any]:
    form = form_of(request)
    values: dict[str, Any] = {k: form.get(k) for k in LABELS if k != "tags"}
    values["tags"] = [t for t in form.getlist("tags") if isinstance(t, str)]
    values["chain_links"] = values.get("chain_links") or []
    return values


@router.get("/enterprises/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser) -> Response:
    service.visible(user)
    return _form(request, None, {"tags": []}, [])


@router.post("/enterprises/new", response_class=HTMLResponse)
def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    values = _form_values(request)
    try:
        data = parse_form(EnterpriseCreate, values)
    except ValidationError as exc:
        return _form(request, None, values, error_messages(exc, LABELS, lang_of(request)), 422)
    ent = service.create_enterprise(session, user=user, data=data)
    flash(request, "已保存")
    return RedirectResponse(f"/enterprises/{ent.id}", status_code=303)


def _detail(
    request: Request,
    session: Any,
    user: User,
    enterprise_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    from biopark.policies import rules
    from biopark.policies import service as policies
    from biopark.policies.models import BENEFITS

    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    entries = audit.history(
        session, park_id=ent.park_id, entity_type="enterprise", entity_id=ent.id
    )
    plan, follow_ups = records.get_plan(session, user=user, enterprise_id=ent.id)
    commissioners = records.commissioners(session, park_id=ent.park_id)
    ctx = {
        "ent": ent,
        "history": entries,
        "can_edit": user.role in service.EDITORS,
        "can_assign": user.role in service.ASSIGNERS,
        "pools": records.list_pools(session, user=user, enterprise_id=ent.id),
        "contacts": records.list_contacts(session, user=user, enterprise_id=ent.id),
        "products": records.list_products(session, user=user, enterprise_id=ent.id),
        "related": records.chain_and_drugs(session, user=user, enterprise=ent),
        "plan": plan,
        "follow_ups": follow_ups,
        "matches": policies.match_enterprise(
            session, user=user, enterprise_id=ent.id, as_of=today()
        ),
        "commissioners": commissioners,
        "commissioner": next((c for c in commissioners if c.id == ent.commissioner_id), None),
        "pool_names": POOLS,
        "product_kinds": PRODUCT_KINDS,
        "today": today().isoformat(),
        "proposals": proposals.list_proposals(session, user=user, enterprise_id=ent.id),
        "proposal_labels": review_pages.PROPOSAL_LABELS,
        "proposal_status": review_pages.STATUS,
        "can_propose": user.role == Role.enterprise,
        "can_review": user.role == Role.commissioner and ent.commissioner_id == user.id,
        "errors": errors or [],
        "labels": {k.value: v for k, v in rules.VERDICT_LABELS.items()},
        "benefits": BENEFITS,
    }
    return render(request, "enterprises/detail.html", ctx, status)


@router.get("/enterprises/{enterprise_id}", response_class=HTMLResponse)
def detail_page(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _detail(request, session, user, enterprise_id)


@router.get("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    values = {k: getattr(ent, k) for k in LABELS}
    values["chain_links"] = "、".join(ent.chain_links or [])
    return _form(request, ent, values, [])


@router.post("/enterprises/{enterprise_id}/edit", response_class=HTMLResponse)
def update(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    values = _form_values(request)
    try:
        data = parse_form(EnterpriseUpdate, values)
    except ValidationError as exc:
        return _form(request, ent, values, error_messages(exc, LABELS, lang_of(request)), 422)
    service.update_enterprise(session, user=user, enterprise_id=enterprise_id, data=data)
    flash(request, "已保存")
    return RedirectResponse(f"/enterprises/{enterprise_id}", status_code=303)


def _sub_form(
    request: Request,
    session: Any,
    user: User,
    enterprise_id: int,
    model: type[BaseModel],
    anchor: str,
    action: Any,
    done: str = "已保存",
) -> Response:
    """Validate a section form, run the action, and come back to the section."""
    # Reading the enterprise first keeps others' ids at 404 before any validation message.
    service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    form = form_of(request)
    values: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    if "is_primary" in model.model_fields:
        values["is_primary"] = "is_primary" in form
    try:
        data = parse_form(model, values)
        action(data)
    except ValidationError as exc:
        errors = error_messages(exc, SUB_LABELS, lang_of(request))
        return _detail(request, session, user, enterprise_id, errors, 422)
    except ValidationFailed as exc:
        return _detail(request, session, user, enterprise_id, [exc.text(lang_of(request))], 422)
    except BioparkError as exc:
        if exc.status == 409:
            return _detail(request, session, user, enterprise_id, [exc.text(lang_of(request))], 409)
        raise
    flash(request, done)
    return RedirectResponse(f"/enterprises/{enterprise_id}#{anchor}", status_code=303)


@router.post("/enterprises/{enterprise_id}/pools", response_class=HTMLResponse)
def pool_enter(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        PoolEntry,
        "pools",
        lambda d: records.enter_pool(session, user=user, enterprise_id=enterprise_id, data=d),
        "已入库，标签已同步",
    )


@router.post("/enterprises/{enterprise_id}/pools/{pool_id}/leave", response_class=HTMLResponse)
def pool_leave(
    request: Request, enterprise_id: int, pool_id: int, user: CurrentUser, session: SessionDep
):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        PoolLeave,
        "pools",
        lambda d: records.leave_pool(
            session, user=user, enterprise_id=enterprise_id, pool_id=pool_id, data=d
        ),
        "已出库，标签已同步",
    )


@router.post("/enterprises/{enterprise_id}/contacts", response_class=HTMLResponse)
def contact_add(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        ContactCreate,
        "contacts",
        lambda d: records.add_contact(session, user=user, enterprise_id=enterprise_id, data=d),
    )


@router.post("/enterprises/{enterprise_id}/contacts/{contact_id}/delete")
def contact_remove(
    request: Request, enterprise_id: int, contact_id: int, user: CurrentUser, session: SessionDep
):
    records.remove_contact(session, user=user, enterprise_id=enterprise_id, contact_id=contact_id)
    flash(request, "已保存")
    return RedirectResponse(f"/enterprises/{enterprise_id}#contacts", status_code=303)


@router.post("/enterprises/{enterprise_id}/products", response_class=HTMLResponse)
def product_add(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        ProductCreate,
        "products",
        lambda d: records.add_product(session, user=user, enterprise_id=enterprise_id, data=d),
    )


@router.post("/enterprises/{enterprise_id}/products/{product_id}/delete")
def product_remove(
    request: Request, enterprise_id: int, product_id: int, user: CurrentUser, session: SessionDep
):
    records.remove_product(session, user=user, enterprise_id=enterprise_id, product_id=product_id)
    flash(request, "已保存")
    return RedirectResponse(f"/enterprises/{enterprise_id}#products", status_code=303)


@router.post("/enterprises/{enterprise_id}/plan", response_class=HTMLResponse)
def plan_save(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        PlanUpdate,
        "plan",
        lambda d: records.save_plan(session, user=user, enterprise_id=enterprise_id, data=d),
    )


@router.post("/enterprises/{enterprise_id}/follow-ups", response_class=HTMLResponse)
def follow_up_add(request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep):
    return _sub_form(
        request,
        session,
        user,
        enterprise_id,
        FollowUpCreate,
        "plan",
        lambda d: records.add_follow_up(session, user=user, enterprise_id=enterprise_id, data=d),
    )


@router.post("/enterprises/{enterprise_id}/commissioner")
def commissioner_assign(
    request: Request, enterprise_id: int, user: CurrentUser, session: SessionDep
):
    form = form_of(request)
    raw = str(form.get("commissioner_id") or "").strip()
    if raw and not raw.isdigit():
        raise ValidationFailed("服务专员不存在", en="No such commissioner")
    records.assign_commissioner(
        session, user=user, enterprise_id=enterprise_id, commissioner_id=int(raw) if raw else None
    )
    flash(request, "已保存")
    return RedirectResponse(f"/enterprises/{enterprise_id}#basic", status_code=303)
