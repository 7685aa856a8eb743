"""Builders for intelligence records."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from biopark.intel.demo import articles
from biopark.intel.models import IntelDocument
from biopark.intel.service.ingest import ingest_bytes
from biopark.parks.models import Park

FIXTURES = Path(__file__).parent / "fixtures"


def demo_bytes(prefix: str) -> bytes:
    """The bytes of the demo article whose name starts with prefix."""
    return next(data for name, data in articles() if name.startswith(prefix))


def make_document(
    session: Session, park: Park, data: bytes | None = None, **kw: str
) -> IntelDocument:
    """Ingest bytes (a demo article by default) into the park and return the stored document."""
    result = ingest_bytes(
        session,
        park_id=park.id,
        origin=kw.get("origin", "test:doc"),
        data=data if data is not None else demo_bytes("04"),
        url=kw.get("url"),
    )
    assert result.document_id is not None
    doc = session.get(IntelDocument, result.document_id)
    assert doc is not None
    return doc


def ingest_demo(session: Session, park: Park) -> dict[str, IntelDocument]:
    """All demo articles, by file-name prefix (01..06)."""
    return {
        name[:2]: make_document(session, park, data, origin=f"demo:{name}")
        for name, data in articles()
    }
