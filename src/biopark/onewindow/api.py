"""一窗综办 API: the catalogue, submissions, the department work queue and its actions."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from pydantic import BaseModel

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.kit import sheets
from biopark.onewindow import catalogue, itemsheet, service
from biopark.onewindow.models import PartStatus
from biopark.onewindow.schemas import (
    ImportReport,
    ItemCreate,
    ItemRead,
    ItemUpdate,
    MaterialCheck,
    PartAction,
    PartRead,
    ResubmitBody,
    SubmissionCreate,
    SubmissionRead,
)

router = APIRouter(prefix="/api/onewindow", tags=["onewindow"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ItemDetail(ItemRead):
    """An item with, for an enterprise user, what is on file and what is still needed."""

    plan: list[MaterialCheck] | None = None


def _limits(request: Request) -> dict[str, object]:
    settings = request.app.state.settings
    return {"var_dir": settings.var_dir, "max_bytes": settings.attachment_max_mb * 1024 * 1024}


@router.get("/items", response_model=list[ItemRead])
def list_items(
    user: CurrentUser,
    session: SessionDep,
    zero_material: bool = Query(False),
    q: str | None = Query(None, max_length=50),
    retired: bool = Query(False),
) -> list[ItemRead]:
    """The park's service-item catalogue; zero_material=true lists only 零材料 items.

    retired=true also lists retired items, for administrators only."""
    items = catalogue.list_items(session, user=user, zero_only=zero_material, q=q, retired=retired)
    return [ItemRead.model_validate(i) for i in items]


@router.post("/items", response_model=ItemRead, status_code=201)
def create_item(body: ItemCreate, user: CurrentUser, session: SessionDep) -> ItemRead:
    """Add an item to the park's catalogue (administrators)."""
    item = catalogue.create_item(session, park_id=user.park_id, data=body, user=user)
    return ItemRead.model_validate(item)


@router.post("/items/import", response_model=ImportReport)
def import_items(
    user: CurrentUser,
    session: SessionDep,
    file: UploadFile = File(...),
    dry_run: bool = Query(False),
) -> ImportReport:
    """Import the 事项清单 from .xlsx/.csv (administrators): new codes create, known codes update.

    All rows or none: any problem gives 422 with every row's error; dry_run=true reports
    what would change without writing."""
    content = file.file.read(sheets.MAX_BYTES + 1)
    return catalogue.import_file(
        session,
        park_id=user.park_id,
        content=content,
        filename=file.filename or "upload.xlsx",
        user=user,
        dry_run=dry_run,
    )


@router.get(
    "/items/import-template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def import_template(user: CurrentUser) -> Response:
    """The 事项清单 import template: header row, one example row and a notes sheet."""
    catalogue.require_admin(user)
    name = quote("事项清单-导入模板.xlsx")
    return Response(
        itemsheet.template(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.patch("/items/{item_id}", response_model=ItemRead)
def update_item(item_id: int, body: ItemUpdate, user: CurrentUser, session: SessionDep) -> ItemRead:
    """Change some fields of an item (administrators); active=false retires it."""
    item = catalogue.update_item(session, user=user, item_id=item_id, data=body)
    return ItemRead.model_validate(item)


@router.get("/items/{item_id}", response_model=ItemDetail)
def get_item(item_id: int, user: CurrentUser, session: SessionDep) -> ItemDetail:
    """One item; enterprise users also get the material plan (reused vs to upload)."""
    item = catalogue.get_item(session, user=user, item_id=item_id)
    plan = catalogue.plan_for(session, user=user, item=item)
    return ItemDetail(**ItemRead.model_validate(item).model_dump(), plan=plan)


@router.post("/submissions", response_model=SubmissionRead, status_code=201)
def submit(
    body: SubmissionCreate, request: Request, user: CurrentUser, session: SessionDep
) -> SubmissionRead:
    """Apply for an item whose materials are all on file (uploads go through the page)."""
    sub = service.submit(
        session,
        user=user,
        item_id=body.item_id,
        note=body.note,
        **_limits(request),  # type: ignore[arg-type]
    )
    return SubmissionRead.model_validate(sub)


@router.get("/submissions", response_model=list[SubmissionRead])
def list_submissions(
    user: CurrentUser, session: SessionDep, status: PartStatus | None = Query(None)
) -> list[SubmissionRead]:
    """Submissions the user may see: its own (enterprise), its department's, or the park's."""
    subs = service.list_submissions(session, user=user, status=status)
    return [SubmissionRead.model_validate(s) for s in subs]


@router.get("/submissions/{submission_id}", response_model=SubmissionRead)
def get_submission(submission_id: int, user: CurrentUser, session: SessionDep) -> SubmissionRead:
    """One submission with every department's part: the enterprise's progress view."""
    return SubmissionRead.model_validate(
        service.get_submission(session, user=user, submission_id=submission_id)
    )


@router.post("/submissions/{submission_id}/resubmit", response_model=SubmissionRead)
def resubmit(
    submission_id: int,
    body: ResubmitBody,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
) -> SubmissionRead:
    """Answer a return for correction; the returned parts are received again."""
    sub = service.resubmit(
        session,
        user=user,
        submission_id=submission_id,
        note=body.note,
        **_limits(request),  # type: ignore[arg-type]
    )
    return SubmissionRead.model_validate(sub)


class QueueEntry(PartRead):
    number: str
    item_name: str
    enterprise_id: int


@router.get("/queue", response_model=list[QueueEntry])
def queue(
    user: CurrentUser, session: SessionDep, open_only: bool = Query(True)
) -> list[QueueEntry]:
    """A department user's work queue: its department's parts."""
    parts = service.work_queue(session, user=user, open_only=open_only)
    return [
        QueueEntry(
            **PartRead.model_validate(p).model_dump(),
            number=p.submission.number,
            item_name=p.submission.item.name,
            enterprise_id=p.submission.enterprise_id,
        )
        for p in parts
    ]


class ActResult(BaseModel):
    part: PartRead
    submission_status: PartStatus


@router.post("/parts/{part_id}/actions", response_model=ActResult)
def act(part_id: int, body: PartAction, user: CurrentUser, session: SessionDep) -> ActResult:
    """Start, approve, return for correction or reject one's own department's part."""
    part = service.act(session, user=user, part_id=part_id, action=body.action, note=body.note)
    return ActResult(part=PartRead.model_validate(part), submission_status=part.submission.status)
