"""Industry-chain API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.chain import gaps, service, taxonomy
from biopark.chain.models import ChainLink
from biopark.chain.schemas import (
    ClusterRead,
    GapRead,
    LinkCreate,
    LinkDetail,
    LinkRead,
    LinkUpdate,
    MapRead,
    PlacementCreate,
    VersionRead,
)
from biopark.errors import ValidationFailed
from biopark.jobs.schemas import TaskAccepted
from biopark.jobs.uploads import accepted, submit_upload
from biopark.kit.sheets import MAX_BYTES

router = APIRouter(prefix="/api/chain", tags=["chain"])


@router.get("/map", response_model=MapRead)
def get_map(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """The park's chain: every link with its coverage and gap score."""
    return service.map_data(session, user=user)


@router.get("/echarts")
def get_echarts(
    user: CurrentUser, session: SessionDep, lang: str = Query(default="zh", pattern="^(zh|en)$")
) -> dict[str, object]:
    """The chain as ECharts tree data (what the map page draws)."""
    return service.echarts_data(service.overview_for(session, user=user), lang=lang)


@router.get("/links/{link_id}", response_model=LinkDetail)
def get_link(link_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """What is behind one link: enterprises, leaders, drugs, candidates, gap reasons."""
    return service.link_detail(session, user=user, link_id=link_id)


@router.post("/links", response_model=LinkRead, status_code=201)
def create_link(body: LinkCreate, user: CurrentUser, session: SessionDep) -> ChainLink:
    """Add a link to the taxonomy (new version)."""
    return taxonomy.create_link(session, user=user, data=body)


@router.patch("/links/{link_id}", response_model=LinkRead)
def update_link(
    link_id: int, body: LinkUpdate, user: CurrentUser, session: SessionDep
) -> ChainLink:
    """Change a link (new version)."""
    return taxonomy.update_link(session, user=user, link_id=link_id, data=body)


@router.delete("/links/{link_id}", status_code=204)
def delete_link(link_id: int, user: CurrentUser, session: SessionDep) -> None:
    """Remove an empty link (new version)."""
    taxonomy.delete_link(session, user=user, link_id=link_id)


@router.get("/versions", response_model=list[VersionRead])
def list_versions(user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every version of the taxonomy, newest first."""
    return taxonomy.versions(session, user=user)


@router.put("/links/{link_id}/enterprises/{enterprise_id}", status_code=204)
def place(
    link_id: int, enterprise_id: int, body: PlacementCreate, user: CurrentUser, session: SessionDep
) -> None:
    """Place an enterprise on a link (or change its leader flag)."""
    if body.enterprise_id != enterprise_id:
        raise ValidationFailed("企业编号不一致", en="enterprise_id mismatch")
    service.place_enterprise(
        session,
        user=user,
        link_id=link_id,
        enterprise_id=enterprise_id,
        is_leader=body.is_leader,
        note=body.note,
    )


@router.delete("/links/{link_id}/enterprises/{enterprise_id}", status_code=204)
def unplace(link_id: int, enterprise_id: int, user: CurrentUser, session: SessionDep) -> None:
    """Take an enterprise off a link."""
    service.remove_placement(session, user=user, link_id=link_id, enterprise_id=enterprise_id)


@router.get("/gaps", response_model=list[GapRead])
def list_gaps(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """Gaps (短板) and weak links (弱项), worst first, with candidate firms (补链)."""
    return gaps.gap_list(session, user=user)


@router.get("/clusters", response_model=list[ClusterRead])
def list_clusters(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """The four clusters with their enterprises, links and drugs."""
    return gaps.cluster_view(session, user=user)


@router.post("/candidates/import", status_code=202, response_model=TaskAccepted)
def import_candidates(
    request: Request, user: CurrentUser, session: SessionDep, file: UploadFile = File(...)
) -> Any:
    """Import candidate firms from an xlsx or csv file in the background; all rows or none.
    Poll `status_url` for the result."""
    content = file.file.read(MAX_BYTES + 1)
    task = submit_upload(
        request,
        session,
        user=user,
        kind="candidate_import",
        files=[(file.filename or "", content)],
    )
    return accepted(task)
