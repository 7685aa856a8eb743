"""一窗综办 pages: the catalogue, applying once, the progress view and the work queue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.accounts.models import Role, User
from biopark.audit import service as audit
from biopark.errors import Conflict, Forbidden, ValidationFailed
from biopark.kit import sheets
from biopark.onewindow import catalogue, files, service
from biopark.onewindow.itemsheet import ImportRejected, material_text, parse_materials
from biopark.onewindow.models import MATERIAL_KIND_LABELS, PART_STATUS_LABELS, PartStatus
from biopark.onewindow.schemas import ItemUpdate
from biopark.registry import NavItem
from biopark.web import i18n
from biopark.web.flash import flash
from biopark.web.forms import error_messages
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "一窗综办",
        "/onewindow",
        frozenset(
            {
                Role.admin.value,
                Role.leader.value,
                Role.commissioner.value,
                Role.department.value,
                Role.enterprise.value,
            }
        ),
        order=62,
        description="事项清单、零材料申报与多部门并联办理",
        group="企业服务",
    )
]

register(
    {
        "一窗综办": "One-window service",
        "事项清单、零材料申报与多部门并联办理": "Service items, zero-material applications, departments in parallel",
        "事项清单": "Service items",
        "零材料": "Zero-material",
        "只看零材料事项": "Zero-material items only",
        "涉及部门": "Departments involved",
        "所需材料": "Materials",
        "办理时限": "Time limit",
        "个工作日": "working days",
        "事项类别": "Category",
        "事项编码": "Code",
        "事项": "Service item",
        "申报": "Apply",
        "提交申请": "Submit application",
        "我的申请": "My applications",
        "办件队列": "Work queue",
        "全部申请": "All applications",
        "申请编号": "Application no.",
        "申请企业": "Applicant",
        "提交时间": "Submitted",
        "办理进度": "Progress",
        "各部门办理情况": "Each department's part",
        "已在档，自动复用": "On file, reused",
        "需上传": "Upload needed",
        "本事项为零材料事项，无需上传任何材料": "A zero-material item: nothing to upload",
        "所需材料均已在档，将自动复用": "Every material is on file and will be reused",
        "使用的材料": "Materials used",
        "复用": "Reused",
        "本次上传": "Uploaded now",
        "办理意见": "Opinion",
        "退回或不予办理时必填": "Required when returning or rejecting",
        "开始办理": "Start",
        "办结": "Approve",
        "退回补正": "Return for correction",
        "不予办理": "Reject",
        "已接收": "Received",
        "办理中": "Processing",
        "已办结": "Approved",
        "补正后重新提交": "Resubmit after correction",
        "申请已提交，已同步推送至各相关部门": "Application submitted and sent to every department involved",
        "办理结果已保存": "Action saved",
        "补正材料已提交": "Correction submitted",
        "企业档案信息": "Enterprise record",
        "证照材料": "Licence or document",
        "前序办件结果": "Result of an earlier application",
        "备注": "Note",
        "全部事项": "All items",
        "事项名称": "Item name",
        "筛选": "Filter",
        "一窗综办新件": "One-window: new application",
        "一窗综办进度": "One-window: progress",
        "状态": "Status",
        "部门": "Departments",
        "允许的文件类型": "Allowed file types",
        "维护事项清单": "Maintain the catalogue",
        "导入事项清单": "Import the service-item catalogue",
        "上传 Excel（.xlsx）或 CSV：已有编码的行更新该事项，新编码新建事项；任一行有误则整份文件不导入。": (
            "Upload an Excel (.xlsx) or CSV file: rows with a known code update that item, "
            "new codes create items; if any row is wrong, nothing is imported."
        ),
        "导入": "Import",
        "下载导入模板": "Download the import template",
        "导入失败，未做任何修改": "Import refused, nothing changed",
        "事项清单已导入": "Service-item catalogue imported",
        "已停用": "Retired",
        "停用": "Retire",
        "重新启用": "Reactivate",
        "停用事项": "Retire",
        "事项清单文件": "Catalogue file",
        "事项已停用，企业不能再申报；已提交的申请继续办理": (
            "Item retired: enterprises can no longer apply; submitted applications go on"
        ),
        "事项已重新启用": "Item offered again",
        "编辑事项": "Edit item",
        "事项已保存": "Item saved",
        "操作": "Actions",
        "类别": "Category",
        "说明": "Description",
        "名称": "Name",
        "编辑": "Edit",
        "保存": "Save",
        "取消": "Cancel",
        "零材料事项（企业无需上传任何材料）": "Zero-material item (the enterprise uploads nothing)",
        "办理时限（工作日）": "Time limit (working days)",
        "办理部门": "Departments",
        "材料": "Materials",
        "每行一项，写作 名称|类型|来源；类型为 record（企业档案字段）、document（证照材料）或 item（前序办件结果）": (
            "One per line, written name|kind|source; kind is record (a field of the enterprise "
            "record), document (a licence or document) or item (an earlier application's result)"
        ),
        "本事项已停用，不再受理新的申请": "This item is retired and accepts no new applications",
    }
)

FIELD_LABELS = {
    "code": "事项编码",
    "name": "事项名称",
    "category": "类别",
    "description": "说明",
    "zero_material": "零材料",
    "time_limit_days": "办理时限（工作日）",
    "department_ids": "办理部门",
    "materials": "材料",
}


def _max_bytes(request: Request) -> int:
    return int(request.app.state.settings.attachment_max_mb) * 1024 * 1024


def _uploads(request: Request) -> dict[str, files.Upload]:
    """Files posted as doc::<document kind>, read up to one byte past the cap."""
    cap = _max_bytes(request) + 1
    found: dict[str, files.Upload] = {}
    for key, value in form_of(request).multi_items():
        if key.startswith("doc::") and not isinstance(value, str) and value.filename:
            found[key[5:]] = files.Upload(value.filename, value.file.read(cap))
    return found


def _catalogue_page(
    request: Request,
    session: Session,
    user: User,
    *,
    zero: bool = False,
    q: str | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    is_admin = user.role == Role.admin
    items = catalogue.list_items(session, user=user, zero_only=zero, q=q, retired=is_admin)
    ctx = {
        "items": items,
        "zero": zero,
        "q": q or "",
        "zero_count": sum(1 for i in items if i.zero_material),
        "names": service.department_names(session, park_id=user.park_id),
        "is_admin": is_admin,
        "import_errors": errors or [],
    }
    return render(request, "onewindow/catalogue.html", ctx, status)


@router.get("/onewindow", response_class=HTMLResponse)
def catalogue_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    zero: bool = Query(False),
    q: str | None = Query(None, max_length=50),
) -> Response:
    return _catalogue_page(request, session, user, zero=zero, q=q)


@router.post("/onewindow/items/import", response_class=HTMLResponse)
def import_items(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    catalogue.require_admin(user)
    upload = form_of(request).get("file")
    content, filename = b"", "upload.xlsx"
    if upload is not None and not isinstance(upload, str):
        content = upload.file.read(sheets.MAX_BYTES + 1)
        filename = upload.filename or filename
    try:
        with session.begin_nested():
            catalogue.import_file(
                session, park_id=user.park_id, content=content, filename=filename, user=user
            )
    except ImportRejected as exc:
        lang = lang_of(request)
        return _catalogue_page(
            request, session, user, errors=[e.text(lang) for e in exc.errors], status=422
        )
    flash(request, "事项清单已导入")
    return RedirectResponse("/onewindow", status_code=303)


@router.post("/onewindow/items/{item_id}/active", response_class=HTMLResponse)
def set_active(request: Request, item_id: int, user: CurrentUser, session: SessionDep) -> Response:
    active = str(form_of(request).get("active") or "") == "1"
    catalogue.set_active(session, user=user, item_id=item_id, active=active)
    flash(
        request, "事项已重新启用" if active else "事项已停用，企业不能再申报；已提交的申请继续办理"
    )
    return RedirectResponse("/onewindow", status_code=303)


def _edit_page(
    request: Request,
    session: Session,
    user: User,
    item_id: int,
    values: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    catalogue.require_admin(user)
    item = catalogue.get_item(session, user=user, item_id=item_id)
    if values is None:
        values = {
            "code": item.code,
            "name": item.name,
            "category": item.category,
            "description": item.description,
            "zero_material": item.zero_material,
            "time_limit_days": str(item.time_limit_days),
            "department_ids": list(item.department_ids),
            "materials": material_text(item.materials),
        }
    ctx = {
        "item": item,
        "values": values,
        "errors": errors or [],
        "names": service.department_names(session, park_id=user.park_id),
    }
    return render(request, "onewindow/edit.html", ctx, status)


@router.get("/onewindow/items/{item_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, item_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _edit_page(request, session, user, item_id)


def _posted_item(request: Request) -> tuple[dict[str, Any], ItemUpdate | None, list[str]]:
    """The edit form as typed, the change it asks for, and what is wrong with it (in the user's language)."""
    form = form_of(request)
    values: dict[str, Any] = {
        k: str(form.get(k) or "")[:4000]
        for k in ("code", "name", "category", "description", "time_limit_days", "materials")
    }
    values["zero_material"] = form.get("zero_material") == "1"
    values["department_ids"] = [
        int(v) for v in form.getlist("department_ids") if isinstance(v, str) and v.isdigit()
    ]
    lang = lang_of(request)
    materials, problems = parse_materials(values["materials"])
    label = i18n.translate("材料", lang)
    errors = [f"{label}：{en if lang == 'en' else zh}" for zh, en in problems]
    data = {k: v for k, v in values.items() if k != "materials"}
    data["materials"] = materials
    data["time_limit_days"] = values["time_limit_days"].strip() or None
    labels = {k: i18n.translate(v, lang) for k, v in FIELD_LABELS.items()}
    try:
        change = ItemUpdate.model_validate(data)
    except ValidationError as exc:
        return values, None, errors + error_messages(exc, labels, lang)
    return values, (None if errors else change), errors


@router.post("/onewindow/items/{item_id}/edit", response_class=HTMLResponse)
def edit(request: Request, item_id: int, user: CurrentUser, session: SessionDep) -> Response:
    catalogue.require_admin(user)
    values, change, errors = _posted_item(request)
    if change is None:
        return _edit_page(request, session, user, item_id, values, errors, 422)
    try:
        with session.begin_nested():
            catalogue.update_item(session, user=user, item_id=item_id, data=change)
    except (Conflict, ValidationFailed) as exc:
        return _edit_page(
            request, session, user, item_id, values, [exc.text(lang_of(request))], 422
        )
    flash(request, "事项已保存")
    return RedirectResponse(f"/onewindow/items/{item_id}", status_code=303)


def _item_page(
    request: Request,
    session: Session,
    user: User,
    item_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    item = catalogue.get_item(session, user=user, item_id=item_id)
    plan = catalogue.plan_for(session, user=user, item=item)
    ctx = {
        "item": item,
        "plan": plan,
        "needs_upload": [c for c in plan or [] if not c.on_file],
        "names": service.department_names(session, park_id=user.park_id),
        "kind_labels": MATERIAL_KIND_LABELS,
        "errors": errors or [],
        "is_admin": user.role == Role.admin,
        "max_mb": request.app.state.settings.attachment_max_mb,
        # Staff see who changed the catalogue entry; enterprises only apply.
        "history": []
        if user.role == Role.enterprise
        else audit.history(
            session, park_id=item.park_id, entity_type="onewindow_item", entity_id=item.id
        ),
    }
    return render(request, "onewindow/item.html", ctx, status)


@router.get("/onewindow/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int, user: CurrentUser, session: SessionDep) -> Response:
    return _item_page(request, session, user, item_id)


@router.post("/onewindow/items/{item_id}/apply", response_class=HTMLResponse)
def apply(request: Request, item_id: int, user: CurrentUser, session: SessionDep) -> Response:
    note = str(form_of(request).get("note") or "")[:2000]
    try:
        with session.begin_nested():
            sub = service.submit(
                session,
                user=user,
                item_id=item_id,
                note=note,
                uploads=_uploads(request),
                var_dir=request.app.state.settings.var_dir,
                max_bytes=_max_bytes(request),
            )
    except (Conflict, ValidationFailed, Forbidden) as exc:
        return _item_page(request, session, user, item_id, [exc.text(lang_of(request))], exc.status)
    flash(request, "申请已提交，已同步推送至各相关部门")
    return RedirectResponse(f"/onewindow/submissions/{sub.id}", status_code=303)


@router.get("/onewindow/submissions", response_class=HTMLResponse)
def submissions(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    all_parts: bool = Query(False, alias="all"),
) -> Response:
    ctx: dict[str, object] = {"status_labels": PART_STATUS_LABELS, "all_parts": all_parts}
    if user.role == Role.department:
        parts = service.work_queue(session, user=user, open_only=not all_parts)
        ctx["parts"] = parts
        ctx["ents"] = service.enterprise_names(
            session, ids=[p.submission.enterprise_id for p in parts]
        )
        return render(request, "onewindow/queue.html", ctx)
    subs = service.list_submissions(session, user=user)
    ctx.update(
        subs=subs,
        ents=service.enterprise_names(session, ids=[s.enterprise_id for s in subs]),
        names=service.department_names(session, park_id=user.park_id),
    )
    return render(request, "onewindow/submissions.html", ctx)


def _submission_page(
    request: Request,
    session: Session,
    user: User,
    submission_id: int,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    sub = service.get_submission(session, user=user, submission_id=submission_id)
    ctx = {
        "sub": sub,
        "names": service.department_names(session, park_id=user.park_id),
        "ents": service.enterprise_names(session, ids=[sub.enterprise_id]),
        "status_labels": PART_STATUS_LABELS,
        "kind_labels": MATERIAL_KIND_LABELS,
        "open_states": (PartStatus.received, PartStatus.processing),
        "errors": errors or [],
        "can_resubmit": user.role == Role.enterprise and sub.status == PartStatus.returned,
        "upload_kinds": [m.source for m in sub.item.materials if m.kind.value == "document"],
        "history": service.history(session, submission=sub),
    }
    return render(request, "onewindow/submission.html", ctx, status)


@router.get("/onewindow/submissions/{submission_id}", response_class=HTMLResponse)
def submission_page(
    request: Request, submission_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    return _submission_page(request, session, user, submission_id)


@router.post("/onewindow/parts/{part_id}/act", response_class=HTMLResponse)
def act(request: Request, part_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    action = str(form.get("action") or "")
    note = str(form.get("note") or "")[:2000]
    submission_id = int(str(form.get("submission_id") or 0) or 0)
    try:
        with session.begin_nested():
            part = service.act(session, user=user, part_id=part_id, action=action, note=note)
    except (Conflict, ValidationFailed) as exc:
        return _submission_page(
            request, session, user, submission_id, [exc.text(lang_of(request))], exc.status
        )
    flash(request, "办理结果已保存")
    return RedirectResponse(f"/onewindow/submissions/{part.submission_id}", status_code=303)


@router.post("/onewindow/submissions/{submission_id}/resubmit", response_class=HTMLResponse)
def resubmit(
    request: Request, submission_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    note = str(form_of(request).get("note") or "")[:2000]
    try:
        with session.begin_nested():
            service.resubmit(
                session,
                user=user,
                submission_id=submission_id,
                note=note,
                uploads=_uploads(request),
                var_dir=request.app.state.settings.var_dir,
                max_bytes=_max_bytes(request),
            )
    except (Conflict, ValidationFailed) as exc:
        return _submission_page(
            request, session, user, submission_id, [exc.text(lang_of(request))], exc.status
        )
    flash(request, "补正材料已提交")
    return RedirectResponse(f"/onewindow/submissions/{submission_id}", status_code=303)
