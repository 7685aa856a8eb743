"""The global IntegrityError safety net: a conflict the service did not foresee is a 409."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from biopark.accounts.deps import SessionDep
from biopark.parks.models import Park
from tests.builders import make_park


def test_an_unforeseen_unique_violation_is_a_409(app, session: Session) -> None:  # type: ignore[no-untyped-def]
    park = make_park(session)
    extra = APIRouter()

    @extra.post("/api/duplicate-park")
    def duplicate(db: SessionDep) -> dict[str, str]:
        db.add(Park(code=park.code, name="重复"))
        db.flush()
        return {"status": "unreachable"}

    app.include_router(extra)
    resp = TestClient(app).post("/api/duplicate-park")
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "Conflict"
