"""Intelligence pages: documents, search, briefs, ingest and review."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.errors import BioparkError
from biopark.intel import service
from biopark.intel.api import FiltersDep, IndexDep
from biopark.intel.brief import THEMES, to_markdown
from biopark.intel.fetch import MAX_BYTES, Fetcher
from biopark.intel.service.access import READERS, WRITERS, check_read, check_write
from biopark.intel.service.documents import cluster_members
from biopark.intel.service.ingest import DUPLICATE, FAILED
from biopark.intel.service.review import ENTITY_TYPES, EVENT_TYPES, UNITS, get_fact
from biopark.jobs.uploads import submit_upload, to_status_page
from biopark.registry import NavItem
from biopark.web.flash import flash
from biopark.web.i18n import register
from biopark.web.posted import form_of
from biopark.web.templating import lang_of, render

router = APIRouter(include_in_schema=False)

NAV = [
    NavItem(
        "科创情报",
        "/intel",
        frozenset(r.value for r in READERS),
        order=40,
        description="新闻采集、事件抽取与简报",
        group="情报",
    )
]
register({"新闻采集、事件抽取与简报": "News collection, figures and events, briefings"})
# The message after each review action (the action names are intel.service.review.ACTIONS).
REVIEW_DONE = {
    "confirm": "已确认该条抽取结果",
    "correct": "更正已保存",
    "reject": "已驳回该条抽取结果",
}
register(
    {
        "文档已导入": "Document ingested",
        "未能读取该文档": "The document could not be read",
        "该文档此前已导入": "This document was ingested before",
        "已确认该条抽取结果": "Fact confirmed",
        "更正已保存": "Correction saved",
        "已驳回该条抽取结果": "Fact rejected",
    }
)

EVENT_LABELS = {
    "licensing_deal": "授权交易",
    "clinical_approval": "获批临床",
    "marketing_application": "申报上市",
    "marketing_approval": "获批上市",
    "ipo": "上市融资",
    "project_signing": "项目签约",
    "facility_milestone": "项目进展",
    "financing": "融资",
    "cooperation": "合作",
    "acquisition": "并购",
    "award": "荣誉",
}
REVIEW_LABELS = {
    "extracted": "待审",
    "confirmed": "已确认",
    "corrected": "已更正",
    "rejected": "已驳回",
}

register(
    {
        "科创情报": "Intelligence",
        "文档": "Documents",
        "检索": "Search",
        "简报": "Brief",
        "导入": "Ingest",
        "导入文档": "Ingest documents",
        "上传文件": "Upload file",
        "网址": "URL",
        "标题": "Title",
        "来源": "Source",
        "发布日期": "Published",
        "状态": "Status",
        "失败原因": "Failure reason",
        "转载来源": "Sources of this story",
        "正文": "Text",
        "指标": "Metrics",
        "实体": "Entities",
        "事件": "Events",
        "数值": "Value",
        "单位": "Unit",
        "期间": "Period",
        "原句": "Quote",
        "审核": "Review",
        "确认": "Confirm",
        "驳回": "Reject",
        "更正": "Correct",
        "待审": "To review",
        "已确认": "Confirmed",
        "已更正": "Corrected",
        "已驳回": "Rejected",
        "名称": "Name",
        "类型": "Type",
        "提及次数": "Mentions",
        "关联企业": "Registered enterprise",
        "日期": "Date",
        "主体": "Subjects",
        "金额": "Amount",
        "起始日期": "From",
        "截止日期": "To",
        "实体名称": "Entity",
        "事件类型": "Event type",
        "检索词": "Query",
        "生成简报": "Write brief",
        "主题": "Topic",
        "时间范围": "Period",
        "下载 Markdown": "Download Markdown",
        "未找到相关资料。": "Nothing found.",
        "条结果": "hits",
        "相关事实": "Matching facts",
        "共": "Total",
        "条": "",
        "无记录": "No records",
        "标签": "Label",
        "转载": "Repost",
        **{zh: en for _, zh, en in THEMES},
        **{zh: key.replace("_", " ") for key, zh in EVENT_LABELS.items()},
        **{"待审": "To review"},
    }
)


def _ctx_filters(request: Request) -> dict[str, str]:
    keys = ("from", "to", "source", "entity", "event_type", "unit")
    return {k: request.query_params.get(k, "") for k in keys}


@router.get("/intel", response_class=HTMLResponse)
def list_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    status: str | None = Query(default=None, pattern="^(ok|failed)?$"),
    page: int = Query(default=1, ge=1),
) -> Response:
    result = service.list_documents(
        session, user=user, q=q, status=status or None, page=page, size=30
    )
    ctx = {
        "page": result,
        "q": q or "",
        "status": status or "",
        "can_write": user.role in WRITERS,
        "message": request.query_params.get("message", ""),
    }
    return render(request, "intel/list.html", ctx)


@router.post("/intel/ingest", response_class=HTMLResponse)
def ingest(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    check_write(user)
    form = form_of(request)
    url = str(form.get("url") or "").strip()
    uploads = [u for u in form.getlist("file") if isinstance(u, UploadFile) and u.filename]
    try:
        if uploads:
            files = [(u.filename or "file", u.file.read(MAX_BYTES + 1)) for u in uploads]
            task = submit_upload(request, session, user=user, kind="intel_batch", files=files)
            return to_status_page(request, task)
        if url.startswith(("http://", "https://")) and len(url) <= 1000:
            with Fetcher() as fetcher:
                result = service.ingest_many(
                    session, park_id=user.park_id, targets=[url], fetcher=fetcher, actor=user
                )[0]
        else:
            raise BioparkError(
                "请上传文件或填写以 http(s):// 开头的网址",
                en="Upload a file or give an http(s) URL",
            )
    except BioparkError as exc:
        ctx = {
            "page": service.list_documents(session, user=user, page=1, size=30),
            "q": "",
            "status": "",
            "can_write": True,
            "error": exc.text(lang_of(request)),
            "message": "",
        }
        return render(request, "intel/list.html", ctx, 422)
    if result.status == FAILED:
        flash(request, "未能读取该文档", level="error")
    elif result.status == DUPLICATE:
        flash(request, "该文档此前已导入", level="info")
    else:
        flash(request, "文档已导入")
    if result.document_id is not None:
        return RedirectResponse(f"/intel/documents/{result.document_id}", status_code=303)
    return RedirectResponse("/intel", status_code=303)


@router.get("/intel/documents/{document_id}", response_class=HTMLResponse)
def detail_page(
    request: Request, document_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    doc = service.get_document(session, user=user, document_id=document_id)
    facts = service.facts_of(session, document_id=doc.id)
    cluster = cluster_members(session, park_id=doc.park_id, cluster_ids=[doc.cluster_id or doc.id])
    ctx = {
        "doc": doc,
        "facts": facts,
        "segments": service.highlighted(doc.text, facts),
        "cluster": cluster.get(doc.cluster_id or doc.id, []),
        "can_write": user.role in WRITERS,
        "event_labels": EVENT_LABELS,
        "review_labels": REVIEW_LABELS,
        "units": UNITS,
        "event_types": EVENT_TYPES,
        "entity_types": ENTITY_TYPES,
        "error": request.query_params.get("error", ""),
    }
    return render(request, "intel/detail.html", ctx)


@router.post("/intel/facts/{kind}/{fact_id}/review", response_class=HTMLResponse)
def review(
    request: Request, kind: str, fact_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    form = form_of(request)
    values = {
        k: str(form.get(k) or "")
        for k in ("label", "value", "unit", "period", "type", "date", "name")
        if form.get(k)
    }
    action = str(form.get("action") or "")
    try:
        fact = service.review_fact(
            session,
            user=user,
            kind=kind,
            fact_id=fact_id,
            action=action,
            values=values,
            note=str(form.get("note") or "") or None,
        )
    except BioparkError as exc:
        if exc.status in (403, 404):
            raise
        fact_doc = get_fact(session, user=user, kind=kind, fact_id=fact_id)
        return RedirectResponse(
            f"/intel/documents/{fact_doc.document_id}?error={quote(exc.text(lang_of(request)))}"
            f"#{kind}-{fact_id}",
            status_code=303,
        )
    flash(request, REVIEW_DONE[action])
    return RedirectResponse(
        f"/intel/documents/{fact.document_id}#{kind}-{fact_id}", status_code=303
    )


@router.get("/intel/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    index: IndexDep,
    filters: FiltersDep,
    q: str = Query(default="", max_length=200),
) -> Response:
    check_read(user)
    result: Any = None
    if q.strip() or any(_ctx_filters(request).values()):
        result = service.search(session, user=user, query=q, filters=filters, index=index)
    ctx = {
        "q": q,
        "result": result,
        "f": _ctx_filters(request),
        "event_labels": EVENT_LABELS,
        "units": UNITS,
    }
    return render(request, "intel/search.html", ctx)


@router.get("/intel/brief", response_model=None)
def brief_page(
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    index: IndexDep,
    filters: FiltersDep,
    topic: str = Query(default="", max_length=200),
    format: str = Query(default="html", pattern="^(html|md)$"),
) -> Response:
    check_read(user)
    brief = None
    if topic.strip():
        brief = service.build_brief(
            session,
            user=user,
            topic=topic,
            filters=filters,
            index=index,
            lang=lang_of(request),
            settings=request.app.state.settings,
        )
    if format == "md" and brief is not None:
        return PlainTextResponse(
            to_markdown(brief),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="brief.md"'},
        )
    ctx = {"topic": topic, "brief": brief, "themes": THEMES, "f": filters}
    return render(request, "intel/brief.html", ctx)
