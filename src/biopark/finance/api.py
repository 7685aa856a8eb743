"""Financial products and financing needs API (金融服务)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query

from biopark.accounts.deps import CurrentUser, SessionDep
from biopark.audit.schemas import AuditRead
from biopark.finance import service
from biopark.finance.models import FinanceProduct, FinancingNeed
from biopark.finance.schemas import (
    DeclineBody,
    GrantBody,
    NeedCreate,
    NeedRead,
    ProductCreate,
    ProductMatchRead,
    ProductRead,
    ProductUpdate,
    ReferBody,
)
from biopark.kit.pagination import Page

router = APIRouter(prefix="/api/finance", tags=["finance"])


@router.get("/products", response_model=Page[ProductRead])
def list_products(
    user: CurrentUser,
    session: SessionDep,
    kind: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """The park's financial products."""
    return service.list_products(session, user=user, kind=kind, page=page, size=size)


@router.post("/products", response_model=ProductRead, status_code=201)
def create_product(body: ProductCreate, user: CurrentUser, session: SessionDep) -> FinanceProduct:
    """Add a product (admins and commissioners)."""
    return service.create_product(session, park_id=user.park_id, actor=user, data=body)


@router.get("/products/{product_id}", response_model=ProductRead)
def get_product(product_id: int, user: CurrentUser, session: SessionDep) -> FinanceProduct:
    """One product."""
    return service.get_product(session, user=user, product_id=product_id)


@router.patch("/products/{product_id}", response_model=ProductRead)
def update_product(
    product_id: int, body: ProductUpdate, user: CurrentUser, session: SessionDep
) -> FinanceProduct:
    """Change the given fields of a product (admins and commissioners)."""
    return service.update_product(session, user=user, product_id=product_id, data=body)


@router.post("/products/{product_id}/retire", response_model=ProductRead)
def retire_product(product_id: int, user: CurrentUser, session: SessionDep) -> FinanceProduct:
    """Stop offering and matching the product; needs referred to it keep it."""
    return service.set_product_active(session, user=user, product_id=product_id, active=False)


@router.post("/products/{product_id}/reactivate", response_model=ProductRead)
def reactivate_product(product_id: int, user: CurrentUser, session: SessionDep) -> FinanceProduct:
    """Offer a retired product again."""
    return service.set_product_active(session, user=user, product_id=product_id, active=True)


@router.get("/needs", response_model=Page[NeedRead])
def list_needs(
    user: CurrentUser,
    session: SessionDep,
    status: str | None = Query(default=None, max_length=20),
    page: int = Query(default=1, ge=1),
    size: int = Query(default=50, ge=1, le=200),
) -> Page[Any]:
    """Needs the user may see: its enterprise's own, or the park's for staff."""
    return service.list_needs(session, user=user, status=status, page=page, size=size)


@router.post("/needs", response_model=NeedRead, status_code=201)
def post_need(body: NeedCreate, user: CurrentUser, session: SessionDep) -> FinancingNeed:
    """Post a financing need (enterprise users; staff on an enterprise's behalf)."""
    return service.post_need(session, user=user, data=body)


@router.get("/needs/{need_id}", response_model=NeedRead)
def get_need(need_id: int, user: CurrentUser, session: SessionDep) -> FinancingNeed:
    """One need."""
    return service.get_need(session, user=user, need_id=need_id)


@router.get("/needs/{need_id}/matches", response_model=list[ProductMatchRead])
def need_matches(need_id: int, user: CurrentUser, session: SessionDep) -> list[ProductMatchRead]:
    """Products the need's enterprise qualifies or nearly qualifies for, with the gaps."""
    return [
        ProductMatchRead(**asdict(m))
        for m in service.match_need(session, user=user, need_id=need_id)
    ]


@router.get("/needs/{need_id}/history", response_model=list[AuditRead])
def need_history(need_id: int, user: CurrentUser, session: SessionDep) -> list[Any]:
    """Every step of the need."""
    return service.history(session, need=service.get_need(session, user=user, need_id=need_id))


@router.post("/needs/{need_id}/refer", response_model=NeedRead)
def refer(need_id: int, body: ReferBody, user: CurrentUser, session: SessionDep) -> FinancingNeed:
    """Refer the need to a product and its provider (staff)."""
    return service.refer_need(session, user=user, need_id=need_id, data=body)


@router.post("/needs/{need_id}/grant", response_model=NeedRead)
def grant(need_id: int, body: GrantBody, user: CurrentUser, session: SessionDep) -> FinancingNeed:
    """Record the granted amount, provider and date (staff)."""
    return service.grant_need(session, user=user, need_id=need_id, data=body)


@router.post("/needs/{need_id}/decline", response_model=NeedRead)
def decline(
    need_id: int, body: DeclineBody, user: CurrentUser, session: SessionDep
) -> FinancingNeed:
    """Record that the provider declined (staff)."""
    return service.decline_need(session, user=user, need_id=need_id, data=body)


@router.post("/needs/{need_id}/withdraw", response_model=NeedRead)
def withdraw(need_id: int, user: CurrentUser, session: SessionDep) -> FinancingNeed:
    """The enterprise withdraws its open need."""
    return service.withdraw_need(session, user=user, need_id=need_id)
