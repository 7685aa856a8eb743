"""Industry-chain pages: the map, a link's detail, gaps and candidates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit import service as audit
from biopark.chain import gaps, graph, service, taxonomy
from biopark.chain.imports import TEMPLATE_HEADER
from biopark.chain.schemas import LinkCreate, LinkUpdate
from biopark.enterprises.models import CLUSTERS, Enterprise
from biopark.errors import BioparkError
from biopark.jobs.uploads import submit_upload, to_status_page
from biopark.kit.sheets import MAX_BYTES
from biopark.pipeline.models import MODALITIES
from biopark.pipeline.stages import LABELS as STAGE_LABELS
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.forms import error_messages, parse_form
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "产业链",
        "/chain",
        frozenset(r.value for r in service.READERS),
        order=40,
        description="链图全景、短板与补链候选",
        group="产业",
    )
]
register({"链图全景、短板与补链候选": "Chain map, link coverage, gaps and candidate firms"})

register(
    {
        "产业链": "Industry chain",
        "产业链全景图": "Industry chain map",
        "短板与补链": "Gaps and candidates",
        "环节": "Link",
        "企业数": "Enterprises",
        "龙头企业": "Leading enterprises",
        "在研药物": "Drugs in research",
        "药物": "Drugs",
        "在谈项目": "Projects",
        "缺口分数": "Gap score",
        "短板": "Gap",
        "弱项": "Weak",
        "已覆盖": "Covered",
        "上游": "Upstream",
        "中游": "Midstream",
        "下游": "Downstream",
        "版本": "Version",
        "产业集群": "Cluster",
        "集群视图": "Cluster view",
        "全链": "Whole chain",
        "链上企业": "Enterprises on this link",
        "相关药物": "Drugs",
        "候选企业": "Candidate firms",
        "新闻中发现的候选企业": "Candidate firms found in the news",
        "提及次数": "Mentions",
        "匹配依据": "Why it fits",
        "来源文章": "Source articles",
        "缺口原因": "Why it is a gap",
        "地区": "Region",
        "推荐理由": "Reason",
        "联系方式": "Contact",
        "来源": "Source",
        "导入候选企业": "Import candidate firms",
        "导入": "Import",
        "上传文件": "Upload file",
        "放置企业": "Place an enterprise",
        "设为龙头": "Leading enterprise",
        "移除": "Remove",
        "下级环节": "Sub-links",
        "上级环节": "Parent link",
        "所需配套": "Needed inputs",
        "目标企业数": "Target number of enterprises",
        "需要龙头企业": "Needs a leading enterprise",
        "点击图中环节查看详情": "Click a link in the chart to see what is behind it",
        "无缺口": "No gaps",
        "已获批": "On market",
        "企业": "Enterprise",
        "阶段": "Stage",
        "类型": "Modality",
        "表头": "Header",
        "编辑环节": "Edit link",
        "修改说明": "Note on the change",
        "备注": "Note",
        "版本历史": "Versions",
        "已导入": "Imported",
        "新增": "new",
        "更新": "updated",
        "导入未执行，请修正后重新上传": "Nothing was imported; fix these rows and upload again",
        "新增下级环节": "Add a sub-link",
        "英文名称": "English name",
        "已新增环节": "Link added",
        "环节已保存": "Link saved",
        "企业已放置到环节": "Enterprise placed on the link",
        "企业已移出环节": "Enterprise removed from the link",
    }
)

LINK_LABELS = {
    "name": "名称",
    "name_en": "英文名称",
    "min_enterprises": "目标企业数",
    "needs": "所需配套",
    "note": "备注",
}

LEVELS = {"gap": "短板", "weak": "弱项", "covered": "已覆盖", "heading": "—"}


@router.get("/chain", response_class=HTMLResponse)
def map_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    cluster: str | None = Query(default=None, max_length=20),
) -> Response:
    ov = service.overview_for(session, user=user)
    if cluster not in CLUSTERS[:4]:
        cluster = None
    keep = graph.cluster_codes(ov.tree, cluster) if cluster else None
    rows = [service.coverage(ov, c) for c in ov.tree.walk() if keep is None or c in keep]
    depth = {c: 0 for c in ov.tree.links}
    for c in ov.tree.walk():
        parent = ov.tree.links[c].parent
        depth[c] = depth[parent] + 1 if parent else 0
    ctx = {
        "chain": ov.chain,
        "rows": rows,
        "depth": depth,
        "chart": service.echarts_data(ov, lang=lang_of(request), cluster=cluster),
        "cluster": cluster or "",
        "cluster_names": CLUSTERS[:4],
        "levels": LEVELS,
        "clusters": gaps.cluster_view(session, user=user),
        "en": lang_of(request) == "en",
    }
    return render(request, "chain/map.html", ctx)


@router.get("/chain/links/{link_id}", response_class=HTMLResponse)
def link_page(request: Request, link_id: int, user: CurrentUser, session: SessionDep) -> Response:
    detail = service.link_detail(session, user=user, link_id=link_id)
    return _link_page(request, user, session, detail, [], 200)


def _link_page(request, user, session, detail, errors, status):  # type: ignore[no-untyped-def]
    enterprises = []
    if service.can_edit(user):
        enterprises = list(
            session.scalars(
                select(Enterprise)
                .where(Enterprise.park_id == user.park_id)
                .order_by(Enterprise.name)
            )
        )
    ov_links = {row["code"]: row["name"] for row in service.map_data(session, user=user)["links"]}
    history = audit.history(
        session, park_id=user.park_id, entity_type="chain_link", entity_id=detail["link"]["id"]
    )
    ctx = {
        **detail,
        "levels": LEVELS,
        "can_edit": service.can_edit(user),
        "all_enterprises": enterprises,
        "errors": errors,
        "link_names": ov_links,
        "history": history,
        "modalities": MODALITIES,
        "stage_labels": {k.value: v for k, v in STAGE_LABELS.items()},
        "en": lang_of(request) == "en",
    }
    return render(request, "chain/link.html", ctx, status)


@router.post("/chain/links/{link_id}/place", response_class=HTMLResponse)
def place(request: Request, link_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    raw = str(form.get("enterprise_id") or "")
    if not raw.isdigit():
        detail = service.link_detail(session, user=user, link_id=link_id)
        return _link_page(request, user, session, detail, ["请选择企业"], 422)
    service.place_enterprise(
        session,
        user=user,
        link_id=link_id,
        enterprise_id=int(raw),
        is_leader=form.get("is_leader") == "on",
    )
    flash(request, "企业已放置到环节")
    return RedirectResponse(f"/chain/links/{link_id}", status_code=303)


@router.post("/chain/links/{link_id}/edit", response_class=HTMLResponse)
def edit_link(request: Request, link_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values: dict[str, Any] = {
        "name": form.get("name"),
        "min_enterprises": form.get("min_enterprises"),
        "needs_leader": form.get("needs_leader") == "on",
        "needs": [n for n in form.getlist("needs") if isinstance(n, str)],
        "note": form.get("note"),
    }
    try:
        data = parse_form(LinkUpdate, values)
        taxonomy.update_link(session, user=user, link_id=link_id, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LINK_LABELS, lang_of(request))
    except BioparkError as exc:
        if exc.status != 422:
            raise
        errors = [exc.text(lang_of(request))]
    else:
        flash(request, "环节已保存")
        return RedirectResponse(f"/chain/links/{link_id}", status_code=303)
    detail = service.link_detail(session, user=user, link_id=link_id)
    return _link_page(request, user, session, detail, errors, 422)


@router.post("/chain/links/{link_id}/children", response_class=HTMLResponse)
def add_child(request: Request, link_id: int, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    values: dict[str, Any] = {
        "name": form.get("name"),
        "name_en": form.get("name_en"),
        "min_enterprises": form.get("min_enterprises") or 1,
        "parent_id": link_id,
    }
    try:
        data = parse_form(LinkCreate, values)
        child = taxonomy.create_link(session, user=user, data=data)
    except ValidationError as exc:
        errors = error_messages(exc, LINK_LABELS, lang_of(request))
        status = 422
    except BioparkError as exc:
        if exc.status not in (409, 422):
            raise
        errors, status = [exc.text(lang_of(request))], exc.status
    else:
        flash(request, "已新增环节")
        return RedirectResponse(f"/chain/links/{child.id}", status_code=303)
    detail = service.link_detail(session, user=user, link_id=link_id)
    return _link_page(request, user, session, detail, errors, status)


@router.post("/chain/links/{link_id}/unplace/{enterprise_id}")
def unplace(
    request: Request, link_id: int, enterprise_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    service.remove_placement(session, user=user, link_id=link_id, enterprise_id=enterprise_id)
    flash(request, "企业已移出环节")
    return RedirectResponse(f"/chain/links/{link_id}", status_code=303)


@router.get("/chain/gaps", response_class=HTMLResponse)
def gaps_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    return _gaps_page(request, user, session, [], None, 200)


def _gaps_page(request, user, session, errors, result, status):  # type: ignore[no-untyped-def]
    ctx = {
        "gaps": gaps.gap_list(session, user=user),
        "levels": LEVELS,
        "can_import": service.can_import(user),
        "errors": errors,
        "result": result,
        "template_header": TEMPLATE_HEADER,
        "en": lang_of(request) == "en",
    }
    return render(request, "chain/gaps.html", ctx, status)


@router.post("/chain/gaps/import", response_class=HTMLResponse)
def import_page(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    form = form_of(request)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _gaps_page(request, user, session, ["请选择要上传的文件"], None, 422)
    content = upload.file.read(MAX_BYTES + 1)
    try:
        task = submit_upload(
            request, session, user=user, kind="candidate_import", files=[(upload.filename, content)]
        )
    except BioparkError as exc:
        return _gaps_page(request, user, session, [exc.text(lang_of(request))], None, 422)
    return to_status_page(request, task)
