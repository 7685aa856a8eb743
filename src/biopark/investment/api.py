"""Investment pipeline API: consultations, leads, projects, visits, funds, targets, stats."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from biopark.accounts.deps import CurrentUser, SessionDep, client_address
from biopark.audit import service as audit
from biopark.audit.schemas import AuditRead
from biopark.investment import excel_export, service, stages
from biopark.investment.models import (
    FundsEntry,
    Lead,
    LeadStatus,
    LeadVisit,
    Project,
    Stage,
    Target,
    Visit,
)
from biopark.investment.schemas import (
    ConsultationCreate,
    ConsultationPost,
    ConsultationReceipt,
    FundsCreate,
    FundsRead,
    LeadClose,
    LeadContact,
    LeadCreate,
    LeadMerge,
    LeadQualify,
    LeadRead,
    LeadUpdate,
    LeadVisitCreate,
    LeadVisitRead,
    OverdueItem,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
    StageChangeCreate,
    StageChangeRead,
    TargetRead,
    TargetSet,
    TimelineItem,
    VisitCreate,
    VisitRead,
    YearStats,
)
from biopark.jobs.schemas import TaskAccepted
from biopark.jobs.uploads import accepted, submit_upload
from biopark.kit import sheets
from biopark.kit.dates import today
from biopark.kit.pagination import Page
from biopark.parks import service as parks
from biopark.web.templating import lang_of

router = APIRouter(prefix="/api/investment", tags=["investment"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("/consult/{park_code}", response_model=ConsultationReceipt, status_code=201)
def consult(
    park_code: str, body: ConsultationPost, request: Request, session: SessionDep
) -> ConsultationReceipt:
    """Public consultation (no sign-in): needs `consent`; limited per phone and per address.

    Over the per-phone limit: 429. Over the per-address ceiling: kept and flagged (`flagged`).
    """
    park = parks.get_park_by_code(session, code=park_code)
    if body.website:
        return ConsultationReceipt(lead_id=None, message="已收到", first_contact_due_at=None)
    data = ConsultationCreate.model_validate(body.model_dump(exclude={"website", "consent"}))
    lead = service.submit_consultation(
        session, park=park, data=data, address=client_address(request), consent=body.consent
    )
    return ConsultationReceipt(
        lead_id=lead.id,
        message="已收到，招商专员将在规定工作时间内与您联系",
        first_contact_due_at=lead.first_contact_due_at,
        flagged=lead.flag is not None,
    )


# --- leads ----------------------------------------------------------------------------------


@router.get("/leads", response_model=Page[LeadRead])
def list_leads(
    user: CurrentUser,
    session: SessionDep,
    status: LeadStatus | None = None,
    owner_id: int | None = None,
    q: str | None = Query(default=None, max_length=100),
    overdue: bool = False,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Leads of the park, newest first, each with its first-contact SLA clock."""
    return service.list_leads(
        session,
        user=user,
        status=status,
        owner_id=owner_id,
        q=q,
        overdue=overdue,
        page=page,
        size=size,
    )


@router.post("/leads", response_model=LeadRead, status_code=201)
def create_lead(body: LeadCreate, user: CurrentUser, session: SessionDep) -> Lead:
    """Record a lead found by the team."""
    return service.create_lead(session, user=user, data=body)


@router.get("/leads/{lead_id}", response_model=LeadRead)
def get_lead(lead_id: int, user: CurrentUser, session: SessionDep) -> Lead:
    """One lead."""
    return service.get_lead(session, user=user, lead_id=lead_id)


@router.patch("/leads/{lead_id}", response_model=LeadRead)
def update_lead(lead_id: int, body: LeadUpdate, user: CurrentUser, session: SessionDep) -> Lead:
    """Reassign a lead or change its next action."""
    return service.update_lead(session, user=user, lead_id=lead_id, data=body)


@router.post("/leads/{lead_id}/contact", response_model=LeadRead)
def contact_lead(lead_id: int, body: LeadContact, user: CurrentUser, session: SessionDep) -> Lead:
    """Record the first contact (stops the SLA clock) and the next step."""
    return service.mark_contacted(
        session, user=user, lead_id=lead_id, next_action=body.next_action, due_at=body.due_at
    )


@router.post("/leads/{lead_id}/close", response_model=LeadRead)
def close_lead(lead_id: int, body: LeadClose, user: CurrentUser, session: SessionDep) -> Lead:
    """Close a lead with a reason."""
    return service.close_lead(session, user=user, lead_id=lead_id, data=body)


@router.post("/leads/{lead_id}/qualify", response_model=ProjectRead, status_code=201)
def qualify_lead(
    lead_id: int, body: LeadQualify, user: CurrentUser, session: SessionDep
) -> Project:
    """Turn a lead into a project at stage 线索."""
    return service.qualify_lead(session, user=user, lead_id=lead_id, data=body)


@router.get("/leads/{lead_id}/visits", response_model=list[LeadVisitRead])
def list_lead_visits(lead_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """The lead's visits, newest first."""
    return service.list_lead_visits(session, user=user, lead_id=lead_id)


@router.post("/leads/{lead_id}/visits", response_model=LeadVisitRead, status_code=201)
def add_lead_visit(
    lead_id: int, body: LeadVisitCreate, user: CurrentUser, session: SessionDep
) -> LeadVisit:
    """Log a visit or call on an open lead."""
    return service.add_lead_visit(session, user=user, lead_id=lead_id, data=body)


@router.post("/leads/{lead_id}/merge", response_model=LeadRead)
def merge_lead(lead_id: int, body: LeadMerge, user: CurrentUser, session: SessionDep) -> Lead:
    """Merge a duplicate lead (same company or phone) into this one."""
    return service.merge_leads(session, user=user, keep_id=lead_id, duplicate_id=body.duplicate_id)


@router.get("/leads/{lead_id}/history", response_model=list[AuditRead])
def lead_history(lead_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every recorded change of the lead."""
    lead = service.get_lead(session, user=user, lead_id=lead_id)
    return audit.history(
        session, park_id=lead.park_id, entity_type=service.ENTITY_LEAD, entity_id=lead.id
    )


# --- projects -------------------------------------------------------------------------------


def _filter(
    q: str | None,
    stage: Stage | None,
    owner_id: int | None,
    team: str | None,
    chain: str | None,
    year: int | None,
    overdue: bool,
    demo: bool | None,
) -> service.ProjectFilter:
    return service.ProjectFilter(
        q=q,
        stage=stage,
        owner_id=owner_id,
        team=team,
        chain=chain,
        year=year,
        overdue=overdue,
        demo=demo,
    )


@router.get("/projects", response_model=Page[ProjectRead])
def list_projects(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    stage: Stage | None = None,
    owner_id: int | None = None,
    team: str | None = Query(default=None, max_length=100),
    chain: str | None = Query(default=None, max_length=100),
    year: int | None = Query(
        default=None, ge=2000, le=2100, description="Registered (入库) in this year."
    ),
    overdue: bool = False,
    demo: bool | None = None,
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Projects of the park, newest first, with funds in place."""
    flt = _filter(q, stage, owner_id, team, chain, year, overdue, demo)
    return service.list_projects(session, user=user, flt=flt, page=page, size=size)


@router.get(
    "/projects/export.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}}
)
def export_projects(
    user: CurrentUser,
    session: SessionDep,
    q: str | None = Query(default=None, max_length=100),
    stage: Stage | None = None,
    owner_id: int | None = None,
    team: str | None = Query(default=None, max_length=100),
    chain: str | None = Query(default=None, max_length=100),
    year: int | None = Query(default=None, ge=2000, le=2100),
    overdue: bool = False,
    demo: bool | None = None,
) -> Response:
    """The filtered project list as a printable Excel ledger."""
    flt = _filter(q, stage, owner_id, team, chain, year, overdue, demo)
    content = excel_export.export_ledger(session, user=user, flt=flt)
    name = quote(f"招商项目台账-{today().isoformat()}.xlsx")
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.post("/projects/import", status_code=202, response_model=TaskAccepted)
def import_projects(
    request: Request, user: CurrentUser, session: SessionDep, file: UploadFile = File(...)
) -> Any:
    """Import a project ledger (.xlsx) in the background: all rows or none.

    Rows with a 项目编号 update that project; rows without one create projects. Poll
    `status_url` for the result: created/updated counts, or every bad row.
    """
    content = file.file.read(sheets.MAX_BYTES + 1)
    task = submit_upload(
        request, session, user=user, kind="ledger_import", files=[(file.filename or "", content)]
    )
    return accepted(task)


@router.get(
    "/projects/import-template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
def import_template(user: CurrentUser) -> Response:
    """The ledger import template: header row, one example row and a notes sheet."""
    service.check_access(user)
    name = quote("招商项目台账-导入模板.xlsx")
    return Response(
        excel_export.import_template(),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@router.post("/projects", response_model=ProjectRead, status_code=201)
def create_project(body: ProjectCreate, user: CurrentUser, session: SessionDep) -> Project:
    """Create a project at stage 线索."""
    return service.create_project(session, user=user, data=body)


@router.get("/projects/{project_id}", response_model=ProjectRead)
def get_project(project_id: int, user: CurrentUser, session: SessionDep) -> Project:
    """One project."""
    return service.get_project(session, user=user, project_id=project_id)


@router.patch("/projects/{project_id}", response_model=ProjectRead)
def update_project(
    project_id: int, body: ProjectUpdate, user: CurrentUser, session: SessionDep
) -> Project:
    """Change a project's fields."""
    return service.update_project(session, user=user, project_id=project_id, data=body)


@router.post("/projects/{project_id}/stage", response_model=ProjectRead)
def change_stage(
    project_id: int, body: StageChangeCreate, user: CurrentUser, session: SessionDep
) -> Project:
    """Move a project to another stage under the stage rules (see GET /api/investment/stages).

    Entering a stage needs its facts (签约: agreed_investment and signed_on; 入库: registered_on;
    开工: started_on; 投产: produced_on), and a jump needs those of every stage jumped over and
    a reason. Moving back, terminating and reopening need a reason. 422 lists what is missing.
    """
    project = service.change_stage(session, user=user, project_id=project_id, data=body)
    service.decorate_projects(session, [project])
    return project


@router.get("/stages")
def stage_rules() -> list[dict[str, Any]]:
    """The stage table: each stage and the facts it needs before it is entered."""
    return stages.requirements()


@router.get("/projects/{project_id}/stages", response_model=list[StageChangeRead])
def stage_history(project_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """The project's stage transitions, oldest first."""
    return service.stage_history(session, user=user, project_id=project_id)


@router.get("/projects/{project_id}/visits", response_model=list[VisitRead])
def list_visits(project_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """The project's visits, newest first."""
    return service.list_visits(session, user=user, project_id=project_id)


@router.post("/projects/{project_id}/visits", response_model=VisitRead, status_code=201)
def add_visit(project_id: int, body: VisitCreate, user: CurrentUser, session: SessionDep) -> Visit:
    """Log a negotiation visit."""
    return service.add_visit(session, user=user, project_id=project_id, data=body)


@router.get("/projects/{project_id}/funds", response_model=list[FundsRead])
def list_funds(project_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Funds entries by date with the running total."""
    return service.list_funds(session, user=user, project_id=project_id)


@router.post("/projects/{project_id}/funds", response_model=FundsRead, status_code=201)
def add_funds(
    project_id: int, body: FundsCreate, user: CurrentUser, session: SessionDep
) -> FundsEntry:
    """Record funds that arrived on a date; above the agreed investment needs confirm_over_agreed."""
    return service.add_funds(session, user=user, project_id=project_id, data=body)


@router.get("/projects/{project_id}/history", response_model=list[AuditRead])
def project_history(project_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """The project's timeline: every change, stage move, visit and funds entry."""
    project = service.get_project(session, user=user, project_id=project_id)
    return audit.history(
        session, park_id=project.park_id, entity_type=service.ENTITY_PROJECT, entity_id=project.id
    )


@router.get("/projects/{project_id}/timeline", response_model=list[TimelineItem])
def project_timeline(
    request: Request, project_id: int, user: CurrentUser, session: SessionDep
) -> list[TimelineItem]:
    """Stage moves, visits, funds and field changes of the project, newest first, as sentences."""
    return service.timeline(session, user=user, project_id=project_id, lang=lang_of(request))


# --- targets, stats, the loop ---------------------------------------------------------------


@router.get("/targets", response_model=list[TargetRead])
def list_targets(
    user: CurrentUser, session: SessionDep, year: int | None = Query(default=None, ge=2000, le=2100)
) -> list[Target]:
    """Annual targets of the park, its teams and chains."""
    return service.list_targets(session, user=user, year=year)


@router.put("/targets", response_model=TargetRead)
def set_target(body: TargetSet, user: CurrentUser, session: SessionDep) -> Target:
    """Create or replace one annual target (leaders and admins)."""
    return service.set_target(session, user=user, data=body)


@router.get("/stats", response_model=YearStats)
def stats(
    user: CurrentUser,
    session: SessionDep,
    year: int = Query(ge=2000, le=2100),
    month_to: int | None = Query(default=None, ge=1, le=12),
    team: str | None = Query(default=None, max_length=100),
    chain: str | None = Query(default=None, max_length=100),
) -> Any:
    """The year's signed-and-registered projects, agreed investment, funds in place, targets and months."""
    service.check_access(user)
    return service.year_stats(
        session, park_id=user.park_id, year=year, month_to=month_to, team=team, chain=chain
    )


@router.get("/loop", response_model=list[OverdueItem])
def loop(
    user: CurrentUser,
    session: SessionDep,
    owner_id: int | None = None,
    team: str | None = Query(default=None, max_length=100),
    horizon_days: int = Query(default=0, ge=0, le=90),
) -> list[OverdueItem]:
    """Open leads and projects overdue, due within the horizon, or without a plan."""
    service.check_access(user)
    return service.loop_items(
        session, park_id=user.park_id, owner_id=owner_id, team=team, horizon_days=horizon_days
    )
