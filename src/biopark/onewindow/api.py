"""一窗综办 API: the catalogue, submissions, the department work queue and its actions."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.onewindow import catalogue, service
from biopark.onewindow.models import PartStatus
from biopark.onewindow.schemas import (
    ItemRead,
    MaterialCheck,
    PartAction,
    PartRead,
    ResubmitBody,
    SubmissionCreate,
    SubmissionRead,
)

router = APIRouter(prefix="/api/onewindow", tags=["onewindow"])


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
) -> list[ItemRead]:
    """The park's service-item catalogue; zero_material=true lists only 零材料 items."""
    items = catalogue.list_items(session, user=user, zero_only=zero_material, q=q)
    return [ItemRead.model_validate(i) for i in items]


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
