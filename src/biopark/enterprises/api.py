"""Enterprise registry and file (一企一档) API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response, UploadFile

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit import service as audit
from biopark.audit.schemas import AuditRead
from biopark.enterprises import excel, proposals, records, service
from biopark.enterprises.models import Enterprise
from biopark.enterprises.schemas import (
    CommissionerAssign,
    ContactCreate,
    ContactRead,
    EnterpriseCreate,
    EnterpriseRead,
    EnterpriseUpdate,
    FollowUpCreate,
    FollowUpRead,
    PlanRead,
    PlanUpdate,
    PoolEntry,
    PoolLeave,
    PoolRead,
    ProductCreate,
    ProductRead,
    ProposalCreate,
    ProposalRead,
    ProposalReview,
)
from biopark.jobs.schemas import TaskAccepted
from biopark.jobs.uploads import accepted, submit_upload
from biopark.kit import sheets
from biopark.kit.dates import today
from biopark.kit.pagination import Page

router = APIRouter(prefix="/api/enterprises", tags=["enterprises"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", response_model=Page[EnterpriseRead])
def list_enterprises(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    tag: str | None = Query(default=None, max_length=20),
    cluster: str | None = Query(default=None, max_length=20),
    pool: str | None = Query(default=None, max_length=20),
    commissioner_id: int | None = Query(default=None),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Enterprises the user may see."""
    return service.list_enterprises(
        session,
        user=user,
        q=q,
        tag=tag,
        cluster=cluster,
        pool=pool,
        commissioner_id=commissioner_id,
        page=page,
        size=size,
    )


@router.post("", response_model=EnterpriseRead, status_code=201)
def create_enterprise(body: EnterpriseCreate, user: CurrentUser, session: SessionDep) -> Enterprise:
    """Register an enterprise."""
    return service.create_enterprise(session, user=user, data=body)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "The visible enterprises as Excel."}},
)
def export_enterprises(user: CurrentUser, session: SessionDep) -> Response:
    """The enterprises the user may see, as an .xlsx file in the import layout."""
    content = excel.export_xlsx(session, stmt=service.visible(user))
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="enterprises.xlsx"'},
    )


@router.post("/import", status_code=202, response_model=TaskAccepted)
def import_enterprises(
    request: Request, file: UploadFile, user: CurrentUser, session: SessionDep
) -> Any:
    """Create or update enterprises from an .xlsx file in the background; any bad row rejects
    the whole file. Poll `status_url` for the result."""
    content = file.file.read(sheets.MAX_BYTES + 1)
    task = submit_upload(
        request,
        session,
        user=user,
        kind="enterprise_import",
        files=[(file.filename or "", content)],
    )
    return accepted(task)


@router.get("/follow-ups/due")
def due_follow_ups(
    user: CurrentUser, session: SessionDep, days: int = Query(default=7, ge=0, le=90)
) -> list[dict[str, Any]]:
    """Latest plan follow-ups whose next step is overdue or due within `days`."""
    day = today()
    return [
        {
            "enterprise_id": ent.id,
            "enterprise": ent.name,
            "next_step": f.next_step,
            "due_on": f.due_on,
            "overdue": f.due_on is not None and f.due_on < day,
        }
        for ent, f in records.due_follow_ups(session, user=user, today=day, within_days=days)
    ]


@router.post("/proposals/{proposal_id}/approve", response_model=ProposalRead)
def approve_proposal(
    proposal_id: int, body: ProposalReview, user: CurrentUser, session: SessionDep
) -> Any:
    """The enterprise's commissioner applies the proposed changes."""
    return proposals.approve(session, user=user, proposal_id=proposal_id, data=body)


@router.post("/proposals/{proposal_id}/reject", response_model=ProposalRead)
def reject_proposal(
    proposal_id: int, body: ProposalReview, user: CurrentUser, session: SessionDep
) -> Any:
    """The enterprise's commissioner rejects the proposal with a reason."""
    return proposals.reject(session, user=user, proposal_id=proposal_id, data=body)


@router.get("/{enterprise_id}", response_model=EnterpriseRead)
def get_enterprise(enterprise_id: int, user: CurrentUser, session: SessionDep) -> Enterprise:
    """One enterprise."""
    return service.get_enterprise(session, user=user, enterprise_id=enterprise_id)


@router.patch("/{enterprise_id}", response_model=EnterpriseRead)
def update_enterprise(
    enterprise_id: int, body: EnterpriseUpdate, user: CurrentUser, session: SessionDep
) -> Enterprise:
    """Change an enterprise."""
    return service.update_enterprise(session, user=user, enterprise_id=enterprise_id, data=body)


@router.get("/{enterprise_id}/history", response_model=list[AuditRead])
def enterprise_history(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every recorded change of the enterprise."""
    ent = service.get_enterprise(session, user=user, enterprise_id=enterprise_id)
    return audit.history(session, park_id=ent.park_id, entity_type="enterprise", entity_id=ent.id)


@router.put("/{enterprise_id}/commissioner", response_model=EnterpriseRead)
def assign_commissioner(
    enterprise_id: int, body: CommissionerAssign, user: CurrentUser, session: SessionDep
) -> Enterprise:
    """Assign or clear the service commissioner (leaders and admins)."""
    return records.assign_commissioner(
        session, user=user, enterprise_id=enterprise_id, commissioner_id=body.commissioner_id
    )


@router.get("/{enterprise_id}/pools", response_model=list[PoolRead])
def list_pools(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Cultivation pool memberships, current and past."""
    return records.list_pools(session, user=user, enterprise_id=enterprise_id)


@router.post("/{enterprise_id}/pools", response_model=PoolRead, status_code=201)
def enter_pool(enterprise_id: int, body: PoolEntry, user: CurrentUser, session: SessionDep) -> Any:
    """Put the enterprise into a cultivation pool from a date."""
    return records.enter_pool(session, user=user, enterprise_id=enterprise_id, data=body)


@router.post("/{enterprise_id}/pools/{pool_id}/leave", response_model=PoolRead)
def leave_pool(
    enterprise_id: int, pool_id: int, body: PoolLeave, user: CurrentUser, session: SessionDep
) -> Any:
    """Record the date the enterprise left a pool."""
    return records.leave_pool(
        session, user=user, enterprise_id=enterprise_id, pool_id=pool_id, data=body
    )


@router.get("/{enterprise_id}/contacts", response_model=list[ContactRead])
def list_contacts(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Contact people."""
    return records.list_contacts(session, user=user, enterprise_id=enterprise_id)


@router.post("/{enterprise_id}/contacts", response_model=ContactRead, status_code=201)
def add_contact(
    enterprise_id: int, body: ContactCreate, user: CurrentUser, session: SessionDep
) -> Any:
    """Add a contact person."""
    return records.add_contact(session, user=user, enterprise_id=enterprise_id, data=body)


@router.delete("/{enterprise_id}/contacts/{contact_id}", status_code=204)
def remove_contact(
    enterprise_id: int, contact_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    """Remove a contact person."""
    records.remove_contact(session, user=user, enterprise_id=enterprise_id, contact_id=contact_id)
    return Response(status_code=204)


@router.get("/{enterprise_id}/products", response_model=list[ProductRead])
def list_products(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Products and drugs."""
    return records.list_products(session, user=user, enterprise_id=enterprise_id)


@router.post("/{enterprise_id}/products", response_model=ProductRead, status_code=201)
def add_product(
    enterprise_id: int, body: ProductCreate, user: CurrentUser, session: SessionDep
) -> Any:
    """Add a product or drug."""
    return records.add_product(session, user=user, enterprise_id=enterprise_id, data=body)


@router.delete("/{enterprise_id}/products/{product_id}", status_code=204)
def remove_product(
    enterprise_id: int, product_id: int, user: CurrentUser, session: SessionDep
) -> Response:
    """Remove a product or drug."""
    records.remove_product(session, user=user, enterprise_id=enterprise_id, product_id=product_id)
    return Response(status_code=204)


@router.get("/{enterprise_id}/plan", response_model=PlanRead)
def get_plan(enterprise_id: int, user: CurrentUser, session: SessionDep) -> PlanRead:
    """The one-company plan (一企一策) with its follow-ups."""
    plan, follow_ups = records.get_plan(session, user=user, enterprise_id=enterprise_id)
    return PlanRead(
        goals=plan.goals if plan else "",
        measures=plan.measures if plan else "",
        follow_ups=[FollowUpRead.model_validate(f) for f in follow_ups],
    )


@router.put("/{enterprise_id}/plan", response_model=PlanRead)
def save_plan(
    enterprise_id: int, body: PlanUpdate, user: CurrentUser, session: SessionDep
) -> PlanRead:
    """Write the plan's goals and measures."""
    records.save_plan(session, user=user, enterprise_id=enterprise_id, data=body)
    return get_plan(enterprise_id, user, session)


@router.post("/{enterprise_id}/plan/follow-ups", response_model=FollowUpRead, status_code=201)
def add_follow_up(
    enterprise_id: int, body: FollowUpCreate, user: CurrentUser, session: SessionDep
) -> Any:
    """Record a dated follow-up with the next step."""
    return records.add_follow_up(session, user=user, enterprise_id=enterprise_id, data=body)


@router.get("/{enterprise_id}/proposals", response_model=list[ProposalRead])
def list_proposals(enterprise_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Change proposals for the enterprise's file."""
    return proposals.list_proposals(session, user=user, enterprise_id=enterprise_id)


@router.post("/{enterprise_id}/proposals", response_model=ProposalRead, status_code=201)
def propose(
    enterprise_id: int, body: ProposalCreate, user: CurrentUser, session: SessionDep
) -> Any:
    """An enterprise user proposes changes to its own file."""
    return proposals.propose(session, user=user, enterprise_id=enterprise_id, data=body)
